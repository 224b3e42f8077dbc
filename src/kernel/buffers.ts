/** A message buffer: one `Uint8Array`, or an iov (an array of them, gathered in order). */
export type Buffers = Uint8Array | readonly Uint8Array[];

import { KernelError } from './KernelError.js';
import { ERRNO } from './errno.js';

/**
 * Total length of `b` for kernel call `call`, which fails with EFAULT (C's bad address) when `b`
 * is neither a `Uint8Array` nor an array of them: untyped callers get the errno, not a TypeError.
 */
export function checkedLength(b: Buffers, call: string): number {
  if (b instanceof Uint8Array) {
    if (b.length === 0 && isDetached(b)) throw new KernelError(ERRNO.EFAULT, call, undefined, { cause: 'a detached ArrayBuffer' });
    return b.length;
  }
  if (!Array.isArray(b)) throw new KernelError(ERRNO.EFAULT, call, undefined, { cause: 'not a Uint8Array or an iov' });
  let n = 0;
  for (let i = 0; i < b.length; i++) {
    const part: unknown = b[i];
    if (!(part instanceof Uint8Array)) throw new KernelError(ERRNO.EFAULT, call, undefined, { cause: `iov part ${i} is not a Uint8Array` });
    if (part.length === 0 && isDetached(part)) throw new KernelError(ERRNO.EFAULT, call, undefined, { cause: `iov part ${i} is a detached ArrayBuffer` });
    n += part.length;
  }
  return n;
}

/**
 * Whether `u` views a detached (transferred) ArrayBuffer. Only an empty view can be one, so
 * callers test `length === 0` first; the probe is the one operation a detached view refuses.
 */
export function isDetached(u: Uint8Array): boolean {
  if (u.byteLength !== 0 || u.buffer.byteLength !== 0) return false;
  try {
    u.subarray(0, 0);
    return false;
  } catch {
    return true;
  }
}

/** Total length in bytes of a buffer or iov. */
export function byteLength(b: Buffers): number {
  if (b instanceof Uint8Array) return b.length;
  let n = 0;
  for (let i = 0; i < b.length; i++) n += b[i]!.length;
  return n;
}

/**
 * Copy up to `max` bytes from `src` (starting at byte `srcOff`) into `dst` (starting at `dstOff`),
 * walking iov parts on both sides. Returns the number of bytes copied, which is bounded by what
 * is left on either side: this is the kernel's truncation rule.
 */
export function copyBuffers(src: Buffers, srcOff: number, dst: Buffers, dstOff: number, max: number): number {
  // a one-part iov is its part (the binding's growing reply buffers are one-part iovs)
  if (!(dst instanceof Uint8Array) && dst.length === 1) dst = dst[0]!;
  if (!(src instanceof Uint8Array) && src.length === 1) src = src[0]!;
  if (src instanceof Uint8Array && dst instanceof Uint8Array) {
    const n = Math.max(0, Math.min(max, src.length - srcOff, dst.length - dstOff));
    if (n === 0) return 0;
    // the whole source is the common case: no subarray view to allocate
    dst.set(srcOff === 0 && n === src.length ? src : src.subarray(srcOff, srcOff + n), dstOff);
    return n;
  }
  const s = src instanceof Uint8Array ? [src] : src;
  const d = dst instanceof Uint8Array ? [dst] : dst;
  let si = 0;
  let so = srcOff;
  while (si < s.length && so >= s[si]!.length) so -= s[si++]!.length;
  let di = 0;
  let dOff = dstOff;
  while (di < d.length && dOff >= d[di]!.length) dOff -= d[di++]!.length;
  let copied = 0;
  while (copied < max && si < s.length && di < d.length) {
    const sp = s[si]!;
    const dp = d[di]!;
    const n = Math.min(max - copied, sp.length - so, dp.length - dOff);
    // an empty part (or one detached since the call began) holds nothing: never touch it
    if (n > 0) dp.set(sp.subarray(so, so + n), dOff);
    copied += n;
    so += n;
    dOff += n;
    if (so === sp.length) { si++; so = 0; }
    if (dOff === dp.length) { di++; dOff = 0; }
  }
  return copied;
}

/**
 * `Uint8Array.prototype.set`, called through `.call`: optimised code looks `dst.set` up with a
 * generic property load on every call (it lives on `%TypedArray%.prototype`), this constant not.
 */
const typedSet = Uint8Array.prototype.set;

/**
 * `copyBuffers(src, 0, dst, 0, max)`, small enough to be inlined where messages move: a whole
 * buffer into a roomier one (the common case) is copied here, anything else by `copyBuffers`.
 */
export function copyFromStart(src: Buffers, dst: Buffers, max: number): number {
  if (src instanceof Uint8Array && dst instanceof Uint8Array) {
    const n = src.length;
    if (n <= max && n <= dst.length) {
      if (n > 0) typedSet.call(dst, src);
      return n;
    }
  }
  return copyBuffers(src, 0, dst, 0, max);
}

/** The first part of a buffer (for the pulse-size check, which looks at part 0 only). */
export function firstPart(b: Buffers): Uint8Array | undefined {
  return b instanceof Uint8Array ? b : b[0];
}
