/**
 * Frames to and from bytes (the layout is `frames.ts`'s): encoded a word at a time into slabs or
 * straight into a transport's memory (`Link.sink`), decoded a word at a time, in place, into the
 * node's reusable frame (`FrameIn`), whose payload view is made only when asked for. A
 * big-endian platform goes a byte at a time.
 * @internal
 * @packageDocumentation
 */
import { bodyFields, FRAME_VERSION, frameCheck, HEADER_BYTES, TRAILER_BYTES, type Frame } from './frames.js';

const EMPTY: Uint8Array = new Uint8Array(0);

/** Frames are cut from slabs of this size (a small off-heap allocation costs far more than a view). */
const SLAB_BYTES = 64 * 1024;
/** Frames larger than this get an ArrayBuffer of their own. */
const SLAB_MAX_FRAME = 4096;

/** Whether this platform keeps words little-endian, as the wire does: then frames are written a word at a time. */
const LE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

let slab = new ArrayBuffer(SLAB_BYTES);
let slabU8 = new Uint8Array(slab);
let slabI32 = new Int32Array(slab);
let slabAt = 0;

/** The offset of `n` bytes cut from the slab (a new slab when it is full); starts stay 4-byte aligned. */
function cut(n: number): number {
  if (slabAt + n > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabU8 = new Uint8Array(slab);
    slabI32 = new Int32Array(slab);
    slabAt = 0;
  }
  const at = slabAt;
  slabAt += (n + 3) & ~3;
  return at;
}

/**
 * A copy of `b` that is the caller's to keep (cut from a slab when it is small): what the node
 * keeps of a frame it was only lent (a view of the worker link's ring).
 */
export function own(b: Uint8Array): Uint8Array {
  const n = b.length;
  if (n > SLAB_MAX_FRAME) return b.slice();
  const out = new Uint8Array(slab, cut(n), n);
  out.set(b);
  return out;
}

/**
 * Encode `f`. The result is a view of a buffer that may be shared with other frames (cut from a
 * slab, never reused: a view keeps its slab alive), so a link may keep it as long as it likes
 * but must copy it before transferring its buffer.
 */
export function encodeFrame(f: Frame): Uint8Array {
  return encodeParts(f.kind, f.flags, f.seq, f.ack, f.srcInc, f.dstInc, f.id, f.body, f.payload);
}

/** Bytes of a frame of `kind` with `body` and `payloadBytes` of payload (RangeError: a body not the kind's). */
export function frameBytes(kind: number, body: readonly number[], payloadBytes: number): number {
  const fields = bodyFields(kind);
  if (fields < 0 || body.length !== fields) throw new RangeError(`frame kind ${kind} takes ${fields} body fields, got ${body.length}`);
  return HEADER_BYTES + fields * 4 + payloadBytes + TRAILER_BYTES;
}

/**
 * {@link encodeFrame} from the frame's fields (no frame object on the node's hot path); with
 * `unchecked`, its trailer is left 0 (for an `intact` link, whose other end does not check it).
 */
export function encodeParts(
  kind: number, flags: number, seq: number, ack: number, srcInc: number, dstInc: number, id: number, body: readonly number[], payload: Uint8Array,
  unchecked = false,
): Uint8Array {
  const n = frameBytes(kind, body, payload.length);
  if (!LE) return encodeBytes(kind, flags, seq, ack, srcInc, dstInc, id, body, payload, n);
  if (n > SLAB_MAX_FRAME) {
    const ab = new ArrayBuffer((n + 3) & ~3);
    encodeAt(new Uint8Array(ab), new Int32Array(ab), 0, n, kind, flags, seq, ack, srcInc, dstInc, id, body, payload, unchecked);
    return new Uint8Array(ab, 0, n);
  }
  const at = cut(n);
  encodeAt(slabU8, slabI32, at, n, kind, flags, seq, ack, srcInc, dstInc, id, body, payload, unchecked);
  return new Uint8Array(slab, at, n);
}

