import { concatMap, mergeMap, type OperatorFunction } from 'rxjs';
import type { Connection, SendOptions } from '../rx/Connection.js';
import type { Reply } from '../rx/Received.js';

/** Options of {@link sendTo}: those of `send`, and how many sends may be in flight. */
export interface SendToOptions extends SendOptions {
  /** Sends in flight at once (each a logical thread). Default 1: one client thread, in order. */
  readonly concurrency?: number;
}

/**
 * Sends every value on `connection` and emits the replies. With the default concurrency of 1 it
 * is one client thread: the next value is sent when the previous reply is in. `timeout` is a
 * kernel timeout with the model's rules (SEND: the message is withdrawn; REPLY: released at once,
 * or, on an `_NTO_CHF_UNBLOCK` channel, an unblock pulse and the server decides).
 *
 * Intuition: `for (;;) MsgSend(coid, next())` as a pipeline stage.
 *
 * ```text
 * source:            -a--b------|
 * server:             (replies 3 frames after receiving)
 * sendTo(conn):      ----A--B---|
 * sendTo(conn, {timeout: 2}):
 *                    ---#                 (# KernelError ETIMEDOUT, server not receiving)
 * ```
 *
 * ## Example
 * ```ts
 * of('a', 'b').pipe(sendTo(conn, { timeout: 50 })).subscribe((r) => console.log(r.data));
 * ```
 *
 * @param connection Where to send.
 * @param options Send options and concurrency.
 * @returns An operator emitting one {@link Reply} per value, in order when concurrency is 1.
 * Errors: `KernelError` with the server's `MsgError` errno, `ETIMEDOUT`, `EBADF` (detached or
 * the channel gone before the send), `ESRCH` (the server went away during the call).
 * @see {@link Connection.send}
 */
export function sendTo<T, R>(connection: Connection<T, R>, options: SendToOptions = {}): OperatorFunction<T, Reply<R>> {
  const { concurrency = 1, ...send } = options;
  const one = (value: T) => connection.send(value, send);
  return concurrency === 1 ? concatMap(one) : mergeMap(one, concurrency);
}
