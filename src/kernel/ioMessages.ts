/**
 * The I/O messages a resource manager serves, in their QNX little-endian layouts: `_IO_CONNECT`
 * (open), `_IO_READ`, `_IO_WRITE`, `_IO_CLOSE`, `_IO_STAT`.
 * @internal
 * @packageDocumentation
 */
import { _FTYPE_NAME, _IO_CLOSE, _IO_CONNECT, _IO_CONNECT_OPEN, _IO_READ, _IO_STAT, _IO_WRITE } from './constants.js';

/** Bytes of `struct _io_read` / `struct _io_write` before the data. */
export const IO_RW_HEADER = 16;
/** Bytes of `struct _io_connect` before the path. */
export const IO_CONNECT_HEADER = 40;

const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);

/**
 * The `_IO_CONNECT` / `_IO_CONNECT_OPEN` message (`struct _io_connect` followed by the path) that
 * `name_open` (file type `_FTYPE_NAME`) and `open` (with its `ioflag` and `mode`) send.
 */
export function ioConnectMessage(path: string, fileType = _FTYPE_NAME, ioflag = 0, mode = 0): Uint8Array {
  const bytes = new TextEncoder().encode(path);
  const msg = new Uint8Array(IO_CONNECT_HEADER + bytes.length + 1);
  const dv = view(msg);
  dv.setUint16(0, _IO_CONNECT, true); // type
  dv.setUint16(2, _IO_CONNECT_OPEN, true); // subtype
  dv.setUint32(4, fileType, true); // file_type
  dv.setUint32(20, ioflag >>> 0, true);
  dv.setUint32(24, mode >>> 0, true);
  dv.setUint16(36, bytes.length + 1, true); // path_len
  msg.set(bytes, IO_CONNECT_HEADER);
  return msg;
}

/** `io_open_t` as a handler sees it. */
export interface io_open_t {
  readonly type: number;
  readonly subtype: number;
  readonly ioflag: number;
  readonly mode: number;
  readonly path: string;
}

/** Decode an `_IO_CONNECT` message (`null` if it is not one or is cut short). */
export function decodeOpen(msg: Uint8Array, msglen: number): io_open_t | null {
  if (msglen < IO_CONNECT_HEADER) return null;
  const dv = view(msg);
  if (dv.getUint16(0, true) !== _IO_CONNECT) return null;
  const pathLen = dv.getUint16(36, true);
  const end = Math.min(msglen, IO_CONNECT_HEADER + pathLen);
  const raw = msg.subarray(IO_CONNECT_HEADER, end);
  const nul = raw.indexOf(0);
  const path = new TextDecoder().decode(nul >= 0 ? raw.subarray(0, nul) : raw);
  return { type: _IO_CONNECT, subtype: dv.getUint16(2, true), ioflag: dv.getUint32(20, true), mode: dv.getUint32(24, true), path };
}

function rwHeader(type: number, nbytes: number): Uint8Array {
  const msg = new Uint8Array(IO_RW_HEADER);
  const dv = view(msg);
  dv.setUint16(0, type, true);
  dv.setInt32(4, nbytes, true);
  return msg;
}

/** `_IO_READ` asking for `nbytes`. */
export function encodeRead(nbytes: number): Uint8Array {
  return rwHeader(_IO_READ, nbytes);
}

/** `_IO_WRITE` header for `nbytes`, followed by the data (an iov: header, data). */
export function encodeWriteHeader(nbytes: number): Uint8Array {
  return rwHeader(_IO_WRITE, nbytes);
}

/** `io_read_t` / `io_write_t` as a handler sees them. */
export interface io_rw_t {
  readonly type: number;
  readonly nbytes: number;
  readonly xtype: number;
}

/** Decode the common header of `_IO_READ` / `_IO_WRITE`. */
export function decodeReadWrite(msg: Uint8Array): io_rw_t {
  const dv = view(msg);
  return { type: dv.getUint16(0, true), nbytes: dv.getInt32(4, true), xtype: dv.getUint32(8, true) };
}

/** `_IO_CLOSE`. */
export function encodeClose(): Uint8Array {
  const msg = new Uint8Array(4);
  view(msg).setUint16(0, _IO_CLOSE, true);
  return msg;
}

/** `_IO_STAT`. */
export function encodeStat(): Uint8Array {
  const msg = new Uint8Array(8);
  view(msg).setUint16(0, _IO_STAT, true);
  return msg;
}

/** The subset of `struct stat` a resource manager reports: mode, uid, gid, nlink, size. */
export interface stat_t {
  st_mode: number;
  st_uid: number;
  st_gid: number;
  st_nlink: number;
  st_size: number;
}

/** Bytes of the `stat_t` reply. */
export const STAT_SIZE = 20;

export function encodeStatReply(s: stat_t): Uint8Array {
  const b = new Uint8Array(STAT_SIZE);
  const dv = view(b);
  dv.setUint32(0, s.st_mode >>> 0, true);
  dv.setUint32(4, s.st_uid >>> 0, true);
  dv.setUint32(8, s.st_gid >>> 0, true);
  dv.setUint32(12, s.st_nlink >>> 0, true);
  dv.setUint32(16, s.st_size >>> 0, true);
  return b;
}

export function decodeStatReply(b: Uint8Array): stat_t {
  const dv = view(b);
  return { st_mode: dv.getUint32(0, true), st_uid: dv.getUint32(4, true), st_gid: dv.getUint32(8, true), st_nlink: dv.getUint32(12, true), st_size: dv.getUint32(16, true) };
}

