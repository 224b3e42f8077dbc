import { Observable } from 'rxjs';
import { KernelError, type AsyncMessage, type Thread } from '../kernel/index.js';
import type { DurableEvent, DurableMessageInfo, DurableNode } from '../kernel/net/durable.js';
import { AsyncReceived, GetIterable, subscribeGets, type AsyncChannelConfig, type TakenBatch } from './AsyncChannel.js';
import type { PullIterable } from './PullIterable.js';
import type { Codec } from './codecs.js';

/** One message of a durable batch: an {@link AsyncReceived} with its durable identity. */
export class DurableReceived<T> extends AsyncReceived<T> {
  /** @internal */
  constructor(codec: Codec<T>, m: AsyncMessage, private readonly info: DurableMessageInfo | null) {
    super(codec, m);
  }

  /** The message id, `<producer>:<epoch>:<seq>`. */
  get id(): string {
    return this.info?.id ?? '';
  }

  /** The sending connection's producer id. */
  get producer(): string {
    return this.info?.producer ?? '';
  }

  /** The sending connection's epoch (one per attach). */
  get epoch(): number {
    return this.info?.epoch ?? 0;
  }

  /** The put's sequence on its connection: 1, 2, 3 … per (producer, epoch), in put order. */
  get seq(): number {
    return this.info?.seq ?? 0;
  }

  /** The sender's node. */
  get node(): string {
    return this.info?.node ?? '';
  }

  /** How many times the log delivered it: more than 1 when a receiver got it before and did not settle it. */
  get deliveries(): number {
    return this.info?.deliveries ?? 0;
  }

  /** The high-water mark this message moves when handled: save `[key, seq]` with your state, pass them back as `resume`. */
  get mark(): readonly [string, number] {
    return [`${this.producer}:${this.epoch}`, this.seq];
  }
}

/**
 * What one get of a durable channel returned, with `hold()` as on {@link AsyncBatch}: a held batch
 * is acknowledged when released; one that is not held, when its emission returns.
 */
export type DurableBatch<T> = ReadonlyArray<DurableReceived<T>> & { readonly hold?: () => () => void };

/** @internal */
export interface DurableChannelConfig<T> extends AsyncChannelConfig<T> {
  readonly node: DurableNode;
  readonly name: string;
}

/**
 * A durable asynchronous channel (`asyncChannel({ durable: name })`, docs/durable.md): an
 * asynchronous channel whose messages come from the node's durable log, put by senders that may
 * have attached, put and gone while no receiver existed. Batches as {@link AsyncChannel}'s, in
 * FIFO order per sending connection whatever the log's redelivery does, without duplicates.
 *
 * At-least-once: a message is acknowledged when its batch **settles**: released by its `hold()`
 * (use `holdMap`, which releases when your handler settles), or, not held, when its emission
 * returns. A subscriber that errors or unsubscribes while it holds a batch gives the batch back:
 * it is delivered again (`deliveries` > 1), as it is to the next receiver after a crash. After
 * the node's delivery limit a message goes to the dead-letter subject and its sender hears EIO.
 */
export class DurableChannel<T> extends Observable<DurableBatch<T>> {
  private destroyed = false;
  /** The durable layer's events about this channel: gaps, dead letters, expiries, stalls, duplicates dropped, the consumer made again. */
  readonly events$: Observable<DurableEvent>;

  /** @internal */
  constructor(private readonly cfg: DurableChannelConfig<T>, readonly pid: number) {
    super((subscriber) => subscribeGets(cfg, () => this.destroyed, subscriber, this.take));
    this.events$ = new Observable<DurableEvent>((subscriber) => cfg.node.onEvent((e) => { if (e.name === cfg.name) subscriber.next(e); }));
  }

  /** One get's messages as a batch: acknowledged when its taker is done with it, given back (delivered again) when it leaves holding it. */
  private readonly take = (thread: Thread, messages: AsyncMessage[]): TakenBatch<DurableReceived<T>> => {
    const { chid, codec, node } = this.cfg;
    const took = node.batch(thread, chid, messages);
    return {
      items: messages.map((m, i) => new DurableReceived(codec, m, took.infos[i] ?? null)),
      done: () => node.settle(thread, chid, took, true),
      giveBack: () => node.settle(thread, chid, took, false),
    };
  };

  get chid(): number {
    return this.cfg.chid;
  }

  /**
   * Pull-style receiving, as {@link AsyncChannel.receive}: each `next()` of the iterator is one
   * get. A batch is acknowledged when the loop asks for the next one (or the iterable ends after
   * it); a loop that leaves holding one (`break`, a throw, an abort) gives it back, and it comes
   * again (`deliveries` > 1): at-least-once, as for a subscriber that leaves holding a batch.
   *
   * @example
   * ```ts
   * for await (const batch of inbox.receive({ signal })) await store(batch.map((m) => m.data));
   * ```
   */
  receive(options: { readonly signal?: AbortSignal } = {}): PullIterable<DurableReceived<T>[]> {
    return new GetIterable(this.cfg, () => this.destroyed, options.signal, this.take);
  }

  /** The durable channel's name. */
  get name(): string {
    return this.cfg.name;
  }

  /**
   * `asyncmsg_channel_destroy` for good: the consumer and every stored message of the channel
   * go, senders' waiting puts report EBADF, subscribers complete. (A receiver that only stops —
   * unsubscribes, exits, crashes — leaves everything stored for the next one.)
   */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    const { owner, chid, node } = this.cfg;
    node.destroy(owner.control, chid);
    try {
      owner.kernel.asyncChannelDestroy(owner.control, chid);
    } catch (e) {
      if (!(e instanceof KernelError)) throw e;
    }
  }
}
