/**
 * The loopback link (qnet.md §3.7): two kernels of one isolate joined on their shared scheduler,
 * so that every network behaviour runs in virtual time, with faults injected on demand.
 * @packageDocumentation
 */
import type { Kernel, KernelScheduler, Link, LinkState } from '../../kernel/index.js';
import { FrameSeal, keyBytes } from '../auth/FrameSeal.js';
import { kernelOf, type HasKernel } from '../hasKernel.js';

export type { HasKernel };

/** Options of {@link connectLoopback}. */
export interface LoopbackOptions {
  /** Scheduler milliseconds from a frame's send to its arrival (default 0: the next task). */
  readonly latency?: number;
  /** The largest frame the link carries; larger messages are fragmented (default 1 MiB). */
  readonly maxFrameBytes?: number;
  /**
   * A shared key (≥ 16 bytes; a string is UTF-8): every frame carries its number on the link and
   * an HMAC-SHA-256 over it, so a forged, corrupted or replayed frame is dropped before the node
   * sees it, counted (`unauthenticated`, `replayed` in `netStats().drops`), and changes nothing.
   */
  readonly key?: string | Uint8Array;
}

/** One end of the pair: `'a'` (the first kernel given) or `'b'`, or that node's name. */
export type LoopbackSide = 'a' | 'b' | (string & {});

/** Two joined kernels, and the faults a test can inject between them. */
export interface Loopback {
  /** Cut the cable: every frame from now on is lost both ways, and nobody is told (heartbeats find out) until {@link Loopback.resume}. */
  sever(): void;
  /** Close the link: both nodes are told (as a worker's port `close` tells them) and quarantine each other, for good. */
  close(reason?: string): void;
  /** Lose the next `n` frames, whichever way they go (a sequence gap: the receiver ends the session, which then heals). */
  drop(n: number): void;
  /** Deliver each of the next `n` frames twice (the copy right after it). */
  duplicate(n: number): void;
  /** Flip one bit of each of the next `n` frames (which bit: from the frame's own count, deterministic). */
  corrupt(n: number): void;
  /** A frame nobody sent arrives at side `to` (forged input), after the frames already on their way. */
  inject(to: LoopbackSide, frame: Uint8Array): void;
  /** The last `n` frames delivered to side `to` arrive again (a replay), in their order. */
  replay(to: LoopbackSide, n: number): void;
  /** The last frames (up to 64) delivered to side `to`, as they crossed the wire (sealed, with a key): what a sniffer saw. */
  sniffed(to: LoopbackSide): readonly Uint8Array[];
  /** Add `ms` to the latency of frames sent from now on (order is kept). */
  delay(ms: number): void;
  /**
   * The transport loses its connection and is getting it back (as a NATS client reconnecting):
   * both nodes see each other `suspect`; frames are held, none lost, until {@link Loopback.resume}.
   */
  suspend(reason?: string): void;
  /**
   * A process pause (SIGSTOP, a long GC): frames are held both ways and nobody is told; past the
   * liveness bound both sides quarantine each other, and on {@link Loopback.resume} the held
   * frames arrive (the old session's are dropped) and the pair heals as a new session.
   */
  pause(): void;
  /** The connection is back: held frames arrive in order, a severed cable carries frames again, and a suspended link is `up` ('recovered'). */
  resume(): void;
  /** Frames delivered so far. */
  readonly delivered: number;
}

/** Frames remembered per direction for {@link Loopback.replay}. */
const HISTORY = 64;

class End implements Link {
  readonly kind = 'loopback' as const;
  other!: End;
  closed = false;
  frameHandler: ((frame: Uint8Array) => void) | null = null;
  stateHandler: ((state: LinkState, reason: string) => void) | null = null;
  /** Arrival time of the last frame sent this way (arrivals never overtake). */
  lastDue = 0;
  /** Frames on their way from this end, each followed by its arrival time. */
  readonly queue: Array<Uint8Array | number> = [];
  /** A delivery task is scheduled for this direction. */
  armed = false;
  /** The last frames (as sent on the wire) delivered from this end: a ring, `next` the oldest once full. */
  readonly history: Uint8Array[] = [];
  private next = 0;
  /** With a key: sealing what leaves this end, checking what arrives at it. */
  sealer: FrameSeal | null = null;
  opener: FrameSeal | null = null;

