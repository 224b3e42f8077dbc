import { Observable, type Observer, type Subscriber, type Subscription } from 'rxjs';
import { ERRNO, KernelError, type Kernel, type Thread } from '../kernel/index.js';
import type { Received, ReceivedMessage } from './Received.js';
import { Receiver, type ReceiveContext } from './Receiver.js';
import { subscribeChannel } from './channelSubscription.js';
import { abortable } from './abortable.js';
import type { PullIterable } from './PullIterable.js';
import { subscribeDirect } from './DirectSubscriber.js';
import type { CompleteCallback, ErrorCallback, ObserverOrNext } from './directDelivery.js';

/** @internal What a channel needs from its process. */
export interface ChannelOwner {
  readonly kernel: Kernel;
  readonly control: Thread;
  acquireThread(priority?: number): Thread;
  releaseThread(t: Thread): void;
  scratch(t: Thread, size: number): Uint8Array;
}

/**
 * A channel as an Observable of what arrives on it. Every subscriber is a receiving logical
 * thread of the channel's process: each message goes to exactly one subscriber (the one that
 * started waiting last, as QNX serves receivers LIFO), never to all of them. Pulses are items of
 * kind `'pulse'`, in priority order with the messages.
 *
 * Like a QNX server thread, a subscriber handles one message at a time: it receives again once
 * the message is answered (`reply()`, `error()`) or handed off (`release()`). Until then queued
 * clients stay SEND-blocked in the kernel, in priority order. For concurrency subscribe several
 * times (`merge(ch, ch, ch)` is three threads). Use `split()` to route messages and pulses to
 * different code over one thread: two filtered subscribers would each drop the other's items.
 *
 * On a channel with `_NTO_CHF_UNBLOCK` (the binding's default) a subscriber holding a message
 * still takes pulses, so that a client that gives up (timeout, unsubscribe, abort) reaches it:
 * the message's `signal` aborts, and `replyWith` and the operators built on it cancel the
 * handler. A message the codec cannot decode is answered `EBADMSG` and reported on
 * {@link Channel.errors}, never handed to a subscriber.
 *
 * Unsubscribing ends the receiving thread. The Observable completes when the channel is
 * destroyed through {@link Channel.destroy}, and errors with a `KernelError` (`ESRCH`) when it
 * goes otherwise (its process exits).
 *
 * @example
 * ```ts
 * const ch = server.channel({ codec: utf8 });
 * ch.pipe(messages()).subscribe((m) => m.reply(m.data.toUpperCase()));
 * ch.pipe(messages(), replyWith((q: string, m) => fetch(q, { signal: m.signal }).then((r) => r.text()))).subscribe();
 * ```
 */
export class Channel<T, R = T> extends Observable<Received<T, R>> {
  private destroyed = false;
  /** @internal */
  readonly ctx: ReceiveContext<T, R>;

  /** @internal */
  constructor(
    private readonly owner: ChannelOwner,
    ctx: ReceiveContext<T, R>,
    /** The owning process's pid. */
    readonly pid: number,
  ) {
    super((subscriber) => subscribeChannel(owner, ctx, () => this.destroyed, subscriber));
    this.ctx = ctx;
  }

  /** Subscribed with callbacks, the subscriber calls them itself (see `DirectSubscriber`): as RxJS would, with less between. */
  override subscribe(observerOrNext?: Partial<Observer<Received<T, R>>> | ((value: Received<T, R>) => void)): Subscription;
  /** @deprecated Instead of passing separate callback arguments, use an observer argument (as in RxJS). */
  override subscribe(next?: ((value: Received<T, R>) => void) | null, error?: ((error: any) => void) | null, complete?: (() => void) | null): Subscription;
  override subscribe(observerOrNext?: ObserverOrNext<Received<T, R>>, error?: ErrorCallback, complete?: CompleteCallback): Subscription {
    return subscribeDirect(this, observerOrNext, error, complete);
  }

  /** The channel id in its process. */
  get chid(): number {
    return this.ctx.chid;
  }

  /**
   * Where clients find this channel: its node (when the kernel is one), pid and chid. Plain data
   * (send it to a client on another node, which passes it to `connect()`).
   */
  get address(): { readonly node?: string; readonly pid: number; readonly chid: number } {
    const node = this.owner.kernel.node;
    return node === null ? { pid: this.pid, chid: this.chid } : { node, pid: this.pid, chid: this.chid };
  }

  /**
   * Messages the channel could not hand to a subscriber: one its codec could not decode is
   * answered `EBADMSG` (the client's send fails with it) and reported here as a `KernelError`
   * `EBADMSG` whose `cause` is the codec's error. The server goes on.
   */
  get errors(): Observable<KernelError> {
    return this.ctx.errors.asObservable();
  }

