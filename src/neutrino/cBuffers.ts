/**
 * C buffers in JavaScript: `(buf, size)` pairs, C strings and `iov_t` arrays.
 * @packageDocumentation
 */

/** `iov_t`: one part of a gather/scatter buffer. */
export interface iov_t {
  iov_base: Uint8Array;
  iov_len: number;
}

/** What a C `const void *` send buffer may be in JS: bytes, or a string (UTF-8 plus a NUL). */
export type CBuffer = ArrayBufferView | string;

const encoder = new TextEncoder();

/** The bytes of a view (no copy). */
export function bytesOf(v: ArrayBufferView): Uint8Array {
  return v instanceof Uint8Array ? v : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
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
  if (typeof buf !== 'string' && !ArrayBuffer.isView(buf)) throw new TypeError('a buffer must be an ArrayBufferView or a string');
  const bytes = typeof buf === 'string' ? cString(buf) : bytesOf(buf);
  if (size === undefined) return bytes;
  const n = Number(size);
  if (!Number.isFinite(n) || n < 0) return bytes.subarray(0, 0);
  return n >= bytes.length ? bytes : bytes.subarray(0, n);
}

/** An `iov_t[]` with `parts` entries as kernel buffers (each part clipped to `iov_len`). */
export function cIov(iov: readonly iov_t[] | null, parts?: number): Uint8Array[] {
  if (iov === null) return [];
  if (!Array.isArray(iov)) throw new TypeError('an iov must be an array of iov_t');
  const n = parts === undefined ? iov.length : Math.max(0, Math.min(parts, iov.length));
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const part = iov[i]!;
    const base = bytesOf(part.iov_base);
    out.push(part.iov_len >= base.length ? base : base.subarray(0, Math.max(0, part.iov_len)));
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