  constructor(readonly pair: Pair, readonly maxFrameBytes: number, readonly kernel: Kernel) {}

  send(frame: Uint8Array): boolean {
    if (this.closed) return false;
    this.pair.transmit(this, this.sealer === null ? frame : this.sealer.seal(frame));
    return true;
  }

  /** Remember a delivered frame (the last {@link HISTORY}). */
  remember(frame: Uint8Array): void {
    if (this.history.length < HISTORY) this.history.push(frame);
    else {
      this.history[this.next] = frame;
      this.next = (this.next + 1) % HISTORY;
    }
  }

  /** The remembered frames, oldest first. */
  recent(): Uint8Array[] {
    return [...this.history.slice(this.next), ...this.history.slice(0, this.next)];
  }

  /** A frame off the wire: opened (with a key: or dropped and counted) and handed to the node. */
  take(wire: Uint8Array): void {
    let frame: Uint8Array | 'unauthenticated' | 'replayed' = wire;
    if (this.opener !== null) frame = this.opener.open(wire);
    if (typeof frame === 'string') {
      this.kernel.core.run(() => this.kernel.net?.noteDrop(frame as 'unauthenticated' | 'replayed', this.other.kernel.node ?? '', 'loopback'));
      return;
    }
    this.frameHandler?.(frame);
  }

  onFrame(handler: (frame: Uint8Array) => void): void {
    this.frameHandler = handler;
  }

  onState(handler: (state: LinkState, reason: string) => void): void {
    this.stateHandler = handler;
  }

  close(reason: string): void {
    this.pair.close(reason);
  }
}

class Pair implements Loopback {
  readonly a: End;
  readonly b: End;
  private severed = false;
  private dropping = 0;
  private duplicating = 0;
  private corrupting = 0;
  private extra = 0;
  private suspended = false;
  private paused = false;
  delivered = 0;

  constructor(private readonly scheduler: KernelScheduler, private readonly latency: number, maxFrameBytes: number, ka: Kernel, kb: Kernel) {
    this.a = new End(this, maxFrameBytes, ka);
    this.b = new End(this, maxFrameBytes, kb);
    this.a.other = this.b;
    this.b.other = this.a;
  }

  transmit(from: End, frame: Uint8Array): void {
    if (this.severed) return;
    if (this.dropping > 0) {
      this.dropping--;
      return;
    }
    if (this.corrupting > 0) {
      this.corrupting--;
      frame = frame.slice();
      const bit = (this.delivered * 7919 + frame.length * 31) % (frame.length * 8);
      frame[bit >> 3]! ^= 1 << (bit & 7);
    }
    this.enqueue(from, frame);
    if (this.duplicating > 0) {
      this.duplicating--;
      this.enqueue(from, frame);
    }
  }

  private enqueue(from: End, frame: Uint8Array): void {
    const now = this.scheduler.now();
    const due = Math.max(now + this.latency + this.extra, from.lastDue);
    from.lastDue = due;
    // one scheduled task per direction delivers every frame that is due (fewer timers, same order)
    from.queue.push(frame, due);
    if (!from.armed && !this.holding()) this.arm(from, due - now);
  }

  private holding(): boolean {
    return this.suspended || this.paused;
  }

  private arm(from: End, delay: number): void {
    from.armed = true;
    this.scheduler.schedule(() => this.deliver(from), delay);
  }

  private deliver(from: End): void {
    from.armed = false;
    if (this.holding()) return;
    const to = from.other;
    const q = from.queue;
    const now = this.scheduler.now();
    let i = 0;
    while (i < q.length && (q[i + 1] as number) <= now) {
      const frame = q[i] as Uint8Array;
      i += 2;
      if (to.closed || this.severed) continue;
      this.delivered++;
      from.remember(frame);
      to.take(frame);
    }
    q.splice(0, i);
    if (q.length > 0 && !from.armed) this.arm(from, (q[1] as number) - now);
  }

  sever(): void {
    this.severed = true;
  }

  close(reason = 'closed'): void {
    for (const end of [this.a, this.b]) {
      if (end.closed) continue;
      end.closed = true;
      // each side hears of it once, after what was already on its way (nothing is, on a cut cable)
      const due = this.severed ? 0 : Math.max(this.scheduler.now() + this.latency, end.other.lastDue) - this.scheduler.now();
      this.scheduler.schedule(() => end.stateHandler?.('down', reason), due);
    }
  }

