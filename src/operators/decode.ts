import { map, type OperatorFunction } from 'rxjs';
import type { Codec } from '../rx/codecs.js';
import type { ReceivedMessage } from '../rx/Received.js';

/**
 * Sees messages through other codecs: `data` is decoded with `codec` and replies are encoded
 * with `replyCodec` (default `codec`). Decoding is lazy: a bad payload throws when `data` is read.
 *
 * Intuition: give a raw channel its types.
 *
 * ```text
 * raw:             -b------|       (b: bytes of '{"n":1}')
 * decode(json()):  -o------|       (o: message with data {n: 1})
 * ```
 *
 * ## Example
 * ```ts
 * rawChannel.pipe(messages(), decode(json<{ n: number }>())).subscribe((m) => m.reply({ n: m.data.n + 1 }));
 * ```
 *
 * @param codec Decodes the message bytes.
 * @param replyCodec Encodes replies (default: `codec`).
 * @see {@link messages}
 */
export function decode<T, R = T, T0 = unknown, R0 = unknown>(codec: Codec<T>, replyCodec?: Codec<R>): OperatorFunction<ReceivedMessage<T0, R0>, ReceivedMessage<T, R>> {
  const rc = (replyCodec ?? codec) as unknown as Codec<R>;
  return map((m) => m.withCodecs(codec, rc));
}
