import { share, type Observable } from 'rxjs';
import type { Received, ReceivedMessage, ReceivedPulse } from '../rx/Received.js';
import { messages } from './messages.js';
import { pulses } from './pulses.js';

/**
 * Splits a channel into its messages and its pulses over one receiving thread.
 *
 * Intuition: every subscriber of a channel is a receiving thread, and each item goes to one of
 * them only. Two subscribers filtering `messages()` and `pulses()` would each drop what the
 * other needed; `split` subscribes once (RxJS `share`) and hands each item to the right side.
 *
 * ```text
 * channel:     -m--p--m--p--|
 * messages$:   -m-----m-----|
 * pulses$:     ----p-----p--|
 * ```
 *
 * The shared receiving thread starts with the first subscriber and ends when both are gone.
 *
 * ## Example
 * ```ts
 * const [messages$, pulses$] = split(channel);
 * messages$.pipe(replyWith(handle)).subscribe();
 * pulses$.subscribe((p) => console.log('pulse', p.code));
 * ```
 *
 * @param source A channel (or any stream of received items).
 * @returns `[messages$, pulses$]`, like RxJS `partition`.
 * @see {@link messages}
 * @see {@link pulses}
 */
export function split<T, R>(source: Observable<Received<T, R>>): [Observable<ReceivedMessage<T, R>>, Observable<ReceivedPulse>] {
  const shared = source.pipe(share());
  return [shared.pipe(messages<T, R>()), shared.pipe(pulses<T, R>())];
}