/**
 * Write a frame of `n` bytes ({@link frameBytes}) at `at` (a multiple of 4) of `u8` and `i32`
 * (views of one memory from one start: a slab, or the worker link's ring), a word at a time.
 * False on a big-endian platform: nothing is written (encode it with {@link encodeParts}).
 */
export function encodeAt(
  u8: Uint8Array, i32: Int32Array, at: number, n: number,
  kind: number, flags: number, seq: number, ack: number, srcInc: number, dstInc: number, id: number, body: readonly number[], payload: Uint8Array,
  unchecked: boolean,
): boolean {
  if (!LE) return false;
  const fields = body.length;
  // header words: version, kind and flags; seq, ack, srcInc, dstInc, id; the body's and payload's lengths
  const w = at >> 2;
  i32[w] = FRAME_VERSION | (kind << 8) | ((flags & 0xffff) << 16);
  i32[w + 1] = seq;
  i32[w + 2] = ack;
  i32[w + 3] = srcInc;
  i32[w + 4] = dstInc;
  i32[w + 5] = id;
  i32[w + 6] = fields * 4;
  i32[w + 7] = payload.length;
  for (let i = 0; i < fields; i++) i32[w + 8 + i] = body[i]!;
  if (payload.length > 0) u8.set(payload, at + HEADER_BYTES + fields * 4);
  const m = n - TRAILER_BYTES;
  let h = 0;
  if (!unchecked) {
    // frameCheck's words read as words (the same little-endian values)
    const words = m >> 2;
    h = 0x811c9dc5 ^ m;
    for (let i = 0; i < words; i++) {
      h = Math.imul(h ^ Math.imul(i32[w + i]!, 0xcc9e2d51), 0x01000193);
      h ^= h >>> 15;
    }
    for (let i = at + words * 4; i < at + m; i++) h = Math.imul(h ^ u8[i]!, 0x01000193);
  }
  u8[at + m] = h;
  u8[at + m + 1] = h >>> 8;
  u8[at + m + 2] = h >>> 16;
  u8[at + m + 3] = h >>> 24;
  return true;
}

/** @internal {@link encodeParts} a byte at a time (a big-endian platform; exported for its spec). */
export function encodeBytes(
  kind: number, flags: number, seq: number, ack: number, srcInc: number, dstInc: number, id: number, body: readonly number[], payload: Uint8Array, n: number,
): Uint8Array {
  const out = n > SLAB_MAX_FRAME ? new Uint8Array(n) : new Uint8Array(slab, cut(n), n);
  const dv = new DataView(out.buffer, out.byteOffset, n);
  dv.setUint8(0, FRAME_VERSION);
  dv.setUint8(1, kind);
  dv.setUint16(2, flags, true);
  dv.setUint32(4, seq >>> 0, true);
  dv.setUint32(8, ack >>> 0, true);
  dv.setUint32(12, srcInc >>> 0, true);
  dv.setUint32(16, dstInc >>> 0, true);
  dv.setInt32(20, id | 0, true);
  dv.setUint32(24, body.length * 4, true);
  dv.setUint32(28, payload.length, true);
  for (let i = 0; i < body.length; i++) dv.setInt32(HEADER_BYTES + i * 4, body[i]! | 0, true);
  if (payload.length > 0) out.set(payload, HEADER_BYTES + body.length * 4);
  dv.setUint32(n - TRAILER_BYTES, frameCheck(out, 0, n - TRAILER_BYTES), true);
  return out;
}

const u32 = (b: Uint8Array, i: number): number => (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
const i32 = (b: Uint8Array, i: number): number => b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);

/**
 * The frame a node decodes into again and again (its `body` has room for every kind). Its
 * payload is `src[at .. at + len)`, a view of it made when first asked for: a frame read in
 * place is landed or copied from there without one.
 */
