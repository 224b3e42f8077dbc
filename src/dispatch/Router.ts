/**
 * The dispatch layer for RxJS: a router over a channel with handlers for message-type ranges,
 * pulse codes (given or allocated) and a default, run by a pool of receiving subscribers shaped
 * like a QNX thread pool (lo_water, hi_water, increment, maximum).
 * @packageDocumentation
 */
import { Observable, Subject, Subscription, ignoreElements, tap } from 'rxjs';
import { KernelError, MSG_FLAG_ALLOC_PULSE, MSG_FLAG_DEFAULT_FUNC, _IO_BASE, _IO_MAX, _PULSE_CODE_DISCONNECT, _PULSE_CODE_UNBLOCK } from '../kernel/index.js';
import { dispatchTo, type Dispatched, type MessageHandler, type PulseHandler, type RouteHandler } from '../operators/dispatchTo.js';
import type { Channel } from '../rx/Channel.js';
import { reservedTypeReason } from '../rx/protocol.js';
import { DispatchTable } from './DispatchTable.js';
import type { iofunc_attr_t } from './OcbTable.js';
import { PoolPolicy } from './PoolPolicy.js';
import { ResourceManager, type ResourceHandlers } from './resourceManager.js';

/** Pool shape of a {@link Router}, as `thread_pool_attr_t` has it. */
export interface RouterOptions {
  /** Idle receivers to keep (default 1). */
  readonly loWater?: number;
  /** Idle receivers above which one exits after its work (default 4). */
  readonly hiWater?: number;
  /** Receivers added at a time once lo_water exist (default 1). */
  readonly increment?: number;
  /** Receivers at most, busy or idle (default 16). */
  readonly maximum?: number;
}

interface Worker {
  sub: Subscription | null;
  /** Items taken and not yet handled. */
  inHand: number;
  ended: boolean;
}

/**
 * Routes what a channel receives to handlers, with thread-pool concurrency: each receiver is a
 * subscriber of the channel (a RECEIVE-blocked logical thread), holding one message until its
 * handler's reply. Handlers return a value, a Promise or an Observable.
 *
 * @example
 * ```ts
 * const router = new Router(channel, { loWater: 2, hiWater: 4, increment: 1, maximum: 50 })
 *   .message(0x5000, 0x5fff, (data, m) => `type ${m.type}`)
 *   .pulse(5, (p) => console.log('tick', p.value));
 * const tick = router.allocPulse((p) => console.log('allocated', p.code));
 * const running = router.start();      // a Subscription: unsubscribe stops at once (ECANCELED)
 * router.stop().subscribe();            // or drain: idle receivers leave, busy ones finish first
 * ```
 */
export class Router<T, R = T> {
  /** The table, shared in shape with `rxnto/neutrino`'s `message_attach`. */
  readonly table = new DispatchTable<RouteHandler<T, R>>();
  private readonly policy: PoolPolicy;
  private readonly workers = new Set<Worker>();
  private readonly handled$ = new Subject<Dispatched<T, R>>();
  private stopping = false;
  private drained: Array<() => void> = [];
  private running = false;
  private rm: ResourceManager | null = null;

  constructor(
    private readonly channel: Channel<T, R>,
    options: RouterOptions = {},
  ) {
    this.policy = new PoolPolicy({ lo_water: options.loWater ?? 1, hi_water: options.hiWater ?? 4, increment: options.increment ?? 1, maximum: options.maximum ?? 16 });
  }

  /**
   * Handle message types `low..high` (inclusive, above `_IO_MAX` 0x1FF and at most 0xffff: EINVAL
   * otherwise, naming the reserved range 0x000..0x1FF; EEXIST on overlap). The I/O range is
   * {@link Router.resmgr}'s; the C facade's `message_attach` keeps QNX's rule (any `uint16`).
   */
  message(low: number, high: number, handler: MessageHandler<T, R>): this {
    // a range reaching into 0x000..0x1FF: refused with the reason (the table checks the rest)
    if (Number.isInteger(low) && low >= 0 && low <= _IO_MAX) {
      throw new KernelError('EINVAL', 'message_attach', undefined, { reason: `range 0x${low.toString(16)}..0x${Number(high).toString(16)}: ${reservedTypeReason(low)!}` });
    }
    this.table.attach('message_attach', low, high, false, { kind: 'message', fn: handler }, null, 0);
    return this;
  }

  /** Handle pulse `code` (-128..127). */
  pulse(code: number, handler: PulseHandler): this {
    this.table.attach('pulse_attach', code, code, true, { kind: 'pulse', fn: handler }, null, 0);
    return this;
  }

  /** Handle the lowest free pulse code in 0..127 (`MSG_FLAG_ALLOC_PULSE`); returns it (EAGAIN if none). */
  allocPulse(handler: PulseHandler): number {
    const code = this.table.allocPulse('pulse_attach');
    this.table.attach('pulse_attach', code, code, true, { kind: 'pulse', fn: handler }, null, MSG_FLAG_ALLOC_PULSE);
    return code;
  }

