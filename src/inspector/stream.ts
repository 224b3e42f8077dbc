/**
 * `GET /api/v1/events`: the live stream (Server-Sent Events). While no stream is open nothing is
 * collected: no trace listener, no timer. While one is, the trace is taken only for the views
 * asked for, coalesced into a frame every `frameMs`, at most `maxEvents` a frame (past it the
 * listener is detached until the next frame, so a busy system pays for a bounded number of
 * events however busy it is); each client's queue is bounded (`maxQueue` bytes, measured by
 * `res.writableLength`): a client that falls behind loses frames, counted in `dropped`, never
 * the server's memory. Recent frames stay in a bounded ring for `Last-Event-ID` resumes.
 * @internal
 * @packageDocumentation
 */
import type { ServerResponse } from 'node:http';
import { scheduleAfter, type Kernel, type TimerHandle, type TraceEvent } from '../kernel/index.js';
import { COMMON_HEADERS } from './http.js';
import { localSnapshot } from './network.js';
import { INSPECTOR_PROTOCOL, type EventFrame, type EventRow, type InspectorStats, type StreamHello, type StreamView } from './protocol.js';
import type { Since } from './since.js';
import { lookAt } from './views.js';

/** Every view a stream can ask for, in their documented order. */
export const STREAM_VIEWS: readonly StreamView[] = ['trace', 'stalls', 'nodes', 'pidin', 'channels', 'graph'];

type Changed = EventFrame['changed'][number];
type StallRow = EventFrame['stalls'][number];

/** Frames and bytes of events the ring keeps at most, for resumes. */
const RING_FRAMES = 256;
const RING_BYTES = 4 * 1024 * 1024;
/** Frames whose running event count is remembered (to count what a late resume missed). */
const HISTORY = 4096;
/** Stalls waiting for a client that falls behind, at most. */
const MAX_PENDING_STALLS = 256;
/** A comment line this often keeps idle streams open through proxies. */
const KEEPALIVE_MS = 15_000;
/** Other nodes tell nothing by themselves: their views are marked changed this often (wall clock). */
const NETWORK_POLL_MS = 1000;

export interface HubOptions {
  readonly node: string;
  readonly frameMs: number;
  readonly maxEvents: number;
  readonly maxQueue: number;
  readonly stallThresholdMs: number;
  readonly since: Since;
}

/**
 * A frame as the ring keeps it: the {@link EventFrame} fields every client gets alike, its events
 * as their JSON (built once, shared by the clients) and their count; each client's own `dropped`,
 * and what earlier frames dropped for it carried, are added when it is written (`deliver`).
 */
interface Frame extends Pick<EventFrame, 'seq' | 'time' | 'changed' | 'stalls'> {
  readonly eventsJson: string;
  readonly events: number;
  readonly truncated: boolean;
}

interface Client {
  readonly id: number;
  readonly res: ServerResponse;
  readonly views: ReadonlySet<StreamView>;
  readonly trace: boolean;
  dropped: number;
  sent: number;
  /** What frames dropped for it carried and the next one it is sent must (views changed, stalls). */
  readonly changed: Set<Changed>;
  stalls: StallRow[];
}

const num = (x: number): string => (Number.isFinite(x) ? String(x) : 'null');

export class EventHub {
  private readonly clients = new Set<Client>();
  private nextClient = 1;
  private seq = 0;
  private ring: Frame[] = [];
  private ringBytes = 0;
  /** Events streamed through frame `seq` (index `seq % HISTORY`). */
  private readonly cum = new Float64Array(HISTORY);
  private total = 0;
  // what the next frame carries
  private buf: TraceEvent[] = [];
  private truncated = false;
  private dirtyLocal = false;
  private dirtyNodes = false;
  private pendingStalls: StallRow[] = [];
  // what runs while a client is attached
  private stopTrace: (() => void) | null = null;
  private collecting = false;
  private ticker: ReturnType<typeof setInterval> | null = null;
  private stallTimer: TimerHandle | null = null;
  /** Stall episodes already reported (`pid:tid@since state blocked`). */
  private told = new Set<string>();
  private lastWrite = Date.now();
  private lastPoll = 0;
  private readonly listener = (e: TraceEvent): void => this.onTrace(e);

  constructor(private readonly kernel: Kernel, private readonly o: HubOptions) {}

