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

/** What a value is, for an error message. */
function kindOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? (v.constructor?.name ?? 'an object') : typeof v;
}

/**
 * The bytes of a view given to a C macro (`SETIOV`, `msg_type`, `pulse_of`): these fill or read
 * the caller's own memory and have no errno, so a wrong argument is what JavaScript throws for
 * one, a `TypeError` (not a view, or a detached one), rather than the EFAULT of a kernel call.
 * @internal
 */
export function macroBytes(v: unknown, macro: string, what: string): Uint8Array {
  if (!ArrayBuffer.isView(v)) throw new TypeError(`${macro}: ${what} must be an ArrayBufferView, got ${kindOf(v)}`);
  try {
    return bytesOf(v);
  } catch {
    throw new TypeError(`${macro}: ${what} is a view of a detached ArrayBuffer`);
  }
}

/**
 * `SETIOV(iov, base, len)`: fill one iov entry; `len` left out is the whole of `base`. A C macro
 * with no errno: `TypeError` for an `iov` that is not an object or a `base` that is neither a
 * view nor a string, `RangeError` for a `len` that is not an integer from 0 to `base`'s length.
 */
export function SETIOV(iov: Partial<iov_t>, base: CBuffer, len?: number | bigint): void {
  if (typeof iov !== 'object' || iov === null) throw new TypeError(`SETIOV: iov must be an iov_t, got ${kindOf(iov)}`);
  const bytes = typeof base === 'string' ? cString(base) : macroBytes(base, 'SETIOV', 'base');
  let n = bytes.length;
  if (len !== undefined) {
    if (typeof len !== 'number' && typeof len !== 'bigint') throw new TypeError(`SETIOV: len must be a number, got ${kindOf(len)}`);
    n = Number(len);
    if (!Number.isInteger(n) || n < 0 || n > bytes.length) throw new RangeError(`SETIOV: len ${String(len)} is not an integer from 0 to ${bytes.length}`);
  }
  iov.iov_base = bytes;
  iov.iov_len = n;
}