  /** The default (`MSG_FLAG_DEFAULT_FUNC`): unmatched messages (replied with its value) and pulses. */
  otherwise(message: MessageHandler<T, R> | null, pulse: PulseHandler | null = null): this {
    this.table.attachDefault('message_attach', { kind: 'default', message, pulse }, null, MSG_FLAG_DEFAULT_FUNC);
    return this;
  }

  /**
   * Serve `path` as a resource manager (the `iofunc` defaults: open checks `mode` against the
   * client's uid/gid and answers EACCES; read is at end of file unless you give `read`; write
   * takes every byte unless you give `write`; close; stat). The first call claims message types
   * `_IO_BASE.._IO_MAX` and the DISCONNECT / UNBLOCK pulses (the channel should have
   * `_NTO_CHF_DISCONNECT | _NTO_CHF_UNBLOCK`). Returns the mount id (for {@link Router.unmount}).
   */
  resmgr(path: string, attr: { readonly mode: number; readonly uid?: number; readonly gid?: number }, handlers: ResourceHandlers = {}): number {
    const { kernel, control, chid } = this.channel.ctx;
    if (this.rm === null) {
      const rm = new ResourceManager({ kernel, control, chid });
      this.table.attach('resmgr_attach', _IO_BASE, _IO_MAX, false, { kind: 'message', fn: (_d, m) => rm.message(m).pipe(ignoreElements()) }, null, 0);
      this.table.attach('resmgr_attach', _PULSE_CODE_DISCONNECT, _PULSE_CODE_DISCONNECT, true, { kind: 'pulse', fn: (p) => rm.pulse(p, true) }, null, 0);
      this.table.attach('resmgr_attach', _PULSE_CODE_UNBLOCK, _PULSE_CODE_UNBLOCK, true, { kind: 'pulse', fn: (p) => rm.pulse(p, false) }, null, 0);
      this.rm = rm;
    }
    const file: iofunc_attr_t = { mode: attr.mode, uid: attr.uid ?? control.process.uid, gid: attr.gid ?? control.process.gid, nlink: 1, nbytes: 0, count: 0 };
    return this.rm.mount(path, file, handlers);
  }

  /** Take mount `id` out of the path space (open files stay open until closed). */
  unmount(id: number): void {
    if (this.rm === null) throw new Error('Router: no resource manager');
    this.rm.unmount(id);
  }

  /** Receivers alive, and of those, the ones waiting for work. */
  get threads(): { readonly created: number; readonly waiting: number } {
    return { created: this.policy.created, waiting: this.policy.waiting };
  }

  /** Every item handled, as it is handled (for logs and tests). */
  get handled(): Observable<Dispatched<T, R>> {
    return this.handled$.asObservable();
  }

  /**
   * Start the pool: one receiver, then as many as the grow rule asks. Unsubscribing stops every
   * receiver at once; messages in hand are answered `ECANCELED`.
   */
  start(): Subscription {
    if (this.running) throw new Error('Router: already started');
    this.running = true;
    this.stopping = false;
    this.policy.added();
    this.add(1);
    return new Subscription(() => {
      for (const w of [...this.workers]) this.end(w);
      this.running = false;
    });
  }

  /** Drain: idle receivers leave now, busy ones after their item; completes when none is left. */
  stop(): Observable<void> {
    return new Observable<void>((subscriber) => {
      this.stopping = true;
      this.policy.setLimits({ lo_water: 0, hi_water: 0, increment: 1, maximum: 0 });
      const finish = (): void => {
        this.running = false;
        subscriber.complete();
      };
      for (const w of [...this.workers]) if (w.inHand === 0) this.end(w);
      if (this.workers.size === 0) finish();
      else this.drained.push(finish);
    });
  }

  /** Start `n` receivers the policy has counted already. */
  private add(n: number): void {
    for (let i = 0; i < n; i++) {
      if (this.stopping) {
        this.policy.abandoned();
        continue;
      }
      const w: Worker = { sub: null, inHand: 0, ended: false };
      this.workers.add(w);
      // about to block in MsgReceive: counted as waiting before anything can arrive
      const more = this.policy.blocking(true);
      w.sub = this.channel.pipe(
        tap(() => {
          if (w.inHand++ === 0) this.add(this.policy.workArrived());
        }),
        dispatchTo(this.table, 1),
      ).subscribe({
        next: (d) => {
          this.handled$.next(d);
          if (--w.inHand > 0) return;
          if (this.stopping || this.policy.shouldExit()) this.end(w, true);
          else this.add(this.policy.blocking(false));
        },
        error: () => this.end(w),
        complete: () => this.end(w),
      });
      if (!w.ended) this.add(more);
    }
  }

  /** A receiver ends: the pool forgets it; the last one completes a drain. */
  private end(w: Worker, busyDone = false): void {
    if (w.ended) return;
    w.ended = true;
    this.policy.exited(w.inHand === 0 && !busyDone);
    this.workers.delete(w);
    w.sub?.unsubscribe();
    if (this.workers.size === 0) for (const f of this.drained.splice(0)) f();
  }
}