  /** Open a stream on `res` for `views`, resumed after `lastEventId` when given. */
  attach(res: ServerResponse, views: ReadonlySet<StreamView>, lastEventId: number | null): void {
    res.writeHead(200, { ...COMMON_HEADERS, 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.socket?.setNoDelay(true);
    const c: Client = { id: this.nextClient++, res, views, trace: views.has('trace'), dropped: 0, sent: 0, changed: new Set(), stalls: [] };
    this.clients.add(c);
    res.on('close', () => this.detach(c));
    // a client gone mid-write: its 'close' detaches it; the error must not end the server
    res.on('error', () => this.detach(c));
    const hello: StreamHello = { version: INSPECTOR_PROTOCOL, seq: this.seq, views: STREAM_VIEWS.filter((v) => views.has(v)), frameMs: this.o.frameMs, maxEvents: this.o.maxEvents };
    res.write(`retry: 1000\nevent: hello\ndata: ${JSON.stringify(hello)}\n\n`);
    if (lastEventId !== null) this.resume(c, lastEventId);
    this.reconcile();
  }

  /** Whether a trace listener is installed now. */
  get tracing(): boolean {
    return this.stopTrace !== null;
  }

  /** A node came up or went down, or a frame was dropped (`onNet`). */
  nodesChanged(): void {
    if (this.clients.size > 0) this.dirtyNodes = true;
  }

  stats(): InspectorStats {
    return {
      version: INSPECTOR_PROTOCOL,
      tracing: this.tracing,
      seq: this.seq,
      ring: { frames: this.ring.length, bytes: this.ringBytes },
      maxQueue: this.o.maxQueue,
      clients: [...this.clients].map((c) => ({ id: c.id, views: STREAM_VIEWS.filter((v) => c.views.has(v)), queued: c.res.writableLength, sent: c.sent, dropped: c.dropped })),
    };
  }

  /** End every stream and stop. */
  close(): void {
    for (const c of [...this.clients]) {
      this.clients.delete(c);
      c.res.end();
    }
    this.reconcile();
    this.ring = [];
    this.ringBytes = 0;
  }

  private detach(c: Client): void {
    if (this.clients.delete(c)) this.reconcile();
  }

  /** Start or stop the trace listener, the frame timer and the stall timer for the clients there are. */
  private reconcile(): void {
    let trace = false;
    let snapshots = false;
    let stalls = false;
    for (const c of this.clients) {
      trace ||= c.trace;
      snapshots ||= c.views.has('pidin') || c.views.has('channels') || c.views.has('graph');
      stalls ||= c.views.has('stalls');
    }
    this.collecting = trace;
    if ((trace || snapshots) && this.stopTrace === null) this.stopTrace = this.kernel.onTrace(this.listener);
    if (!trace && !snapshots) this.pauseTrace();
    if (this.clients.size > 0 && this.ticker === null) {
      this.ticker = setInterval(() => this.tick(), this.o.frameMs);
      this.ticker.unref();
    }
    if (stalls && this.stallTimer === null) this.lookForStalls();
    if (!stalls && this.stallTimer !== null) {
      this.stallTimer.unsubscribe();
      this.stallTimer = null;
    }
    if (this.clients.size === 0) {
      if (this.ticker !== null) clearInterval(this.ticker);
      this.ticker = null;
      this.buf = [];
      this.pendingStalls = [];
      this.told.clear();
      this.truncated = this.dirtyLocal = this.dirtyNodes = false;
      this.o.since.clear();
    }
  }

  private pauseTrace(): void {
    this.stopTrace?.();
    this.stopTrace = null;
  }

  private onTrace(e: TraceEvent): void {
    this.dirtyLocal = true;
    if (e.kind === 'node') this.dirtyNodes = true;
    if (!this.collecting) {
      // a view changed: that is all a snapshot view needs to know until the next frame
      this.pauseTrace();
      return;
    }
    this.buf.push(e);
    if (this.buf.length >= this.o.maxEvents) {
      this.truncated = true;
      this.pauseTrace();
    }
  }

  /** Every quarter threshold of the kernel's clock: threads blocked past the threshold, once per episode. */
  private lookForStalls(): void {
    const now = this.kernel.scheduler.now();
    const live = new Set<string>();
    for (const t of lookAt(localSnapshot(this.kernel), this.o.since, now)) {
      if (t.blocked === '' || t.state === 'RECEIVE' || t.remoteNode !== undefined) continue;
      const ep = `${t.pid}:${t.tid}@${t.since} ${t.state} ${t.blocked}`;
      live.add(ep);
      if (now - t.since < this.o.stallThresholdMs || this.told.has(ep)) continue;
      this.told.add(ep);
      if (this.pendingStalls.length < MAX_PENDING_STALLS) {
        this.pendingStalls.push({ node: this.o.node, pid: t.pid, tid: t.tid, name: t.name, state: t.state, blocked: t.blocked, for: now - t.since });
      }
    }
    for (const ep of this.told) if (!live.has(ep)) this.told.delete(ep);
    this.stallTimer = scheduleAfter(this.kernel.scheduler, () => this.lookForStalls(), Math.max(1, Math.floor(this.o.stallThresholdMs / 4)));
  }

  private tick(): void {
    if (this.clients.size === 0) return;
    const now = Date.now();
    if (now - this.lastPoll >= NETWORK_POLL_MS) {
      this.lastPoll = now;
      if (this.kernel.nodes().some((p) => p.state !== 'unknown')) {
        for (const c of this.clients) {
          if (c.views.has('nodes')) this.dirtyNodes = true;
          if (c.views.has('pidin') || c.views.has('channels') || c.views.has('graph')) this.dirtyLocal = true;
        }
      }
    }
    if (this.buf.length > 0 || this.truncated || this.pendingStalls.length > 0 || this.dirtyLocal || this.dirtyNodes) this.frame();
    else if (now - this.lastWrite >= KEEPALIVE_MS) {
      this.lastWrite = now;
      for (const c of this.clients) if (!c.res.destroyed && c.res.writableLength === 0) c.res.write(': keep-alive\n\n');
    }
    this.reconcile();
  }

  private frame(): void {
    const changed: Changed[] = [];
    if (this.dirtyNodes) changed.push('nodes');
    if (this.dirtyLocal) changed.push('pidin', 'channels', 'graph');
    const events = this.collecting ? this.buf : [];
    const f: Frame = {
      seq: ++this.seq,
      time: this.kernel.scheduler.now(),
      eventsJson: this.collecting ? eventsJson(this.o.node, events) : '[]',
      events: events.length,
      changed,
      stalls: this.pendingStalls,
      truncated: this.truncated,
    };
    this.buf = [];
    this.pendingStalls = [];
    this.truncated = this.dirtyLocal = this.dirtyNodes = false;
    this.total += f.events;
    this.cum[f.seq % HISTORY] = this.total;
    this.ring.push(f);
    this.ringBytes += f.eventsJson.length;
    while (this.ring.length > RING_FRAMES || (this.ring.length > 1 && this.ringBytes > RING_BYTES)) this.ringBytes -= this.ring.shift()!.eventsJson.length;
    this.lastWrite = Date.now();
    for (const c of this.clients) this.deliver(c, f);
  }

  /** Write frame `f` to `c`, or, when its queue is full, drop it (counted) and keep what the next must carry. */
  private deliver(c: Client, f: Frame): void {
    for (const v of f.changed) if (c.views.has(v)) c.changed.add(v);
    if (c.views.has('stalls')) for (const s of f.stalls) if (c.stalls.length < MAX_PENDING_STALLS) c.stalls.push(s);
    if (c.res.destroyed || c.res.writableEnded) return;
    const queued = c.res.writableLength;
    const json = `{"seq":${f.seq},"time":${num(f.time)},"events":${c.trace ? f.eventsJson : '[]'},"changed":${JSON.stringify([...c.changed])},`
      + `"stalls":${JSON.stringify(c.stalls)},"dropped":${c.dropped}${f.truncated && c.trace ? ',"truncated":true' : ''}}`;
    const chunk = Buffer.from(`id: ${f.seq}\nevent: frame\ndata: ${json}\n\n`);
    if (queued > 0 && queued + chunk.length > this.o.maxQueue) {
      if (c.trace) c.dropped += f.events;
      return;
    }
    c.res.write(chunk);
    c.sent++;
    c.changed.clear();
    c.stalls = [];
  }

  /** A resumed stream: the frames after `last` still in the ring, after one saying what was lost if some are not. */
  private resume(c: Client, last: number): void {
    if (last >= this.seq) return;
    const oldest = this.ring.length > 0 ? this.ring[0]!.seq : this.seq + 1;
    if (last < oldest - 1) {
      if (c.trace) c.dropped += this.cumAt(oldest - 1) - this.cumAt(last);
      const changed = (['nodes', 'pidin', 'channels', 'graph'] as const).filter((v) => c.views.has(v));
      const gap: EventFrame = { seq: oldest - 1, time: this.kernel.scheduler.now(), events: [], changed, stalls: [], dropped: c.dropped };
      c.res.write(`id: ${gap.seq}\nevent: frame\ndata: ${JSON.stringify(gap)}\n\n`);
      c.sent++;
    }
    for (const f of this.ring) if (f.seq > last) this.deliver(c, f);
  }

  /** Events streamed through frame `seq` (for a frame older than the history: the oldest count known, so a lower bound of what was missed). */
  private cumAt(seq: number): number {
    if (seq <= 0) return 0;
    const s = Math.max(seq, this.seq - HISTORY + 1);
    return this.cum[s % HISTORY]!;
  }
}

/** A frame's events as the JSON array of `EventRow`s (built once per frame, shared by its clients; one native stringify is the fastest way). */
function eventsJson(node: string, events: readonly TraceEvent[]): string {
  return JSON.stringify(events.map((e): EventRow => ({ node, time: e.time, kind: e.kind, pid: e.pid, tid: e.tid, detail: e.detail })));
}
