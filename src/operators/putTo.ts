import { endWith, ignoreElements, mergeMap, type OperatorFunction } from 'rxjs';
import type { AsyncConnection } from '../rx/AsyncConnection.js';

/** Ring slots of a connection made without `ringSize` (see `AsyncConnectOptions.ringSize`). */
const DEFAULT_RING_SIZE = 64;

/** Options of {@link putTo}. */
export interface PutToOptions {
  /**
   * The connection's `ringSize` (default 64, as `asyncConnect`'s). The operator keeps
   * `ringSize − 1` puts in flight: as many as the ring holds.
   */
  readonly ringSize?: number;
}

/**
 * Puts every value on an asynchronous `connection` with as many puts in flight as its ring holds
 * (`ringSize − 1`), and emits each value once it was **delivered**, in put order.
 *
 * A `put()` completes on delivery (when a receiver's `asyncmsg_get` took the message), not when
 * the ring accepts it. So `concatMap((v) => conn.put(v))` keeps one message in the ring: every
 * batch is a batch of 1, each waits for the time trigger, and with a count trigger above 1 and no
 * time trigger nothing is ever delivered. `putTo` is `mergeMap(put, ringSize − 1)`: the ring fills,
 * the count trigger fires, receivers get full batches, and a full ring (a slow receiver) makes the
 * next put wait for a slot — back-pressure, with the rest of the source buffered in the operator.
 * Each put in flight holds a logical thread until its delivery. A tail shorter than the count
 * trigger is delivered by the time trigger or a `flush()`: give the connection one of them.
 *
 * Intuition: a sending thread that calls `asyncmsg_put` until the ring is full, then blocks.
 *
 * ```text
 * ringSize 4 (3 messages), count 3, time 9; the receiver gets ≤ 3 at once:
 * source:                          (abcdefgh|)
 * putTo(out, { ringSize: 4 }):     (abcdef)-(gh|)        a…f reach the count trigger at once;
 *                                                        g, h wait for the time trigger (frame 9)
 * concatMap((v) => out.put(v)):    9ms a 8ms b 8ms c …   one message a batch, each at the time trigger
 * ```
 *
 * ## Example
 * ```ts
 * const out = client.asyncConnect(inbox, { codec: utf8, ringSize: 16, count: 8, time: 5 });
 * readings$.pipe(putTo(out, { ringSize: 16 })).subscribe({ complete: () => out.complete() });
 * ```
 *
 * @param connection Where to put.
 * @param options The connection's ring size.
 * @returns An operator emitting each value once delivered; it completes when every put was
 * delivered. Errors: `KernelError` `EMSGSIZE` (delivered truncated), `EBADF` (detached, or the
 * receiver's channel gone), `ESRCH` (this process exited).
 * @see `AsyncConnection.put`
 */
export function putTo<T>(connection: AsyncConnection<T>, options: PutToOptions = {}): OperatorFunction<T, T> {
  const inFlight = Math.max(1, (options.ringSize ?? DEFAULT_RING_SIZE) - 1);
  return mergeMap((value: T) => connection.put(value).pipe(ignoreElements(), endWith(value)), inFlight);
}