export class FrameIn implements Frame {
  kind = 0;
  flags = 0;
  seq = 0;
  ack = 0;
  srcInc = 0;
  dstInc = 0;
  id = 0;
  body: number[] = [0, 0, 0, 0, 0, 0, 0, 0];
  src: Uint8Array = EMPTY;
  at = 0;
  len = 0;
  /** The payload's words, when it starts on one: `words[wordAt ..]` (or null). */
  words: Int32Array | null = null;
  wordAt = 0;
  private view: Uint8Array | null = EMPTY;

  get payload(): Uint8Array {
    return (this.view ??= new Uint8Array(this.src.buffer, this.src.byteOffset + this.at, this.len));
  }

  set payload(p: Uint8Array) {
    this.view = this.src = p;
    this.at = 0;
    this.len = p.length;
    this.words = null;
  }

  /** The payload is `len` bytes at `at` of `src`, and at `wordAt` of `words` (or null). */
  place(src: Uint8Array, at: number, len: number, words: Int32Array | null, wordAt: number): void {
    this.src = src;
    this.at = at;
    this.len = len;
    this.words = words;
    this.wordAt = wordAt;
    this.view = len === 0 ? EMPTY : null;
  }
}

/** A frame object a node decodes into again and again. */
export function reusableFrame(): FrameIn {
  return new FrameIn();
}

/** A copy of `f`'s payload that is the caller's to keep (cut from a slab when small, copied a word at a time when it can). */
export function ownPayload(f: FrameIn): Uint8Array {
  const n = f.len;
  const w = f.words;
  if (w === null) return own(f.payload);
  // by words: a copy out of shared memory byte by byte (what `slice` and `set` do there) costs ~4×
  const big = n > SLAB_MAX_FRAME;
  const at = big ? 0 : cut(n);
  const u8 = big ? new Uint8Array((n + 3) & ~3) : slabU8;
  const i32 = big ? new Int32Array(u8.buffer) : slabI32;
  const src = f.src;
  const from = f.wordAt;
  const to = at >> 2;
  const words = n >> 2;
  for (let i = 0; i < words; i++) i32[to + i] = w[from + i]!;
  for (let i = words * 4; i < n; i++) u8[at + i] = src[f.at + i]!;
  return new Uint8Array(u8.buffer, at, n);
}

/** The last buffer a frame was decoded from, and an Int32Array of all of it (one view per buffer, not per frame). */
let wordsOf: ArrayBufferLike | null = null;
let words: Int32Array<ArrayBufferLike> = new Int32Array(0);

/** Int32 words over `b`'s buffer, or null when `b` does not start on a word or the platform is big-endian. */
function wordsFor(b: Uint8Array): Int32Array | null {
  if (!LE || (b.byteOffset & 3) !== 0) return null;
  if (b.buffer !== wordsOf || b.byteOffset + b.length > words.byteLength) {
    wordsOf = b.buffer;
    words = new Int32Array(b.buffer, 0, b.buffer.byteLength >> 2);
  }
  return words;
}

/**
 * Decode `bytes` into `f` (no allocation): false when malformed, as for {@link decodeFrame}.
 * `f.body` is rewritten in place (its first `bodyFields(kind)` entries): read it before the next
 * decode. A frame that starts on a word (the worker link's ring, the encoder's slabs) is read a
 * word at a time. `unchecked`: its trailer is not checked (an `intact` link's).
 */
export function decodeInto(bytes: Uint8Array, f: FrameIn, unchecked = false): boolean {
  const w32 = wordsFor(bytes);
  if (w32 === null) return decodeBytes(bytes, f, unchecked);
  return decodeWords(bytes, w32, 0, bytes.byteOffset >> 2, bytes.length, f, unchecked);
}

/** {@link decodeInto} of the frame of `n` bytes at `at` (a multiple of 4) of `u8` and `i32` (views from one start): read in place. */
export function decodeAt(u8: Uint8Array, i32: Int32Array, at: number, n: number, f: FrameIn, unchecked: boolean): boolean {
  if (!LE || ((u8.byteOffset + at) & 3) !== 0) return decodeInto(u8.subarray(at, at + n), f, unchecked);
  return decodeWords(u8, i32, at, at >> 2, n, f, unchecked);
}

