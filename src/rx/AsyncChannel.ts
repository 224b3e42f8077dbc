import { Observable, type Subscriber } from 'rxjs';
import { abortable } from './abortable.js';
import type { PullIterable } from './PullIterable.js';
import { ERRNO, KernelError, type AsyncMessage, type Thread } from '../kernel/index.js';
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

  /**
   * The payload bytes (truncated to the channel's buffer size; see `err`): this receiver's own.
   * From another node, the messages of a batch are views of one buffer (the frame that carried
   * them): copy the bytes before transferring their `buffer`.
   */
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

/**
 * One `asyncmsg_get`'s messages, with `hold()`: called while the batch is being emitted, the
 * subscriber gets no next batch until the returned function is called (the `holdMap` operator
 * does this for you). Without it, the next get follows at once.
 */
export type AsyncBatch<T> = ReadonlyArray<AsyncReceived<T>> & { readonly hold?: () => () => void };

const NOOP = (): void => {};

/** A batch of items `R` with `hold()`, as {@link AsyncBatch} and the durable channel's batch are. */
type HoldableBatch<R> = ReadonlyArray<R> & { readonly hold?: () => () => void };

/** `items` with a non-enumerable `hold` (the batch still compares and prints as its messages). */
function holdable<R>(items: ReadonlyArray<R>, hold: () => () => void): HoldableBatch<R> {
  return Object.defineProperty(items, 'hold', { value: hold }) as HoldableBatch<R>;
}

/** @internal */
export interface AsyncChannelConfig<T> {
  readonly owner: ChannelOwner;
  readonly chid: number;
  readonly codec: Codec<T>;
  readonly maxNumBuffer: number;
}

/**
 * What {@link subscribeGets}'s `take` made of one get's messages: the batch's items; `done`, called
 * when the subscriber is done with the batch (its emission returned and it did not hold it, or its
 * hold was released), before the next get; `giveBack`, called when the subscriber leaves while it
 * holds the batch.
 * @internal
 */
export interface TakenBatch<R> {
  readonly items: R[];
  readonly done?: () => void;
  readonly giveBack?: () => void;
}

/**
 * One subscriber of an asynchronous channel ({@link AsyncChannel}, the durable channel): a thread
 * of `cfg.owner` blocked in `asyncmsg_get`, each get's messages emitted as one batch (made by
 * `take`, first thing once the get returned), the next get once the subscriber is done with the
 * batch: at once, or, if it held the batch, when it releases it. A failed get errors the
 * subscriber, or completes it when the channel was destroyed (`destroyed()`). Returns the
 * subscriber's teardown.
 * @internal
 */
export function subscribeGets<T, R>(
  cfg: AsyncChannelConfig<T>,
  destroyed: () => boolean,
  subscriber: Subscriber<HoldableBatch<R>>,
  take: (thread: Thread, messages: AsyncMessage[]) => TakenBatch<R>,
): () => void {
  const { owner, chid, maxNumBuffer } = cfg;
  const thread = owner.acquireThread();
  let active = true;
  /** The batch held and not released yet: given back if the subscriber leaves first. */
  let holding: TakenBatch<R> | null = null;
  const stop = (err: unknown): void => {
    active = false;
    owner.releaseThread(thread);
    if (destroyed()) subscriber.complete();
    else subscriber.error(err);
  };
  thread.onExit = () => { if (active) stop(new KernelError(ERRNO.ESRCH, 'asyncmsg_get', { chid })); };
  const get = (): void => {
    if (!active) return;
    try {
      owner.kernel.asyncGet(thread, chid, maxNumBuffer, (err, messages) => {
        if (!active) return;
        if (err !== 0) { stop(new KernelError(err, 'asyncmsg_get', { chid })); return; }
        const took = take(thread, messages);
        // the next get waits until the subscriber is done with this batch, if it says so
        let held = false;
        let emitting = true;
        let released = false;
        const batch = holdable(took.items, () => {
          // too late once the emission is over: the next get has started
          if (!emitting) return NOOP;
          held = true;
          holding = took;
          return () => {
            if (released || !active) return;
            released = true;
            holding = null;
            took.done?.();
            get();
          };
        });
        subscriber.next(batch);
        emitting = false;
        if (!held) {
          took.done?.();
          get();
        }
      });
    } catch (e) {
      stop(e);
    }
  };
  get();
  return () => {
    if (!active) return;
    active = false;
    holding?.giveBack?.();
    holding = null;
    owner.kernel.unblock(thread, ERRNO.EINTR);
    owner.releaseThread(thread);
  };
}

