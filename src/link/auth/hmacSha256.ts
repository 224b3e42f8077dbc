/**
 * HMAC-SHA-256 (RFC 2104, FIPS 180-4) in plain TypeScript, synchronous and dependency-free, so a
 * link that runs anywhere (virtual time, a browser) can authenticate its frames. Checked against
 * `node:crypto` in `spec/link/auth.spec.ts`.
 * @internal
 * @packageDocumentation
 */

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
const W = new Uint32Array(64);

/** One 64-byte block of `b` at `at` into the state `h`. */
function block(h: Uint32Array, b: Uint8Array, at: number): void {
  for (let i = 0; i < 16; i++) {
    const j = at + i * 4;
    W[i] = (b[j]! << 24) | (b[j + 1]! << 16) | (b[j + 2]! << 8) | b[j + 3]!;
  }
  for (let i = 16; i < 64; i++) {
    const a = W[i - 15]!;
    const c = W[i - 2]!;
    const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
    const s1 = ((c >>> 17) | (c << 15)) ^ ((c >>> 19) | (c << 13)) ^ (c >>> 10);
    W[i] = (W[i - 16]! + s0 + W[i - 7]! + s1) | 0;
  }
  let a = h[0]!, bb = h[1]!, c = h[2]!, d = h[3]!, e = h[4]!, f = h[5]!, g = h[6]!, hh = h[7]!;
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (hh + S1 + ((e & f) ^ (~e & g)) + K[i]! + W[i]!) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & bb) ^ (a & c) ^ (bb & c))) | 0;
    hh = g; g = f; f = e; e = (d + t1) | 0; d = c; c = bb; bb = a; a = (t1 + t2) | 0;
  }
  h[0] = (h[0]! + a) | 0; h[1] = (h[1]! + bb) | 0; h[2] = (h[2]! + c) | 0; h[3] = (h[3]! + d) | 0;
  h[4] = (h[4]! + e) | 0; h[5] = (h[5]! + f) | 0; h[6] = (h[6]! + g) | 0; h[7] = (h[7]! + hh) | 0;
}

/** SHA-256 of the concatenation of `parts`, continuing from state `h` after `done` bytes. */
function digest(h: Uint32Array, done: number, parts: readonly Uint8Array[]): Uint8Array {
  let total = done;
  for (const p of parts) total += p.length;
  const tailLen = ((total + 9 + 63) & ~63) - total;
  const buf = new Uint8Array(64);
  let fill = 0;
  const feed = (p: Uint8Array): void => {
    let i = 0;
    if (fill > 0) {
      const n = Math.min(64 - fill, p.length);
      buf.set(p.subarray(0, n), fill);
      fill += n;
      i = n;
      if (fill < 64) return;
      block(h, buf, 0);
      fill = 0;
    }
    for (; i + 64 <= p.length; i += 64) block(h, p, i);
    if (i < p.length) {
      buf.set(p.subarray(i), 0);
      fill = p.length - i;
    }
  };
  for (const p of parts) feed(p);
  const tail = new Uint8Array(tailLen);
  tail[0] = 0x80;
  const bits = total * 8;
  const dv = new DataView(tail.buffer);
  dv.setUint32(tailLen - 8, Math.floor(bits / 0x100000000), false);
  dv.setUint32(tailLen - 4, bits >>> 0, false);
  feed(tail);
  const out = new Uint8Array(32);
  const odv = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) odv.setUint32(i * 4, h[i]!, false);
  return out;
}

/** SHA-256 of the concatenation of `parts`. */
export function sha256(...parts: Uint8Array[]): Uint8Array {
  return digest(Uint32Array.from(IV), 0, parts);
}

/** A keyed HMAC-SHA-256: `mac(...parts)` over the concatenation of `parts` (inner and outer pads computed once). */
export function hmacSha256(key: Uint8Array): (...parts: Uint8Array[]) => Uint8Array {
  const k = key.length > 64 ? sha256(key) : key;
  const pad = new Uint8Array(64);
  const inner = Uint32Array.from(IV);
  const outer = Uint32Array.from(IV);
  pad.set(k);
  for (let i = 0; i < 64; i++) pad[i]! ^= 0x36;
  block(inner, pad, 0);
  for (let i = 0; i < 64; i++) pad[i]! ^= 0x36 ^ 0x5c;
  block(outer, pad, 0);
  return (...parts) => digest(outer.slice(), 64, [digest(inner.slice(), 64, parts)]);
}

/** `a` and `b` equal, in time that does not depend on where they differ. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}
