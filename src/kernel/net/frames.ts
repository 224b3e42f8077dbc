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

/** The body length (int32 fields) of `kind`, or -1 for an unknown kind. */
export function bodyFields(kind: number): number {
  return BODY[kind] ?? -1;
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

