/**
 * Codecs turn typed payloads into message bytes and back. A channel or connection made with a
 * codec decodes what it receives and encodes what it sends; add your own by implementing
 * {@link Codec}.
 * @packageDocumentation
 */

/** Encodes values of `T` to bytes and decodes them back. `decode` may throw on bad input. */
export interface Codec<T> {
  readonly name: string;
  encode(value: T): Uint8Array;
  decode(bytes: Uint8Array): T;
}

const EMPTY = new Uint8Array(0);

/** Bytes as they are (no copy on encode; decode returns the received view). */
export const bytes: Codec<Uint8Array> = {
  name: 'bytes',
  encode: (value) => value,
  decode: (b) => b,
};

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * UTF-8 text. Decoding stops at the first NUL, so C strings from `rxnto/neutrino` programs
 * (which carry one) read back as the text before it.
 */
export const utf8: Codec<string> = {
  name: 'utf8',
  encode: (value) => encoder.encode(value),
  decode: (b) => {
    const nul = b.indexOf(0);
    return decoder.decode(nul < 0 ? b : b.subarray(0, nul));
  },
};

/** JSON text in UTF-8. `decode` of an empty message gives `undefined`. */
export function json<T>(): Codec<T> {
  return {
    name: 'json',
    encode: (value) => (value === undefined ? EMPTY : encoder.encode(JSON.stringify(value))),
    decode: (b) => (b.length === 0 ? undefined : JSON.parse(decoder.decode(b))) as T,
  };
}

interface V8Serializer {
  serialize(value: unknown): Uint8Array;
  deserialize(bytes: Uint8Array): unknown;
}

function v8(): V8Serializer {
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const mod = p?.getBuiltinModule?.('node:v8') as V8Serializer | undefined;
  if (mod === undefined) throw new Error('the structuredClone codec needs Node (process.getBuiltinModule)');
  return mod;
}

/**
 * The structured clone algorithm (Maps, Sets, Dates, typed arrays, cycles...), serialized with
 * V8's serializer. Node only.
 */
export function structuredCloneCodec<T>(): Codec<T> {
  return {
    name: 'structuredClone',
    encode: (value) => {
      const b = v8().serialize(value);
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    },
    decode: (b) => v8().deserialize(b) as T,
  };
}