  suspend(reason = 'loopback suspended'): void {
    if (this.suspended || this.severed) return;
    this.suspended = true;
    this.tell('suspect', reason);
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    const told = this.suspended;
    this.suspended = false;
    this.paused = false;
    this.severed = false;
    const now = this.scheduler.now();
    for (const end of [this.a, this.b]) {
      if (end.queue.length > 0 && !end.armed) this.arm(end, Math.max(0, (end.queue[1] as number) - now));
    }
    if (told) this.tell('up', 'loopback resumed');
  }

  /** Both ends hear `state` in the next task (never from inside the call). */
  private tell(state: LinkState, reason: string): void {
    for (const end of [this.a, this.b]) {
      if (!end.closed) this.scheduler.schedule(() => { if (!end.closed) end.stateHandler?.(state, reason); }, 0);
    }
  }

  drop(n: number): void {
    this.dropping += Math.max(0, Math.floor(n));
  }

  duplicate(n: number): void {
    this.duplicating += Math.max(0, Math.floor(n));
  }

  corrupt(n: number): void {
    this.corrupting += Math.max(0, Math.floor(n));
  }

  /** The end frames toward `to` leave from. */
  private toward(to: LoopbackSide): End {
    if (to === 'a' || to === this.a.kernel.node) return this.b;
    if (to === 'b' || to === this.b.kernel.node) return this.a;
    throw new TypeError(`'${to}' is neither side of this link: 'a', 'b', '${this.a.kernel.node}' or '${this.b.kernel.node}'`);
  }

  inject(to: LoopbackSide, frame: Uint8Array): void {
    const from = this.toward(to);
    if (!(frame instanceof Uint8Array)) throw new TypeError('inject takes the frame as a Uint8Array');
    this.enqueue(from, frame.slice());
  }

  replay(to: LoopbackSide, n: number): void {
    const from = this.toward(to);
    for (const frame of from.recent().slice(-Math.max(0, Math.floor(n)))) this.enqueue(from, frame);
  }

  sniffed(to: LoopbackSide): readonly Uint8Array[] {
    return this.toward(to).recent().map((f) => f.slice());
  }

  delay(ms: number): void {
    this.extra += Math.max(0, ms);
  }
}

/**
 * Join kernels `a` and `b` (nodes: made with a `node` name) by a loopback link on `a`'s
 * scheduler: give both the same `VirtualClock` (or `TestScheduler`) and every network behaviour
 * runs in virtual time. Each is reachable from the other at once; frames arrive `latency` ms
 * after they are sent, in order.
 *
 * @example
 * ```ts
 * const clock = new VirtualClock();
 * const a = createSystem({ node: 'a', scheduler: clock });
 * const b = createSystem({ node: 'b', scheduler: clock });
 * const link = connectLoopback(a, b, { latency: 1, key: 'a key of 16 bytes or more' });
 * link.sever(); // b is lost: a's waiters get EHOSTDOWN after the liveness bound
 * link.resume(); // the cable is back: the pair heals as a new session
 * ```
 */
export function connectLoopback(a: HasKernel, b: HasKernel, options: LoopbackOptions = {}): Loopback {
  const ka = kernelOf(a);
  const kb = kernelOf(b);
  if (ka.node === null || kb.node === null) throw new TypeError('connectLoopback joins two nodes: make each kernel with a node name');
  const pair = new Pair(ka.scheduler, Math.max(0, options.latency ?? 0), options.maxFrameBytes ?? 1 << 20, ka, kb);
  if (options.key !== undefined) {
    const key = keyBytes(options.key);
    pair.a.sealer = new FrameSeal(key, `${ka.node}>${kb.node}`);
    pair.b.opener = new FrameSeal(key, `${ka.node}>${kb.node}`);
    pair.b.sealer = new FrameSeal(key, `${kb.node}>${ka.node}`);
    pair.a.opener = new FrameSeal(key, `${kb.node}>${ka.node}`);
  }
  ka.addLink(pair.a, kb.node);
  kb.addLink(pair.b, ka.node);
  return pair;
}
