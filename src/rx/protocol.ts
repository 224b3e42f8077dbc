import { map, type Observable } from 'rxjs';
import { KernelError, _IO_MAX } from '../kernel/index.js';
import type { Codec } from './codecs.js';
import type { Connection, SendOptions } from './Connection.js';
import type { Reply } from './Received.js';

/**
 * A message protocol: for each message type (the little-endian `uint16` that starts every
 * message, the one the dispatch layer routes on), the request a client sends and the reply it
 * gets back.
 *
 * @example
 * ```ts
 * interface Calc {
 *   0x5001: { request: { a: number; b: number }; reply: number };
 *   0x5002: { request: string; reply: string };
 * }
 * ```
 */
export type Protocol<P = Record<number, MessageSpec>> = { readonly [K in keyof P]: MessageSpec };

/** One message type of a {@link Protocol}: what is sent and what comes back. */
export interface MessageSpec {
  readonly request: unknown;
  readonly reply: unknown;
}

/** The message types of a protocol. */
export type MessageType<P extends Protocol<P>> = keyof P & number;
/** The request of message type `K`. */
export type RequestOf<P extends Protocol<P>, K extends MessageType<P>> = P[K]['request'];
/** The reply of message type `K`. */
export type ReplyOf<P extends Protocol<P>, K extends MessageType<P>> = P[K]['reply'];

/**
 * Why `type` cannot be an application's message type, or `null` if it can: a type must be a
 * `uint16` above `_IO_MAX`, since QNX keeps 0x000..0x1FF for system and I/O messages (`_IO_BASE`
 * 0x100..`_IO_MAX` are what `open`/`name_open` and a resource manager's clients send:
 * `resmgr_attach` claims them). `defineProtocol` and `Router.message` refuse such a type.
 * @internal
 */
export function reservedTypeReason(type: number): string | null {
  if (!Number.isInteger(type) || type < 0 || type > 0xffff) return `message type ${String(type)} is not 0..0xffff`;
  if (type <= _IO_MAX) return `message type 0x${type.toString(16).padStart(3, '0')} is in the range 0x000..0x${_IO_MAX.toString(16)} reserved for QNX system and I/O messages (_IO_MAX); use a type above 0x${_IO_MAX.toString(16)}`;
  return null;
}

/** `[type: uint16 LE][payload]`. */
export function encodeTyped<T>(type: number, codec: Codec<T>, value: T): Uint8Array {
  if (!Number.isInteger(type) || type < 0 || type > 0xffff) throw new KernelError('EINVAL', 'MsgSend');
  const payload = codec.encode(value);
  const out = new Uint8Array(2 + payload.length);
  out[0] = type & 0xff;
  out[1] = type >> 8;
  out.set(payload, 2);
  return out;
}

/** The payload after the 2-byte type, decoded. */
export function payloadCodec<T>(codec: Codec<T>): Codec<T> {
  return { name: `${codec.name}+type`, encode: codec.encode, decode: (b) => codec.decode(b.subarray(2)) };
}

/**
 * The client side of a {@link Protocol} over a byte connection: `send(type, request)` is
 * checked at compile time against the protocol and decodes the reply as that type's reply.
 *
 * @example
 * ```ts
 * const calc = new ProtocolClient<Calc>(client.connect(ch), json());
 * calc.send(0x5001, { a: 1, b: 2 }).subscribe((r) => console.log(r.data)); // r.data: number
 * ```
 */
export class ProtocolClient<P extends Protocol<P>> {
  constructor(
    readonly connection: Connection<Uint8Array, Uint8Array>,
    private readonly codec: Codec<unknown>,
  ) {}

  /** `MsgSend` of a typed request; one {@link Reply} with the type's reply. */
  send<K extends MessageType<P>>(type: K, request: RequestOf<P, K>, options?: SendOptions): Observable<Reply<ReplyOf<P, K>>> {
    const codec = this.codec as Codec<ReplyOf<P, K>>;
    return this.connection.sendBytes(encodeTyped(type, this.codec, request), options).pipe(
      map((r) => {
        // re-read the raw reply through the protocol codec
        const typed = Object.create(r) as Reply<ReplyOf<P, K>>;
        Object.defineProperty(typed, 'data', { get: () => codec.decode(r.bytes) });
        return typed;
      }),
    );
  }
}
