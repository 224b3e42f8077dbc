import { Observable, Subject } from 'rxjs';
import { ASYNCMSG_FLUSH_NONBLOCK, ERRNO, KernelError, type Kernel } from '../kernel/index.js';
import type { ChannelOwner } from './Channel.js';
import type { Codec } from './codecs.js';

const NOOP = (): void => {};

/** @internal */
export interface AsyncConnectionConfig<T> {
  readonly owner: ChannelOwner;
  readonly coid: number;
  readonly codec: Codec<T>;
}

/**
 * An asynchronous connection (`asyncmsg_connect_attach`) as a Subject: `next(value)` puts.
 * Delivery follows the connection's triggers (`count`, `time`) or {@link AsyncConnection.flush}.
 * The send ring holds `ringSize − 1` messages: `next()` on a full ring throws a `KernelError`
 * `EAGAIN` at the producer (nothing already put is lost); `put()` is the back-pressured form,
 * which waits for a slot. Observers of the Subject see each value once it is delivered.
 *
 * `complete()` flushes, waits until the receiver took every message, then detaches;
 * `error()` detaches at once, and undelivered messages are dropped (`EBADF`), as in QNX.
 *
 * @example
 * ```ts
 * const out = client.asyncConnect(inbox, { codec: utf8, count: 16, time: 5 });
 * out.next('reading 1');
 * out.flush().subscribe();
 * ```
 */
export class AsyncConnection<T> extends Subject<T> {
  /** @internal */
  constructor(private readonly cfg: AsyncConnectionConfig<T>) {
    super();
  }

  get coid(): number {
    return this.cfg.coid;
  }

  private get kernel(): Kernel {
    return this.cfg.owner.kernel;
  }

  /** A non-blocking put; throws `EAGAIN` when the ring is full, `EBADF` when the channel is gone. */
  override next(value: T): void {
    if (this.isStopped) return;
    const { owner, coid, codec } = this.cfg;
    // the control thread never blocks: a full ring is EAGAIN, whatever the connection's flags
    if (!this.kernel.asyncHasRoom(owner.control, coid)) throw new KernelError(ERRNO.EAGAIN, 'asyncmsg_put', { coid });
    this.kernel.asyncPut(owner.control, coid, codec.encode(value), 0, (err) => {
      if (err === 0) super.next(value);
    }, NOOP);
  }

  /**
   * A put that waits while the ring is full (a logical thread blocked in `asyncmsg_put`), then
   * completes once the message was delivered; errors with EMSGSIZE (truncated) or EBADF (detached
   * before delivery, or the receiver died), or ESRCH when this process exits first. Unsubscribing
   * while it waits for a slot withdraws it.
   */
  put(value: T): Observable<void> {
    return new Observable<void>((subscriber) => {
      const { owner, coid } = this.cfg;
      const thread = owner.acquireThread();
      let admitted = false;
      let settled = false;
      const settle = (err: number): void => {
        if (settled) return;
        settled = true;
        owner.releaseThread(thread);
        if (err === 0) {
          super.next(value);
          subscriber.complete();
        } else subscriber.error(new KernelError(err, 'asyncmsg_put', { coid }));
      };
      // the logical thread is held until delivery, so that this process's death (its exit hook)
      // ends the put as it ends a send: ESRCH, whether the put still waits for a slot or not
      thread.onExit = () => settle(ERRNO.ESRCH);
      try {
        this.kernel.asyncPut(thread, coid, this.cfg.codec.encode(value), 0, (err) => settle(err), (err) => {
          admitted = err === 0;
          if (err !== 0) settle(err);
        });
      } catch (e) {
        settled = true;
        owner.releaseThread(thread);
        subscriber.error(e);
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
      const { owner } = this.cfg;
      const thread = owner.acquireThread();
      let settled = false;
      thread.onExit = () => {
        if (settled) return;
        settled = true;
        subscriber.error(new KernelError(ERRNO.ESRCH, 'asyncmsg_flush', { coid: this.cfg.coid }));
      };
      try {
        this.kernel.asyncFlush(thread, this.cfg.coid, options.wait === false ? ASYNCMSG_FLUSH_NONBLOCK : 0, (err) => {
          settled = true;
          owner.releaseThread(thread);
          if (err !== 0) subscriber.error(new KernelError(err, 'asyncmsg_flush', { coid: this.cfg.coid }));
          else subscriber.complete();
        });
      } catch (e) {
        settled = true;
        owner.releaseThread(thread);
        subscriber.error(e);
      }
      return () => {
        if (!settled && thread.wait !== null) this.kernel.unblock(thread, ERRNO.EINTR);
      };
    });
  }

  /** Flush, wait for delivery, then detach and complete the observers. */
  override complete(): void {
    if (this.isStopped) return;
    this.flush().subscribe({
      complete: () => { this.detach(); super.complete(); },
      error: () => { this.detach(); super.complete(); },
    });
  }

  /** Detach at once (undelivered messages are dropped with EBADF), then error the observers. */
  override error(err: unknown): void {
    if (this.isStopped) return;
    this.detach();
    super.error(err);
  }

  private detach(): void {
    try {
      this.kernel.asyncConnectDetach(this.cfg.owner.control, this.cfg.coid);
    } catch (e) {
      if (!(e instanceof KernelError)) throw e;
    }
  }
}
