import { Observable, type Observer } from 'rxjs';
import { ASYNCMSG_FLUSH_NONBLOCK, ERRNO, KernelError, isKernelError, type Kernel } from '../kernel/index.js';
import type { ChannelOwner } from './Channel.js';
import type { Codec } from './codecs.js';
import { Reports } from './asyncReports.js';
import { explained } from './explain.js';

const NOOP = (): void => {};

/**
 * The EAGAIN of a full ring. It is flow control, thrown at every full ring and caught at once:
 * made without a stack trace, whose capture costs more than the put it refuses.
 */
function ringFull(coid: number): KernelError {
  const limit = Error.stackTraceLimit;
  if (typeof limit !== 'number') return explained(ERRNO.EAGAIN, 'asyncmsg_put', { coid });
  try {
    Error.stackTraceLimit = 0;
  } catch {
    // a frozen Error (a locked-down realm): with its stack, then
  }
  try {
    return explained(ERRNO.EAGAIN, 'asyncmsg_put', { coid });
  } finally {
    try {
      Error.stackTraceLimit = limit;
    } catch {
      // as above
    }
  }
}

/** @internal */
export interface AsyncConnectionConfig<T> {
  readonly owner: ChannelOwner;
  readonly coid: number;
  readonly codec: Codec<T>;
}

/**
 * What an {@link AsyncConnection}'s subscribers receive: one report per put, in put order, when
 * its completion callback runs (`asyncmsg_put`'s `call_back` as a stream).
 */
export interface AsyncDelivery<T> {
  /** The put's handle: 1, 2, 3 … per connection, in put order. */
  readonly handle: number;
  /** 0 when the receiver took it; EMSGSIZE when it arrived cut; EBADF when it never got there. */
  readonly err: number;
  /** The value that was put. */
  readonly value: T;
}

/**
 * An asynchronous connection (`asyncmsg_connect_attach`) as a Subject: `next(value)` puts, and
 * subscribers receive the delivery reports ({@link AsyncDelivery}: the put callbacks, in put
 * order). Delivery follows the connection's triggers (`count`, `time`) or
 * {@link AsyncConnection.flush}. The send ring holds `ringSize − 1` messages: `next()` on a full
 * ring throws a `KernelError` `EAGAIN` at the producer (nothing already put is lost); `put()` is
 * the back-pressured form, which waits for a slot.
 *
 * `complete()` flushes, detaches, reports `EBADF` for whatever never got delivered and completes,
 * whether or not anyone reads (to wait for the receiver first: `flush()`, then `complete()`);
 * `error()` detaches at once, as in QNX (undelivered messages are reported `EBADF`).
 *
 * @example
 * ```ts
 * const out = client.asyncConnect(inbox, { codec: utf8, count: 16, time: 5 });
 * out.subscribe(({ handle, err }) => console.log(handle, err)); // 1 0, 2 0, …
 * out.next('reading 1');
 * out.flush().subscribe();
 * ```
 */
export class AsyncConnection<T> extends Observable<AsyncDelivery<T>> implements Observer<T> {
  private readonly reports = new Reports<AsyncDelivery<T>>();
  private handles = 0;
  private detached = false;
  /**
   * The values of `next()`'s puts not yet reported, oldest first from `oldest`: their callbacks
   * come in put order (every put's callback runs once, in ring order, while this process lives),
   * so one callback serves them all, without a closure per put.
   */
  private unreported: T[] = [];
  private oldest = 0;

  /** The callback of `next()`'s puts: the oldest unreported value's report. */
  private readonly onReport = (err: number, _buf: unknown, handle: number): void => {
    const q = this.unreported;
    const value = q[this.oldest]!;
    q[this.oldest++] = undefined as T;
    if (this.oldest === q.length) {
      q.length = 0;
      this.oldest = 0;
    } else if (this.oldest >= 1024 && this.oldest * 2 >= q.length) {
      // a ring that never empties: drop the reported half now and then
      this.unreported = q.slice(this.oldest);
      this.oldest = 0;
    }
    this.reports.next({ handle, err, value });
  };

  /** @internal */
  constructor(private readonly cfg: AsyncConnectionConfig<T>) {
    super((subscriber) => this.reports.subscribe(subscriber));
  }

  get coid(): number {
    return this.cfg.coid;
  }

  /** Whether `complete()` or `error()` has been called. */
  get closed(): boolean {
    return this.detached;
  }

  private get kernel(): Kernel {
    return this.cfg.owner.kernel;
  }

  /** A callback reporting put `handle` of `value`, then running `also`. */
  private reporter(value: T, also: (err: number) => void = NOOP): (err: number, buf: unknown, handle: number) => void {
    return (err, _buf, handle) => {
      this.reports.next({ handle, err, value });
      also(err);
    };
  }

  /**
   * A non-blocking put: returns once the ring has accepted the message (its delivery is reported
   * to the subscribers later); throws `EAGAIN` when the ring is full (flow control, thrown at
   * every full ring: an error without a stack trace; {@link AsyncConnection.tryNext} makes none),
   * `EBADF` when the channel is gone. For a producer that should wait instead, see
   * {@link AsyncConnection.put}.
   */
  next(value: T): void {
    if (!this.tryNext(value) && !this.detached) throw ringFull(this.cfg.coid);
  }