/**
 * An asynchronous channel (`asyncmsg_channel_create`) as an Observable of **batches**: each
 * emission is what one `asyncmsg_get` returned, at most `maxNumBuffer` messages, drained one
 * sending connection at a time in the order they were triggered, each in put order. Batches,
 * not single messages, because a batch is the model's unit of delivery (and of a sender's
 * completion callbacks); use `mergeAll()` for messages.
 *
 * Every subscriber is a thread blocked in `asyncmsg_get`: messages stay in the senders' rings
 * until a subscriber takes them. A subscriber gets again as soon as it returns from a batch,
 * unless it holds the batch (`batch.hold()`, or the `holdMap` operator, which holds it until its
 * handler's Observable or Promise settles): then the senders' rings fill while it works, and their
 * puts wait or fail `EAGAIN` — back-pressure, where `concatMap` would buffer without bound.
 * `receive()` is the pull-style form. Receivers do not inherit sender priority. The Observable
 * completes on {@link AsyncChannel.destroy}.
 *
 * @example
 * ```ts
 * const inbox = server.asyncChannel({ codec: utf8 });
 * inbox.subscribe((batch) => batch.forEach((m) => console.log(m.pid, m.data)));
 * ```
 */
export class AsyncChannel<T> extends Observable<AsyncBatch<T>> {
  private destroyed = false;

  /** @internal */
  constructor(private readonly cfg: AsyncChannelConfig<T>, readonly pid: number) {
    super((subscriber) => subscribeGets(cfg, () => this.destroyed, subscriber, (_thread, messages) => ({
      items: messages.map((m) => new AsyncReceived(cfg.codec, m)),
    })));
  }

  get chid(): number {
    return this.cfg.chid;
  }

  /**
   * Pull-style receiving: each `next()` of the iterator is one `asyncmsg_get` by a logical thread
   * of its own, so nothing is taken from the senders before the loop asks (back-pressure).
   * Aborting `signal` (or the iterator's) ends a get that waits, as an unblock does (the loop
   * throws the signal's reason); leaving the loop ends the thread.
   *
   * The result is a standard `AsyncIterable` (a {@link PullIterable}): use it with `for await`,
   * no library needed. IxJS users wrap it with `from()` of `ix/asynciterable` (`ix` is an
   * optional peer of rxnto) to use IxJS operators; `signal` aborts a get that waits inside the
   * pipeline.
   *
   * @example
   * ```ts
   * for await (const batch of inbox.receive({ signal })) await store(batch.map((m) => m.data));
   * ```
   *
   * @example With IxJS operators
   * ```ts
   * import { from } from 'ix/asynciterable';
   * import { map, take } from 'ix/asynciterable/operators';
   *
   * const firstThree = from(inbox.receive({ signal })).pipe(map((batch) => batch.map((m) => m.data)), take(3));
   * for await (const data of firstThree) await store(data);
   * ```
   */
  receive(options: { readonly signal?: AbortSignal } = {}): PullIterable<AsyncBatch<T>> {
    const { codec } = this.cfg;
    return new GetIterable(this.cfg, () => this.destroyed, options.signal, (_, messages) => ({ items: messages.map((m) => new AsyncReceived(codec, m)) }));
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

/**
 * Pull-style gets for an asynchronous channel ({@link AsyncChannel}, the durable channel): each
 * `next()` is one `asyncmsg_get` by a logical thread of `cfg.owner`, its messages made into a
 * batch by `take`. A batch is done (`done`: the durable channel acknowledges it) when the loop
 * asks for the next one or ends normally after it; a loop that leaves while holding one (`break`,
 * a throw, an abort) gives it back (`giveBack`: delivered again).
 * @internal
 */
export class GetIterable<T, R> implements PullIterable<R[]> {
  constructor(
    private readonly cfg: AsyncChannelConfig<T>,
    private readonly destroyed: () => boolean,
    private readonly signal: AbortSignal | undefined,
    private readonly take: (thread: Thread, messages: AsyncMessage[]) => TakenBatch<R>,
  ) {}

  async *[Symbol.asyncIterator](iteratorSignal?: AbortSignal): AsyncIterator<R[]> {
    const { owner, chid, maxNumBuffer } = this.cfg;
    const thread = owner.acquireThread();
    const { signal, dispose } = abortable(this.signal, iteratorSignal, () => owner.kernel.unblock(thread, ERRNO.EINTR));
    let died: (() => void) | null = null;
    thread.onExit = () => died?.();
    /** The batch the loop has and is not done with. */
    let holding: TakenBatch<R> | null = null;
    try {
      for (;;) {
        signal?.throwIfAborted();
        const got = await new Promise<TakenBatch<R> | null>((resolve, reject) => {
          died = () => reject(new KernelError(ERRNO.ESRCH, 'asyncmsg_get', { chid }));
          owner.kernel.asyncGet(thread, chid, maxNumBuffer, (err, messages) => {
            if (err === 0) resolve(this.take(thread, messages));
            else if (err === ERRNO.ESRCH && this.destroyed()) resolve(null);
            else reject(signal?.aborted === true ? signal.reason : new KernelError(err, 'asyncmsg_get', { chid }));
          });
        });
        if (got === null) return;
        holding = got;
        yield got.items;
        // the loop asks for more: done with this one
        holding = null;
        got.done?.();
      }
    } finally {
      holding?.giveBack?.();
      dispose();
      if (thread.wait !== null) owner.kernel.unblock(thread, ERRNO.EINTR);
      owner.releaseThread(thread);
    }
  }
}