/** The frame of `n` bytes at byte `at` of `u8`, word `w` of `w32`. */
function decodeWords(u8: Uint8Array, w32: Int32Array, at: number, w: number, n: number, f: FrameIn, unchecked: boolean): boolean {
  if (n < HEADER_BYTES + TRAILER_BYTES) return false;
  const w0 = w32[w]!;
  if ((w0 & 0xff) !== FRAME_VERSION) return false;
  const kind = (w0 >>> 8) & 0xff;
  const fields = bodyFields(kind);
  if (fields < 0) return false;
  const bodyBytes = w32[w + 6]! >>> 0;
  const payloadBytes = w32[w + 7]! >>> 0;
  if (bodyBytes !== fields * 4 || HEADER_BYTES + bodyBytes + payloadBytes + TRAILER_BYTES !== n) return false;
  if (!unchecked) {
    // frameCheck, its words read as words
    const m = n - TRAILER_BYTES;
    const full = m >> 2;
    let h = 0x811c9dc5 ^ m;
    for (let i = 0; i < full; i++) {
      h = Math.imul(h ^ Math.imul(w32[w + i]!, 0xcc9e2d51), 0x01000193);
      h ^= h >>> 15;
    }
    for (let i = full * 4; i < m; i++) h = Math.imul(h ^ u8[at + i]!, 0x01000193);
    if (u32(u8, at + m) !== h >>> 0) return false;
  }
  f.kind = kind;
  f.flags = w0 >>> 16;
  f.seq = w32[w + 1]! >>> 0;
  f.ack = w32[w + 2]! >>> 0;
  f.srcInc = w32[w + 3]! >>> 0;
  f.dstInc = w32[w + 4]! >>> 0;
  f.id = w32[w + 5]!;
  // the body array keeps its length (8): fields past this kind's are stale, never read
  const body = f.body;
  for (let i = 0; i < fields; i++) body[i] = w32[w + 8 + i]!;
  f.place(u8, at + HEADER_BYTES + bodyBytes, payloadBytes, w32, w + 8 + fields);
  return true;
}

/** {@link decodeInto} a byte at a time (a frame not on a word, or a big-endian platform). */
function decodeBytes(bytes: Uint8Array, f: FrameIn, unchecked: boolean): boolean {
  if (bytes[0] !== FRAME_VERSION) return false;
  const kind = bytes[1]!;
  const fields = bodyFields(kind);
  if (fields < 0) return false;
  const bodyBytes = u32(bytes, 24);
  const payloadBytes = u32(bytes, 28);
  if (bodyBytes !== fields * 4 || HEADER_BYTES + bodyBytes + payloadBytes + TRAILER_BYTES !== bytes.length) return false;
  if (!unchecked && u32(bytes, bytes.length - TRAILER_BYTES) !== frameCheck(bytes, 0, bytes.length - TRAILER_BYTES)) return false;
  f.kind = kind;
  f.flags = bytes[2]! | (bytes[3]! << 8);
  f.seq = u32(bytes, 4);
  f.ack = u32(bytes, 8);
  f.srcInc = u32(bytes, 12);
  f.dstInc = u32(bytes, 16);
  f.id = i32(bytes, 20);
  const body = f.body;
  for (let i = 0; i < fields; i++) body[i] = i32(bytes, HEADER_BYTES + i * 4);
  f.place(bytes, HEADER_BYTES + bodyBytes, payloadBytes, null, 0);
  return true;
}

/** Decode one frame, or `null` when it is malformed: wrong version, unknown kind, wrong lengths. */
export function decodeFrame(bytes: unknown): Frame | null {
  const f = reusableFrame();
  if (!(bytes instanceof Uint8Array) || !decodeInto(bytes, f)) return null;
  const { kind, flags, seq, ack, srcInc, dstInc, id, payload } = f;
  return { kind, flags, seq, ack, srcInc, dstInc, id, body: f.body.slice(0, bodyFields(kind)), payload };
}
