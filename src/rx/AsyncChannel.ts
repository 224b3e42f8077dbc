import { Observable } from 'rxjs';
import { ERRNO, KernelError, type AsyncMessage } from '../kernel/index.js';
import type { ChannelOwner } from './Channel.js';
import type { Codec } from './codecs.js';

/** One message of an async batch. */
export class AsyncReceived<T> {
  private decoded = false;
  private value: T | undefined;

  /** @internal */
  constructor(
    private readonly codec: Codec<T>,
    private readonly m: AsyncMessage,
  ) {}

  /** The payload decoded with the channel's codec (on first access). */
  get data(): T {
    if (!this.decoded) {
      this.value = this.codec.decode(this.m.data);
      this.decoded = true;
    }
    return this.value as T;
  }

  /** The payload bytes (truncated to the channel's buffer size; see `err`). */
  get bytes(): Uint8Array {
    return this.m.data;
  }

  /** The sender's pid. */
  get pid(): number {
    return this.m.pid;
  }

  /** The sender's coid. */
  get coid(): number {
    return this.m.coid;
  }

  /** 0, or EMSGSIZE when the message was longer than the channel's buffer and was truncated. */
  get err(): number {
    return this.m.err;
  }
}

/** @internal */
export interface AsyncChannelConfig<T> {
  readonly owner: ChannelOwner;
  readonly chid: number;
  readonly codec: Codec<T>;
  readonly maxNumBuffer: number;
}

/**
 * An asynchronous channel (`asyncmsg_channel_create`) as an Observable of **batches**: each
 * emission is what one `asyncmsg_get` returned, at most `maxNumBuffer` messages, drained one
 * sending connection at a time in the order they were triggered, each in put order. Batches,
 * not single messages, because a batch is the model's unit of delivery (and of a sender's
 * completion callbacks); use `mergeAll()` for messages.
 *
 * Every subscriber is a thread blocked in `asyncmsg_get`: messages stay in the senders' rings
 * until a subscriber takes them, so a slow subscriber back-pressures the senders. Receivers do not
 * inherit sender priority. The Observable completes on {@link AsyncChannel.destroy}.
 *
 * @example
 * ```ts
 * const inbox = server.asyncChannel({ codec: utf8 });
 * inbox.subscribe((batch) => batch.forEach((m) => console.log(m.pid, m.data)));
 * ```
 */
export class AsyncChannel<T> extends Observable<ReadonlyArray<AsyncReceived<T>>> {
  private destroyed = false;

  /** @internal */
  constructor(private readonly cfg: AsyncChannelConfig<T>, readonly pid: number) {
    super((subscriber) => {
      const { owner, chid, codec, maxNumBuffer } = cfg;
      const thread = owner.acquireThread();
      let active = true;
      const stop = (err: unknown): void => {
        active = false;
        owner.releaseThread(thread);
        if (this.destroyed) subscriber.complete();
        else subscriber.error(err);
      };
      thread.onExit = () => { if (active) stop(new KernelError(ERRNO.ESRCH, 'asyncmsg_get', { chid })); };
      const get = (): void => {
        if (!active) return;
        try {
          owner.kernel.asyncGet(thread, chid, maxNumBuffer, (err, messages) => {
            if (!active) return;
            if (err !== 0) { stop(new KernelError(err, 'asyncmsg_get', { chid })); return; }
            subscriber.next(messages.map((m) => new AsyncReceived(codec, m)));
            get();
          });
        } catch (e) {
          stop(e);
        }
      };
      get();
      return () => {
        if (!active) return;
        active = false;
        owner.kernel.unblock(thread, ERRNO.EINTR);
        owner.releaseThread(thread);
      };
    });
  }

  get chid(): number {
    return this.cfg.chid;
  }

  /** `asyncmsg_channel_destroy`: subscribers complete; senders' later puts fail with EBADF. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    try {
      this.cfg.owner.kernel.asyncChannelDestroy(this.cfg.owner.control, this.cfg.chid);
    } catch (e) {
      if (!(e instanceof KernelError)) throw e;
    }
  }
}
