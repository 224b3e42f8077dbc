/**
 * The node frames (qnet.md §3.3–3.4): a 32-byte little-endian header, a fixed body of int32
 * fields per kind, the payload, then a 4-byte check of all of it. `decodeFrame` never throws: a malformed, truncated or
 * unknown frame is `null` (the net manager drops and counts it).
 * @internal
 * @packageDocumentation
 */

/** The wire version this kernel speaks. */
export const FRAME_VERSION = 1;
/** Bytes of the fixed header. */
export const HEADER_BYTES = 32;
/** Bytes of the trailer: a 32-bit check of everything before it. */
export const TRAILER_BYTES = 4;

/**
 * The frame's check (32 bits, FNV-style over 4-byte words, over `n` bytes of `b` from `at`): a frame whose header,
 * body or payload was corrupted on its way is dropped as malformed instead of misleading the
 * node (a corrupted xid would leave a call waiting for a reply that went elsewhere). Not a MAC:
 * against forgery, give the link a key.
 */
export function frameCheck(b: Uint8Array, at: number, n: number): number {
  // four bytes a step (a murmur-style mix per word), then the tail byte by byte
  let h = 0x811c9dc5 ^ n;
  const end = at + n;
  let i = at;
  for (; i + 4 <= end; i += 4) {
    const w = b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
    h = Math.imul(h ^ Math.imul(w, 0xcc9e2d51), 0x01000193);
    h ^= h >>> 15;
  }
  for (; i < end; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h >>> 0;
}

/** Frame kinds (u8 at offset 1). */
export const F = {
  HELLO: 1,
  HEARTBEAT: 2,
  HEARTBEAT_ACK: 3,
  CONNECT: 4,
  CONNECTED: 5,
  CONNECT_FAIL: 6,
  SEND: 7,
  RECEIVED: 8,
  REQUEUED: 9,
  REPLY: 10,
  ERROR: 11,
  UNBLOCK: 12,
  TIMEOUT: 13,
  CANCEL: 14,
  PULSE: 15,
  EVENT: 16,
  DETACH: 17,
  CHANNEL_GONE: 18,
  RESOLVE: 19,
  RESOLVED: 20,
  NAME_ADD: 21,
  NAME_DEL: 22,
  CREDIT: 23,
  ASYNC_BATCH: 24,
  ASYNC_CONSUMED: 25,
  SNAPSHOT_REQUEST: 26,
  SNAPSHOT: 27,
} as const;

/** Header flags (u16 at offset 2). */
export const FLAG_MORE = 1;
export const FLAG_EXPIRED = 2;
export const FLAG_LAST_REF = 4;
/** SEND: the client's reply buffer grows to the whole reply (the binding's default). */
export const FLAG_GROW = 8;

/** int32 fields of each kind's body, in order (the body is exactly this long). */
const BODY: Readonly<Record<number, number>> = {
  [F.HELLO]: 4, // maxFrameBytes, heartbeatMs, missed, incarnation; payload: node name (srcInc: the sender's session nonce, dstInc: ours it acknowledges)
  [F.HEARTBEAT]: 0, // id: the ping number (answered by HEARTBEAT_ACK with it: the round trip)
  [F.HEARTBEAT_ACK]: 0,
  [F.CONNECT]: 5, // server pid, chid, client pid, client uid, gid
  [F.CONNECTED]: 2, // scoid, channel flags
  [F.CONNECT_FAIL]: 1, // errno
  [F.SEND]: 8, // cid, tid, coid, priority, timeout flags, slen, rlen, srcnd; payload: the message
  [F.RECEIVED]: 0,
  [F.REQUEUED]: 0,
  [F.REPLY]: 2, // status, aux; payload: reply bytes
  [F.ERROR]: 2, // errno, aux; payload: bytes MsgWrite'd before the error
  [F.UNBLOCK]: 1, // errno
  [F.TIMEOUT]: 1, // timeout flags
  [F.CANCEL]: 0,
  [F.PULSE]: 3, // code, priority, value
  [F.EVENT]: 4, // coid, priority, code, value (id: the client pid)
  [F.DETACH]: 0,
  [F.CHANNEL_GONE]: 0,
  [F.RESOLVE]: 0, // payload: path
  [F.RESOLVED]: 3, // errno, pid, chid
  [F.NAME_ADD]: 2, // pid, chid; payload: name
  [F.NAME_DEL]: 2, // pid, chid; payload: name
  [F.CREDIT]: 1, // frames returned to the window
  [F.ASYNC_BATCH]: 4, // coid (the sender's), messages, ring size (max_num_buffer), server chid; payload: (len u32, handle u32, bytes)…
  [F.ASYNC_CONSUMED]: 1, // messages taken, in put order; payload: one byte each, 1 when it was truncated (EMSGSIZE)
  [F.SNAPSHOT_REQUEST]: 0, // id: the request id (snapshotService.ts)
  [F.SNAPSHOT]: 1, // 0 (reserved: an errno); id: the request id; payload: the snapshot as JSON
};

/** A decoded (or to-be-encoded) frame. `payload` of a decoded frame is a view of its bytes. */
export interface Frame {
  kind: number;
  flags: number;
  seq: number;
  ack: number;
  /** The sender's session nonce (its half of the session; see `Session.mine`). */
  srcInc: number;
  /** The receiver's session nonce this frame belongs to (in HELLO: the one it acknowledges, or 0). */
  dstInc: number;
  /** xid (sends), cid (connections), pid (events), request id (resolves). */
  id: number;
  body: readonly number[];
  payload: Uint8Array;
}

const EMPTY = new Uint8Array(0);

/** The body length (int32 fields) of `kind`, or -1 for an unknown kind. */
export function bodyFields(kind: number): number {
  return BODY[kind] ?? -1;
}

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

/**
 * {@link encodeFrame} from the frame's fields (no frame object on the node's hot path); with
 * `unchecked`, its trailer is left 0 (for an `intact` link, whose other end does not check it).
 */
export function encodeParts(
  kind: number, flags: number, seq: number, ack: number, srcInc: number, dstInc: number, id: number, body: readonly number[], payload: Uint8Array,
  unchecked = false,
): Uint8Array {
  const fields = bodyFields(kind);
  if (fields < 0 || body.length !== fields) throw new RangeError(`frame kind ${kind} takes ${fields} body fields, got ${body.length}`);
  const n = HEADER_BYTES + fields * 4 + payload.length + TRAILER_BYTES;
  if (!LE) return encodeBytes(kind, flags, seq, ack, srcInc, dstInc, id, body, payload, n);
  let u8 = slabU8;
  let i32 = slabI32;
  let at = 0;
  if (n > SLAB_MAX_FRAME) {
    const ab = new ArrayBuffer((n + 3) & ~3);
    u8 = new Uint8Array(ab);
    i32 = new Int32Array(ab);
  } else at = cut(n);
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
  if (unchecked) return new Uint8Array(u8.buffer, at, n);
  // frameCheck's words read as words (the same little-endian values)
  const m = n - TRAILER_BYTES;
  const words = m >> 2;
  let h = 0x811c9dc5 ^ m;
  for (let i = 0; i < words; i++) {
    h = Math.imul(h ^ Math.imul(i32[w + i]!, 0xcc9e2d51), 0x01000193);
    h ^= h >>> 15;
  }
  for (let i = at + words * 4; i < at + m; i++) h = Math.imul(h ^ u8[i]!, 0x01000193);
  u8[at + m] = h;
  u8[at + m + 1] = h >>> 8;
  u8[at + m + 2] = h >>> 16;
  u8[at + m + 3] = h >>> 24;
  return new Uint8Array(u8.buffer, at, n);
}

/** {@link encodeParts} a byte at a time (a big-endian platform). */
function encodeBytes(
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

/** A frame object a node decodes into again and again (its `body` has room for every kind). */
export function reusableFrame(): Frame & { body: number[] } {
  return { kind: 0, flags: 0, seq: 0, ack: 0, srcInc: 0, dstInc: 0, id: 0, body: [0, 0, 0, 0, 0, 0, 0, 0], payload: EMPTY };
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
 * Decode `bytes` into `f` (no allocation but the payload's view): false when malformed, as for
 * {@link decodeFrame}. `f.body` is rewritten in place (its first `bodyFields(kind)` entries):
 * read it before the next decode. A frame that starts on a word (the worker link's ring, the
 * encoder's slabs) is read a word at a time. `unchecked`: its trailer is not checked (an
 * `intact` link's).
 */
export function decodeInto(bytes: Uint8Array, f: Frame & { body: number[] }, unchecked = false): boolean {
  const n = bytes.length;
  if (n < HEADER_BYTES + TRAILER_BYTES) return false;
  const w32 = wordsFor(bytes);
  if (w32 === null) return decodeBytes(bytes, f, unchecked);
  const w = bytes.byteOffset >> 2;
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
    for (let i = full * 4; i < m; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
    if (u32(bytes, m) !== h >>> 0) return false;
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
  f.payload = payloadBytes === 0 ? EMPTY : new Uint8Array(bytes.buffer, bytes.byteOffset + HEADER_BYTES + bodyBytes, payloadBytes);
  return true;
}

/** {@link decodeInto} a byte at a time (a frame not on a word, or a big-endian platform). */
function decodeBytes(bytes: Uint8Array, f: Frame & { body: number[] }, unchecked: boolean): boolean {
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
  const start = HEADER_BYTES + bodyBytes;
  f.payload = payloadBytes === 0 ? EMPTY : new Uint8Array(bytes.buffer, bytes.byteOffset + start, payloadBytes);
  return true;
}

/** Decode one frame, or `null` when it is malformed: wrong version, unknown kind, wrong lengths. */
export function decodeFrame(bytes: unknown): Frame | null {
  if (!(bytes instanceof Uint8Array) || bytes.length < HEADER_BYTES) return null;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint8(0) !== FRAME_VERSION) return null;
  const kind = dv.getUint8(1);
  const fields = bodyFields(kind);
  if (fields < 0) return null;
  const bodyBytes = dv.getUint32(24, true);
  const payloadBytes = dv.getUint32(28, true);
  if (bodyBytes !== fields * 4 || HEADER_BYTES + bodyBytes + payloadBytes + TRAILER_BYTES !== bytes.length) return null;
  if (dv.getUint32(bytes.length - TRAILER_BYTES, true) !== frameCheck(bytes, 0, bytes.length - TRAILER_BYTES)) return null;
  const body: number[] = [];
  for (let i = 0; i < fields; i++) body.push(dv.getInt32(HEADER_BYTES + i * 4, true));
  const start = HEADER_BYTES + bodyBytes;
  return {
    kind,
    flags: dv.getUint16(2, true),
    seq: dv.getUint32(4, true),
    ack: dv.getUint32(8, true),
    srcInc: dv.getUint32(12, true),
    dstInc: dv.getUint32(16, true),
    id: dv.getInt32(20, true),
    body,
    payload: payloadBytes === 0 ? EMPTY : bytes.subarray(start, start + payloadBytes),
  };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });

/** UTF-8 bytes of a name or path. */
export function textBytes(s: string): Uint8Array {
  return encoder.encode(s);
}

/** A name or path from UTF-8 bytes. */
export function bytesText(b: Uint8Array): string {
  return decoder.decode(b);
}
