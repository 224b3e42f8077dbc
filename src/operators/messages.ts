import { filter, type Observable, type OperatorFunction } from 'rxjs';
import { Channel } from '../rx/Channel.js';
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
  // on a channel itself the subscription emits messages alone: no filter between (same items)
  return (source) => (source instanceof Channel ? (source as Channel<T, R>).messagesOnly() : keepMessages(source));
}

const keepMessages = filter((item: Received<unknown, unknown>): item is ReceivedMessage<unknown, unknown> => item.kind === 'message') as <T, R>(
  source: Observable<Received<T, R>>,
) => Observable<ReceivedMessage<T, R>>;