  /**
   * {@link AsyncConnection.next} without the exception: `true` once the ring has accepted the
   * message, `false` when the ring is full (nothing was put: try again once a delivery report
   * frees a slot) or after `complete()`/`error()`. Throws `EBADF` when the channel is gone. For a
   * producer that polls: a full ring costs no error object (the value is encoded first, though).
   *
   * @example
   * ```ts
   * const queue: string[] = [];
   * const pump = () => { while (queue.length > 0 && out.tryNext(queue[0]!)) queue.shift(); };
   * out.subscribe(pump); // each delivery report frees a slot
   * ```
   */
  tryNext(value: T): boolean {
    if (this.detached) return false;
    const { owner, coid, codec } = this.cfg;
    // the control thread never blocks: a full ring is a refused put, whatever the connection's flags
    const bytes = codec.encode(value);
    // value and handle first: a receiver waiting on this node may take the message within the
    // call, and the report's subscribers put again (a refused put runs no callback meanwhile)
    this.unreported.push(value);
    const handle = ++this.handles;
    let put = false;
    try {
      put = this.kernel.asyncTryPut(owner.control, coid, bytes, handle, this.onReport);
    } finally {
      if (!put) {
        this.unreported.pop();
        this.handles--;
      }
    }
    return put;
  }

  /**
   * A put that waits while the ring is full (a logical thread blocked in `asyncmsg_put`), then
   * completes once the message was **delivered** — when a receiver's `asyncmsg_get` took it (its
   * callback ran), not when the ring accepted it; errors with EMSGSIZE (truncated) or EBADF
   * (detached before delivery, or the receiver died), or ESRCH when this process exits first.
   * Unsubscribing while it waits for a slot withdraws it; after that, the message stays in the
   * ring and is still delivered.
   *
   * Which concurrency: `concatMap((v) => conn.put(v))` keeps one message in the ring, so every
   * batch is a batch of 1, delivered by the time trigger (with a count trigger above 1 and no time
   * trigger, never). Keep the ring full instead: `mergeMap((v) => conn.put(v), ringSize - 1)`,
   * or the `putTo(conn, { ringSize })` operator (from `rxnto/operators`), which is that.
   *
   * @example
   * ```ts
   * const out = client.asyncConnect(inbox, { codec: utf8, ringSize: 16, count: 8, time: 5 });
   * readings$.pipe(mergeMap((r) => out.put(r), 15)).subscribe(); // or putTo(out, { ringSize: 16 })
   * ```
   */
  put(value: T): Observable<void> {
    return new Observable<void>((subscriber) => {
      const { owner, coid } = this.cfg;
      if (this.detached) {
        subscriber.error(explained(ERRNO.EBADF, 'asyncmsg_put', { coid }));
        return;
      }
      const thread = owner.acquireThread();
      let admitted = false;
      let settled = false;
      const settle = (err: number): void => {
        if (settled) return;
        settled = true;
        owner.releaseThread(thread);
        if (err === 0) subscriber.complete();
        else subscriber.error(explained(err, 'asyncmsg_put', { coid }));
      };
      // the logical thread is held until delivery, so that this process's death (its exit hook)
      // ends the put as it ends a send: ESRCH, whether the put still waits for a slot or not
      thread.onExit = () => settle(ERRNO.ESRCH);
      try {
        this.kernel.asyncPut(thread, coid, this.cfg.codec.encode(value), ++this.handles, this.reporter(value, settle), (err) => {
          admitted = err === 0;
          if (err !== 0) settle(err);
        });
      } catch (e) {
        settled = true;
        owner.releaseThread(thread);
        subscriber.error(isKernelError(e) ? explained(e.errno, 'asyncmsg_put', { coid }) : e);
      }
      return () => {
        if (settled) return;
        if (!admitted && thread.wait !== null) this.kernel.unblock(thread, ERRNO.EINTR);
        else if (admitted) {
          // the message stays in the ring; nobody listens for its delivery any more
          settled = true;
          owner.releaseThread(thread);
        }
      };
    });
  }

  /**
   * `asyncmsg_flush`: deliver what is pending. Completes at once with `{ wait: false }`; by
   * default when the receiver has taken every pending message. Errors with EBADF when the
   * receiver (or its channel) goes first, ESRCH when this process exits first.
   */
  flush(options: { readonly wait?: boolean } = {}): Observable<void> {
    return new Observable<void>((subscriber) => {
      const { owner, coid } = this.cfg;
      const thread = owner.acquireThread();
      let settled = false;
      thread.onExit = () => {
        if (settled) return;
        settled = true;
        subscriber.error(explained(ERRNO.ESRCH, 'asyncmsg_flush', { coid }));
      };
      try {
        this.kernel.asyncFlush(thread, coid, options.wait === false ? ASYNCMSG_FLUSH_NONBLOCK : 0, (err) => {
          settled = true;
          owner.releaseThread(thread);
          if (err !== 0) subscriber.error(explained(err, 'asyncmsg_flush', { coid }));
          else subscriber.complete();
        });
      } catch (e) {
        settled = true;
        owner.releaseThread(thread);
        subscriber.error(isKernelError(e) ? explained(e.errno, 'asyncmsg_flush', { coid }) : e);
      }
      return () => {
        if (!settled && thread.wait !== null) this.kernel.unblock(thread, ERRNO.EINTR);
      };
    });
  }

  /** Flush (without waiting), detach (undelivered puts are reported EBADF), then complete the subscribers. */
  complete(): void {
    if (this.detached) return;
    try {
      this.kernel.asyncFlush(this.cfg.owner.control, this.cfg.coid, ASYNCMSG_FLUSH_NONBLOCK, NOOP);
    } catch (e) {
      if (!(e instanceof KernelError)) throw e;
    }
    this.detach();
    this.reports.complete();
  }

  /** Detach at once (undelivered messages are reported EBADF), then error the subscribers. */
  error(err: unknown): void {
    if (this.detached) return;
    this.detach();
    this.reports.error(err);
  }

  private detach(): void {
    this.detached = true;
    try {
      this.kernel.asyncConnectDetach(this.cfg.owner.control, this.cfg.coid);
    } catch (e) {
      if (!(e instanceof KernelError)) throw e;
    }
  }
}