  /**
   * Pull-style receiving: each `next()` of the iterator is one `MsgReceive` by a logical thread
   * of its own; leaving the loop, or aborting `signal` (or the iterator's), ends that thread (an
   * aborted wait is an unblock: the loop throws the signal's reason).
   *
   * The result is a standard `AsyncIterable` (a {@link PullIterable}): use it with `for await`,
   * no library needed. IxJS users wrap it with `from()` of `ix/asynciterable` (`ix` is an
   * optional peer of rxnto) to use IxJS operators; leaving the IxJS loop ends the thread too, and
   * `signal` aborts a receive that waits inside the pipeline.
   *
   * @example
   * ```ts
   * for await (const m of ch.receive()) {
   *   if (m.kind === 'message') m.reply(m.data);
   * }
   * ```
   *
   * @example With IxJS operators
   * ```ts
   * import { from } from 'ix/asynciterable';
   * import { filter, take } from 'ix/asynciterable/operators';
   *
   * const firstTwo = from(ch.receive({ signal })).pipe(filter((m) => m.kind === 'message'), take(2));
   * for await (const m of firstTwo) if (m.kind === 'message') m.reply(m.data);
   * ```
   */
  receive(options: { readonly signal?: AbortSignal } = {}): PullIterable<Received<T, R>> {
    return new ReceiveIterable(this.owner, this.ctx, () => this.destroyed, options.signal);
  }

  /**
   * @internal What `messages()` makes of this channel: each subscription receives as a
   * subscription of the channel does (pulses still cancel the messages they name) but emits the
   * messages alone, with no operator between the channel and the subscriber.
   */
  messagesOnly(): Observable<ReceivedMessage<T, R>> {
    const { owner, ctx } = this;
    return new ChannelMessages<T, R>((subscriber) =>
      subscribeChannel(owner, ctx, () => this.destroyed, subscriber as Subscriber<Received<T, R>>, true));
  }

  /** `ChannelDestroy`: blocked clients get ESRCH, subscribers complete. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    try {
      this.owner.kernel.channelDestroy(this.owner.control, this.ctx.chid);
    } catch (e) {
      if (!(e instanceof KernelError)) throw e;
    }
  }
}

/** What `messages()` makes of a channel (see {@link Channel.messagesOnly}). */
class ChannelMessages<T, R> extends Observable<ReceivedMessage<T, R>> {
  override subscribe(observerOrNext?: Partial<Observer<ReceivedMessage<T, R>>> | ((value: ReceivedMessage<T, R>) => void)): Subscription;
  /** @deprecated Instead of passing separate callback arguments, use an observer argument (as in RxJS). */
  override subscribe(next?: ((value: ReceivedMessage<T, R>) => void) | null, error?: ((error: any) => void) | null, complete?: (() => void) | null): Subscription;
  override subscribe(observerOrNext?: ObserverOrNext<ReceivedMessage<T, R>>, error?: ErrorCallback, complete?: CompleteCallback): Subscription {
    return subscribeDirect(this, observerOrNext, error, complete);
  }
}

class ReceiveIterable<T, R> implements PullIterable<Received<T, R>> {
  constructor(
    private readonly owner: ChannelOwner,
    private readonly ctx: ReceiveContext<T, R>,
    private readonly destroyed: () => boolean,
    private readonly signal: AbortSignal | undefined,
  ) {}

  async *[Symbol.asyncIterator](iteratorSignal?: AbortSignal): AsyncIterator<Received<T, R>> {
    const { owner, ctx } = this;
    const thread = owner.acquireThread();
    let died: (() => void) | null = null;
    thread.onExit = () => died?.();
    const { signal, dispose } = abortable(this.signal, iteratorSignal, () => owner.kernel.unblock(thread, ERRNO.EINTR));
    try {
      for (;;) {
        signal?.throwIfAborted();
        const item = await new Promise<Received<T, R> | undefined | null>((resolve, reject) => {
          died = () => reject(new KernelError(ERRNO.ESRCH, 'MsgReceive', { chid: ctx.chid }));
          new Receiver(ctx, thread, owner.scratch(thread, ctx.bufferSize), (err, got) => {
            if (err === null) resolve(got);
            else if (err.errno === ERRNO.ESRCH && this.destroyed()) resolve(null);
            else reject(signal?.aborted === true ? signal.reason : err);
          }).arm();
        });
        if (item === null) return;
        if (item !== undefined) yield item;
      }
    } finally {
      dispose();
      if (thread.wait !== null) owner.kernel.unblock(thread, ERRNO.EINTR);
      owner.releaseThread(thread);
    }
  }
}
