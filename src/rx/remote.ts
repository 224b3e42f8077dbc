/**
 * Method-named protocols: a client whose methods are the protocol's messages, as comlink's
 * `Remote<T>` is, over any connection; the server side is `serveProtocol` with the same names.
 * @packageDocumentation
 */
import { map, type Observable } from 'rxjs';
import type { Codec } from './codecs.js';
import type { Connection } from './Connection.js';
import { encodeTyped, reservedTypeReason } from './protocol.js';
import type { SendOptions } from './sendOptions.js';

/** One method of a {@link MethodProtocol}: its message type, what is sent, what comes back. */
export interface MethodSpec {
  /** The message type (the first two bytes, little-endian: what the dispatch layer routes on). */
  readonly type: number;
  readonly request: unknown;
  readonly reply: unknown;
}

/**
 * A protocol whose messages have names.
 *
 * @example
 * ```ts
 * interface Sensor {
 *   getReading: { type: 0x5001; request: { id: number }; reply: { id: number; value: number } };
 *   calibrate: { type: 0x5002; request: number; reply: boolean };
 * }
 * ```
 */
export type MethodProtocol<P = Record<string, MethodSpec>> = { readonly [K in keyof P]: MethodSpec };

/** A protocol's message types at run time, made by {@link defineProtocol}. */
export interface ProtocolDefinition<P extends MethodProtocol<P>> {
  /** Each method's message type. */
  readonly types: { readonly [K in keyof P]: P[K]['type'] };
  /** Type-only: the protocol. */
  readonly protocol?: P;
}

/**
 * The run-time half of a {@link MethodProtocol}: each method's message type (checked against the
 * interface, for duplicates and for the reserved range 0x000..0x1FF: a `RangeError`).
 *
 * @example
 * ```ts
 * const sensor = defineProtocol<Sensor>({ getReading: 0x5001, calibrate: 0x5002 });
 * ```
 */
export function defineProtocol<P extends MethodProtocol<P>>(types: { readonly [K in keyof P]: P[K]['type'] }): ProtocolDefinition<P> {
  const seen = new Set<number>();
  for (const [name, type] of Object.entries(types) as Array<[string, number]>) {
    const reserved = reservedTypeReason(type);
    if (reserved !== null) throw new RangeError(`defineProtocol: ${name}: ${reserved}`);
    if (seen.has(type)) throw new RangeError(`defineProtocol: ${name}: message type 0x${type.toString(16)} is used twice`);
    seen.add(type);
  }
  return { types: { ...types } };
}

/** A client of `P`: one method per message, each an Observable of its reply (cold: it sends on subscription). */
export type Remote<P extends MethodProtocol<P>> = {
  readonly [K in keyof P]: (request: P[K]['request'], options?: SendOptions) => Observable<P[K]['reply']>;
};

/**
 * A method-named client over `connection` (of any codec: the protocol's `codec` is used, after the
 * 2-byte type). Each call is one `MsgSend` on a logical thread of its own; a server's `MsgError`
 * is a `KernelError` notification.
 *
 * @example
 * ```ts
 * const api = remote(client.connect(ch), sensor, json());
 * api.getReading({ id: 1 }).subscribe((r) => console.log(r.value)); // r: { id: number; value: number }
 * ```
 */
export function remote<P extends MethodProtocol<P>>(
  connection: Pick<Connection<never, unknown>, 'sendBytes'>, definition: ProtocolDefinition<P>, codec: Codec<unknown>,
): Remote<P> {
  const client: Record<string, (request: unknown, options?: SendOptions) => Observable<unknown>> = {};
  for (const [name, type] of Object.entries(definition.types) as Array<[string, number]>) {
    client[name] = (request, options) => connection.sendBytes(encodeTyped(type, codec, request), options).pipe(map((r) => codec.decode(r.bytes)));
  }
  return Object.freeze(client) as Remote<P>;
}
