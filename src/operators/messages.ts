import { filter, type OperatorFunction } from 'rxjs';
import type { Received, ReceivedMessage } from '../rx/Received.js';

/**
 * Keeps the messages of a channel and drops its pulses.
 *
 * Intuition: the `rcvid > 0` half of a receive loop.
 *
 * ```text
 * channel:      -m--p--m--|      (m: message, p: pulse)
 * messages():   -m-----m--|
 * ```
 *
 * ## Example
 * ```ts
 * channel.pipe(messages()).subscribe((m) => m.reply(m.data));
 * ```
 *
 * @returns An operator emitting only the {@link ReceivedMessage} items.
 * @see {@link pulses}
 */
export function messages<T, R>(): OperatorFunction<Received<T, R>, ReceivedMessage<T, R>> {
  return filter((item): item is ReceivedMessage<T, R> => item.kind === 'message');
}
