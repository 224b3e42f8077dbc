import { Observable } from 'rxjs';
import type { DurableEvent, DurableNode } from '../kernel/net/durable.js';
import { AsyncConnection, type AsyncConnectionConfig } from './AsyncConnection.js';

/** The `stored` report of a durable put: the log has it (its ring slot is free again). */
export interface DurableStored {
  /** The put's handle (as in {@link AsyncDelivery}). */
  readonly handle: number;
  /** Its message id, `<producer>:<epoch>:<seq>`. */
  readonly id: string;
  /** The log had it already (a retry whose first publish was stored). */
  readonly duplicate: boolean;
}

/**
 * A durable asynchronous connection (`asyncConnect(name, { durable: true })`): an
 * {@link AsyncConnection} whose triggers publish to the node's durable log. It attaches whether
 * or not a receiver exists. Its subscribers get each put's report as QNX's callback means it:
 * `err` 0 when a receiver's get took it (EMSGSIZE: cut), ETIMEDOUT when it expired first, EIO
 * when it reached the delivery limit (dead-lettered), ENOMSG when the receiver gave up its gap,
 * EBADF when the channel was destroyed or the message never left the ring. `stored$` reports
 * each put the log stored, before any of those.
 *
 * `next()` throws EAGAIN when the ring is full (the store is full or slow: nothing is lost);
 * `put()` waits for a slot and completes when the put is taken; `flush()` completes when every
 * message put is stored.
 */
export class DurableConnection<T> extends AsyncConnection<T> {
  /** The stored reports of this connection's puts, in put order. */
  readonly stored$: Observable<DurableStored>;
  /** The durable layer's events about this connection's channel (errors of the log, retried). */
  readonly events$: Observable<DurableEvent>;

  /** @internal */
  constructor(cfg: AsyncConnectionConfig<T>, node: DurableNode, readonly name: string, readonly producer: string, readonly epoch: number) {
    super(cfg);
    const pid = cfg.owner.control.process.pid;
    this.events$ = new Observable<DurableEvent>((subscriber) => node.onEvent((e) => { if (e.name === name) subscriber.next(e); }));
    this.stored$ = new Observable<DurableStored>((subscriber) => node.onEvent((e) => {
      if (e.type === 'stored' && e.pid === pid && e.coid === cfg.coid) subscriber.next({ handle: e.handle, id: e.id, duplicate: e.duplicate });
    }));
  }
}
