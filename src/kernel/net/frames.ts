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

let slab = new ArrayBuffer(SLAB_BYTES);
let slabView = new DataView(slab);
let slabAt = 0;

/**
 * Encode `f`. The result is a view of a buffer that may be shared with other frames (cut from a
 * slab, never reused: a view keeps its slab alive), so a link may keep it as long as it likes
 * but must copy it before transferring its buffer.
 */
export function encodeFrame(f: Frame): Uint8Array {
  return encodeParts(f.kind, f.flags, f.seq, f.ack, f.srcInc, f.dstInc, f.id, f.body, f.payload);
}

/** {@link encodeFrame} from the frame's fields (no frame object on the node's hot path). */
export function encodeParts(
  kind: number, flags: number, seq: number, ack: number, srcInc: number, dstInc: number, id: number, body: readonly number[], payload: Uint8Array,
): Uint8Array {
  const fields = bodyFields(kind);
  if (fields < 0 || body.length !== fields) throw new RangeError(`frame kind ${kind} takes ${fields} body fields, got ${body.length}`);
  const bodyBytes = fields * 4;
  const n = HEADER_BYTES + bodyBytes + payload.length + TRAILER_BYTES;
  let ab: ArrayBuffer;
  let dv: DataView;
  let at: number;
  if (n > SLAB_MAX_FRAME) {
    ab = new ArrayBuffer(n);
    dv = new DataView(ab);
    at = 0;
  } else {
    if (slabAt + n > SLAB_BYTES) {
      slab = new ArrayBuffer(SLAB_BYTES);
      slabView = new DataView(slab);
      slabAt = 0;
    }
    ab = slab;
    dv = slabView;
    at = slabAt;
    // 4-byte aligned starts keep every field aligned
    slabAt += (n + 3) & ~3;
  }
  dv.setUint8(at, FRAME_VERSION);
  dv.setUint8(at + 1, kind);
  dv.setUint16(at + 2, flags, true);
  dv.setUint32(at + 4, seq >>> 0, true);
  dv.setUint32(at + 8, ack >>> 0, true);
  dv.setUint32(at + 12, srcInc >>> 0, true);
  dv.setUint32(at + 16, dstInc >>> 0, true);
  dv.setInt32(at + 20, id | 0, true);
  dv.setUint32(at + 24, bodyBytes, true);
  dv.setUint32(at + 28, payload.length, true);
  for (let i = 0; i < fields; i++) dv.setInt32(at + HEADER_BYTES + i * 4, body[i]! | 0, true);
  const out = new Uint8Array(ab, at, n);
  if (payload.length > 0) out.set(payload, HEADER_BYTES + bodyBytes);
  dv.setUint32(at + n - TRAILER_BYTES, frameCheck(out, 0, n - TRAILER_BYTES), true);
  return out;
}

const u32 = (b: Uint8Array, i: number): number => (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
const i32 = (b: Uint8Array, i: number): number => b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);

/** A frame object a node decodes into again and again (its `body` has room for every kind). */
export function reusableFrame(): Frame & { body: number[] } {
  return { kind: 0, flags: 0, seq: 0, ack: 0, srcInc: 0, dstInc: 0, id: 0, body: [0, 0, 0, 0, 0, 0, 0, 0], payload: EMPTY };
}

/**
 * Decode `bytes` into `f` (no allocation but the payload's view): false when malformed, as for
 * {@link decodeFrame}. `f.body` is rewritten in place (its first `bodyFields(kind)` entries):
 * read it before the next decode.
 */
export function decodeInto(bytes: Uint8Array, f: Frame & { body: number[] }): boolean {
  if (bytes.length < HEADER_BYTES || bytes[0] !== FRAME_VERSION) return false;
  const kind = bytes[1]!;
  const fields = bodyFields(kind);
  if (fields < 0) return false;
  const bodyBytes = u32(bytes, 24);
  const payloadBytes = u32(bytes, 28);
  if (bodyBytes !== fields * 4 || HEADER_BYTES + bodyBytes + payloadBytes + TRAILER_BYTES !== bytes.length) return false;
  if (u32(bytes, bytes.length - TRAILER_BYTES) !== frameCheck(bytes, 0, bytes.length - TRAILER_BYTES)) return false;
  f.kind = kind;
  f.flags = bytes[2]! | (bytes[3]! << 8);
  f.seq = u32(bytes, 4);
  f.ack = u32(bytes, 8);
  f.srcInc = u32(bytes, 12);
  f.dstInc = u32(bytes, 16);
  f.id = i32(bytes, 20);
  // the body array keeps its length (8): fields past this kind's are stale, never read
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
