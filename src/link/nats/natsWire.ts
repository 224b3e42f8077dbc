/**
 * The NATS messages between nodes of a domain (`<p>` = `rxnto.<domain>`), every field a
 * little-endian u32 unless said; `name` is the sender's name (a length byte, then its bytes);
 * `tag` is the 16-byte MAC of a keyed domain (natsAuth.ts), absent without a key:
 *
 * | Message | Subject | Layout |
 * |---|---|---|
 * | batch | `<p>.f.<to>` | `[sid][dst][seq][ack]` name, then frames (`[length]` and bytes each), tag |
 * | sync (a probe) | `<p>.hb.<to>` | `[sid][dst][expected][resendTo][nonce][nonce]` name tag |
 * | synced (its reply) | the request's inbox | `[sid][dst][epoch][expected][floor][sentUpTo][nonce][nonce]` name tag |
 * | hello, bye | `<p>.hello`, `<p>.bye` | `[epoch]` name tag |
 * | lookup (a global name) | `<p>.svc.<hex>` | `[nonce][nonce]` name tag |
 * | found (its answer) | the request's inbox | `[epoch][pid][chid][nonce][nonce]` name tag |
 *
 * `epoch` names the sender's process on the network (random per join). `sid` names the sender's
 * stream with the receiver (random per pair of processes, NatsStream.ts) and `dst` the
 * receiver's stream as the sender knows it (0: not yet): a stream's numbers hold only between
 * those two, so a message of another process or stream is never taken as one of this one. A reply
 * carries the request's nonce, so it is bound to the request.
 * @internal
 * @packageDocumentation
 */

/** Words before the name, per message. */
export const WORDS = { batch: 4, sync: 6, synced: 8, hello: 1, lookup: 2, found: 5 } as const;

/** Bytes before a batch's sender name (the stream's header). */
export const BATCH_HEADER = WORDS.batch * 4;

const TOKEN = /^[A-Za-z0-9_-]{1,255}$/;
const enc = new TextEncoder();

/** Whether `s` can be a node name or a domain on NATS: a subject token (letters, digits, `-`, `_`). */
export const isToken = (s: string): boolean => TOKEN.test(s);

/** The little-endian u32 at `at` of `b`. */
export const u32 = (b: Uint8Array, at: number): number => new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(at, true);

/** A name as messages carry it: its length, then its bytes. */
export function nameField(name: string): Uint8Array {
  const b = enc.encode(name);
  const out = new Uint8Array(1 + b.length);
  out[0] = b.length;
  out.set(b, 1);
  return out;
}

/** A message: `words`, the `name` field, `room` bytes free after it, then `tag` bytes for the tag. */
export function compose(words: readonly number[], name: Uint8Array, room = 0, tag = 0): Uint8Array {
  const out = new Uint8Array(words.length * 4 + name.length + room + tag);
  const dv = new DataView(out.buffer);
  words.forEach((w, i) => dv.setUint32(i * 4, w >>> 0, true));
  out.set(name, words.length * 4);
  return out;
}

/** A message read: its words, the sender's name, and where the name ends. */
export interface Parsed {
  readonly words: number[];
  readonly name: string;
  readonly end: number;
}

/** Whether byte `c` may be in a subject token: `A-Z`, `a-z`, `0-9`, `-`, `_`. */
const tokenByte = (c: number): boolean => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x5f;

/**
 * Read `n` words and a name (a subject token) from `body` (the message without its tag); null
 * when it is malformed. With `exact`, nothing may follow the name.
 */
export function parse(body: Uint8Array, n: number, exact = true): Parsed | null {
  const at = n * 4;
  if (body.length < at + 2) return null;
  const end = at + 1 + body[at]!;
  if (end === at + 1 || end > body.length || (exact && end !== body.length)) return null;
  let name = '';
  for (let i = at + 1; i < end; i++) {
    const c = body[i]!;
    if (!tokenByte(c)) return null;
    name += String.fromCharCode(c);
  }
  const dv = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const words: number[] = [];
  for (let i = 0; i < n; i++) words.push(dv.getUint32(i * 4, true));
  return { words, name, end };
}

/** Whether the frames of a batch from `at` fill `body` exactly (each a u32 length and its bytes). */
export function framesFit(body: Uint8Array, at: number): boolean {
  if (at >= body.length) return false;
  const dv = new DataView(body.buffer, body.byteOffset, body.byteLength);
  while (at + 4 <= body.length) at += 4 + dv.getUint32(at, true);
  return at === body.length;
}

/** Random u32s, never 0 (stream ids, epochs, nonces), from a pool refilled by `crypto.getRandomValues`. */
export const random = (() => {
  const pool = new Uint32Array(64);
  let left = 0;
  return (): number => {
    for (;;) {
      if (left === 0) {
        crypto.getRandomValues(pool);
        left = pool.length;
      }
      const x = pool[--left]!;
      if (x !== 0) return x;
    }
  };
})();
