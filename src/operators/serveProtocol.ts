import { map, type Observable, type OperatorFunction } from 'rxjs';
import { KernelError } from '../kernel/index.js';
import type { Codec } from '../rx/codecs.js';
import { payloadCodec, type MessageType, type Protocol, type ReplyOf, type RequestOf } from '../rx/protocol.js';
import type { ReceivedMessage } from '../rx/Received.js';
import type { MethodProtocol, MethodSpec, ProtocolDefinition } from '../rx/remote.js';
import { replyWith, type Answered } from './replyWith.js';

/** One handler per method of a method-named protocol, each typed by its request and reply. */
export type MethodHandlers<P extends MethodProtocol<P>> = {
  readonly [K in keyof P]: (
    request: P[K]['request'],
    message: ReceivedMessage<P[K]['request'], P[K]['reply']>,
  ) => P[K]['reply'] | PromiseLike<P[K]['reply']> | Observable<P[K]['reply']>;
};

/** One handler per message type of a protocol, each typed by its request and reply. */
export type ProtocolHandlers<P extends Protocol<P>> = {
  readonly [K in MessageType<P>]: (
    request: RequestOf<P, K>,
    message: ReceivedMessage<RequestOf<P, K>, ReplyOf<P, K>>,
  ) => ReplyOf<P, K> | PromiseLike<ReplyOf<P, K>> | Observable<ReplyOf<P, K>>;
};

/**
 * Serves a {@link Protocol}: each message is routed on its type (its first two bytes) to the
 * handler for that type, whose request and reply are checked at compile time. As the dispatch
 * layer does, a message shorter than 2 bytes is answered `EINVAL` and a type with no handler
 * `ENOSYS`.
 *
 * Intuition: a typed `switch (msg.type)` in a server loop.
 *
 * ```text
 * messages:                      -a(0x5001)--b(0x5002)--c(0x7777)--|
 * serveProtocol(json, handlers): -A----------B----------#ENOSYS----|   (# to that client only)
 * ```
 *
 * ## Example
 * ```ts
 * channel.pipe(messages(), serveProtocol<Calc>(json(), {
 *   0x5001: ({ a, b }) => a + b,
 *   0x5002: (s) => s.toUpperCase(),
 * })).subscribe();
 * ```
 *
 * @param codec Decodes requests and encodes replies (after the 2-byte type).
 * @param handlers One per message type of `P`.
 * @returns An operator emitting one {@link Answered} per message.
 * Errors it gives clients: `EINVAL`, `ENOSYS`, and the handlers' `KernelError` codes (else `EIO`).
 * @see `ProtocolClient` (from `rxnto`)
 */
export function serveProtocol<P extends Protocol<P>>(
  codec: Codec<unknown>,
  handlers: ProtocolHandlers<P>,
): OperatorFunction<ReceivedMessage<unknown, unknown>, Answered<unknown, unknown>>;
/**
 * Serves a method-named protocol (`defineProtocol` from `rxnto`): one handler per method name, typed by
 * that method's request and reply; the same routing (EINVAL under 2 bytes, ENOSYS for a type
 * with no method).
 *
 * @example
 * ```ts
 * channel.pipe(messages(), serveProtocol(sensor, json(), {
 *   getReading: ({ id }) => ({ id, value: read(id) }),
 *   calibrate: (offset) => calibrate(offset),
 * })).subscribe();
 * ```
 */
export function serveProtocol<P extends MethodProtocol<P>>(
  definition: ProtocolDefinition<P>,
  codec: Codec<unknown>,
  handlers: MethodHandlers<P>,
): OperatorFunction<ReceivedMessage<unknown, unknown>, Answered<unknown, unknown>>;
export function serveProtocol(
  first: Codec<unknown> | ProtocolDefinition<Record<string, MethodSpec>>,
  second: Codec<unknown> | Record<number, unknown>,
  third?: Record<string, unknown>,
): OperatorFunction<ReceivedMessage<unknown, unknown>, Answered<unknown, unknown>> {
  let codec: Codec<unknown>;
  let table: Record<number, ((req: unknown, m: ReceivedMessage<unknown, unknown>) => unknown) | undefined>;
  if ('types' in first) {
    codec = second as Codec<unknown>;
    table = {};
    // by message type: the method's handler
    for (const [name, type] of Object.entries(first.types)) table[type] = (third as Record<string, (req: unknown, m: ReceivedMessage<unknown, unknown>) => unknown>)[name];
  } else {
    codec = first;
    table = second as Record<number, ((req: unknown, m: ReceivedMessage<unknown, unknown>) => unknown) | undefined>;
  }
  const typed = payloadCodec(codec);
  return (source) =>
    source.pipe(
      // answer through a typed view of the raw bytes (whatever the channel's codec): the reply is
      // encoded with the protocol's codec
      map((raw) => raw.withCodecs(typed, codec)),
      replyWith<unknown, unknown>((request, message) => {
        if (message.bytes.length < 2) throw new KernelError('EINVAL', 'MsgReply', { rcvid: message.rcvid });
        const handler = table[message.type];
        if (handler === undefined) throw new KernelError('ENOSYS', 'MsgReply', { rcvid: message.rcvid });
        return handler(request, message) as Observable<unknown>;
      }),
    );
}
