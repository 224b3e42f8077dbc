/**
 * The loopback link (qnet.md §3.7): two kernels of one isolate joined on their shared scheduler,
 * so that every network behaviour runs in virtual time, with faults injected on demand.
 * @packageDocumentation
 */
import type { KernelScheduler, Link, LinkState } from '../../kernel/index.js';
import { kernelOf, type HasKernel } from '../hasKernel.js';

export type { HasKernel };

/** Options of {@link connectLoopback}. */
export interface LoopbackOptions {
  /** Scheduler milliseconds from a frame's send to its arrival (default 0: the next task). */
  readonly latency?: number;
  /** The largest frame the link carries; larger messages are fragmented (default 1 MiB). */
  readonly maxFrameBytes?: number;
}

/** Two joined kernels, and the faults a test can inject between them. */
export interface Loopback {
  /** Cut the cable: every frame from now on is lost both ways, and nobody is told (heartbeats find out). */
  sever(): void;
  /** Close the link: both nodes are told (as a worker's port `close` tells them) and quarantine each other. */
  close(reason?: string): void;
  /** Lose the next `n` frames, whichever way they go (a sequence gap: the receiver quarantines the sender). */
  drop(n: number): void;
  /** Add `ms` to the latency of frames sent from now on (order is kept). */
  delay(ms: number): void;
  /**
   * The transport loses its connection and is getting it back (as a NATS client reconnecting):
   * both nodes see each other `suspect`; frames are held, none lost, until {@link Loopback.resume}.
   */
  suspend(reason?: string): void;
  /** The connection is back: held frames arrive in order and both nodes see each other `up` ('recovered'). */
  resume(): void;
  /** Frames delivered so far. */
  readonly delivered: number;
}


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

  constructor(readonly pair: Pair, readonly maxFrameBytes: number) {}

  send(frame: Uint8Array): boolean {
    if (this.closed) return false;
    this.pair.transmit(this, frame);
    return true;
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
  private extra = 0;
  private suspended = false;
  delivered = 0;

  constructor(private readonly scheduler: KernelScheduler, private readonly latency: number, maxFrameBytes: number) {
    this.a = new End(this, maxFrameBytes);
    this.b = new End(this, maxFrameBytes);
    this.a.other = this.b;
    this.b.other = this.a;
  }

  transmit(from: End, frame: Uint8Array): void {
    if (this.severed) return;
    if (this.dropping > 0) {
      this.dropping--;
      return;
    }
    const now = this.scheduler.now();
    const due = Math.max(now + this.latency + this.extra, from.lastDue);
    from.lastDue = due;
    // one scheduled task per direction delivers every frame that is due (fewer timers, same order)
    from.queue.push(frame, due);
    if (!from.armed && !this.suspended) this.arm(from, due - now);
  }

  private arm(from: End, delay: number): void {
    from.armed = true;
    this.scheduler.schedule(() => this.deliver(from), delay);
  }

  private deliver(from: End): void {
    from.armed = false;
    if (this.suspended) return;
    const to = from.other;
    const q = from.queue;
    const now = this.scheduler.now();
    let i = 0;
    while (i < q.length && (q[i + 1] as number) <= now) {
      const frame = q[i] as Uint8Array;
      i += 2;
      if (to.closed || this.severed) continue;
      this.delivered++;
      to.frameHandler?.(frame);
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
      // a cut cable carries no announcement: each side finds out by its heartbeats
      if (this.severed) continue;
      // each side hears of it once, after what was already on its way
      const due = Math.max(this.scheduler.now() + this.latency, end.other.lastDue) - this.scheduler.now();
      this.scheduler.schedule(() => end.stateHandler?.('down', reason), due);
    }
  }

  suspend(reason = 'loopback suspended'): void {
    if (this.suspended || this.severed) return;
    this.suspended = true;
    this.tell('suspect', reason);
  }

  resume(): void {
    if (!this.suspended) return;
    this.suspended = false;
    const now = this.scheduler.now();
    for (const end of [this.a, this.b]) {
      if (end.queue.length > 0 && !end.armed) this.arm(end, Math.max(0, (end.queue[1] as number) - now));
    }
    this.tell('up', 'loopback resumed');
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
 * const link = connectLoopback(a, b, { latency: 1 });
 * link.sever(); // b is lost: a's waiters get EHOSTDOWN after the liveness bound
 * ```
 */
export function connectLoopback(a: HasKernel, b: HasKernel, options: LoopbackOptions = {}): Loopback {
  const ka = kernelOf(a);
  const kb = kernelOf(b);
  if (ka.node === null || kb.node === null) throw new TypeError('connectLoopback joins two nodes: make each kernel with a node name');
  const pair = new Pair(ka.scheduler, Math.max(0, options.latency ?? 0), options.maxFrameBytes ?? 1 << 20);
  ka.addLink(pair.a, kb.node);
  kb.addLink(pair.b, ka.node);
  return pair;
}
