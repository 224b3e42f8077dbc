/**
 * C buffers in JavaScript: `(buf, size)` pairs, C strings and `iov_t` arrays.
 * @packageDocumentation
 */

import { KernelError } from '../kernel/index.js';
import { isDetached } from '../kernel/buffers.js';

/** EFAULT, C's answer to a pointer that is not a buffer: the C call returns -1 with errno set. */
function badAddress(what: string): KernelError {
  return new KernelError('EFAULT', 'buffer', undefined, { cause: what });
}

/** A C `size_t`/`int` count: a number or bigint (EINVAL for anything else, or NaN). */
function count(v: unknown, what: string): number {
  const n = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : Number.NaN;
  if (Number.isNaN(n)) throw new KernelError('EINVAL', 'buffer', undefined, { cause: `${what} must be a number` });
  return n;
}

/** `iov_t`: one part of a gather/scatter buffer. */
export interface iov_t {
  iov_base: Uint8Array;
  iov_len: number;
}

/** What a C `const void *` send buffer may be in JS: bytes, or a string (UTF-8 plus a NUL). */
export type CBuffer = ArrayBufferView | string;

const encoder = new TextEncoder();

/** The bytes of a view (no copy); EFAULT for anything that is not an `ArrayBufferView`. */
export function bytesOf(v: ArrayBufferView): Uint8Array {
  if (v instanceof Uint8Array) {
    if (v.length === 0 && isDetached(v)) throw badAddress('a detached ArrayBuffer');
    return v;
  }
  if (!ArrayBuffer.isView(v)) throw badAddress('not an ArrayBufferView');
  try {
    return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  } catch {
    throw badAddress('a detached ArrayBuffer');
  }
}

/** A C string's bytes: UTF-8 followed by a NUL. */
export function cString(s: string): Uint8Array {
  const b = encoder.encode(s);
  const out = new Uint8Array(b.length + 1);
  out.set(b);
  return out;
}

/** A `(buf, size)` pair as bytes; `size` omitted means the whole buffer, larger sizes are clipped. */
export function cBuf(buf: CBuffer | null | undefined, size?: number | bigint): Uint8Array {
  if (buf === null || buf === undefined) return new Uint8Array(0);
  if (typeof buf !== 'string' && !ArrayBuffer.isView(buf)) throw badAddress('a buffer must be an ArrayBufferView or a string');
  const bytes = typeof buf === 'string' ? cString(buf) : bytesOf(buf);
  if (size === undefined) return bytes;
  const n = count(size, 'size');
  if (n < 0) return bytes.subarray(0, 0);
  return n >= bytes.length ? bytes : bytes.subarray(0, n);
}

/** An `iov_t[]` with `parts` entries as kernel buffers (each part clipped to `iov_len`). */
export function cIov(iov: readonly iov_t[] | null, parts?: number): Uint8Array[] {
  if (iov === null || iov === undefined) return [];
  if (!Array.isArray(iov)) throw badAddress('an iov must be an array of iov_t');
  const n = parts === undefined ? iov.length : Math.max(0, Math.min(Math.trunc(count(parts, 'parts')), iov.length));
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const part: unknown = iov[i];
    if (typeof part !== 'object' || part === null) throw badAddress(`iov[${i}] is not an iov_t`);
    const { iov_base, iov_len } = part as iov_t;
    const base = bytesOf(iov_base);
    const len = count(iov_len, 'iov_len');
    out.push(len >= base.length ? base : base.subarray(0, Math.max(0, Math.trunc(len))));
  }
  return out;
}

/** `strlen`: the number of UTF-8 bytes of a string, up to its first NUL. */
export function strlen(s: string | Uint8Array): number {
  if (typeof s === 'string') {
    const nul = s.indexOf('\0');
    return encoder.encode(nul < 0 ? s : s.slice(0, nul)).length;
  }
  const nul = s.indexOf(0);
  return nul < 0 ? s.length : nul;
}

/** `SETIOV(iov, base, len)`: fill one iov entry. */
export function SETIOV(iov: Partial<iov_t>, base: CBuffer, len?: number): void {
  const bytes = typeof base === 'string' ? cString(base) : bytesOf(base);
  iov.iov_base = bytes;
  iov.iov_len = len ?? bytes.length;
}
