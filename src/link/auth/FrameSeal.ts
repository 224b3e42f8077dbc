/**
 * Sealed frames for a link of two ends that share a key: each frame leaves with a trailer of its
 * number on the link (u32, per direction) and a 16-byte HMAC-SHA-256 over the direction, the
 * number and the frame; the receiving end takes a frame only when its MAC is valid and its number
 * is past the last one taken. So a forged, corrupted or replayed frame is dropped before the node
 * sees it (and counted by the caller), and changes nothing.
 * @internal
 * @packageDocumentation
 */
import { equalBytes, hmacSha256 } from './hmacSha256.js';

/** Bytes a seal adds to a frame: the number (4) and the MAC (16). */
export const SEAL_BYTES = 20;
const MAC_BYTES = 16;

/** The key as bytes (a string is taken as UTF-8). */
export function keyBytes(key: string | Uint8Array): Uint8Array {
  const k = typeof key === 'string' ? new TextEncoder().encode(key) : key;
  if (!(k instanceof Uint8Array) || k.length < 16) throw new TypeError('a link key must be at least 16 bytes (or a string of at least 16 UTF-8 bytes)');
  return k;
}

/** One direction's sealing (sender) or checking (receiver) state. */
export class FrameSeal {
  private readonly mac: (...parts: Uint8Array[]) => Uint8Array;
  private readonly label: Uint8Array;
  private next = 1;
  private last = 0;

  /** `direction` names the way frames go (e.g. `a>b`): a frame sealed one way is refused the other. */
  constructor(key: Uint8Array, direction: string) {
    this.mac = hmacSha256(key);
    this.label = new TextEncoder().encode(`rxnto-link\0${direction}\0`);
  }

  /** The frame with its trailer. */
  seal(frame: Uint8Array): Uint8Array {
    const out = new Uint8Array(frame.length + SEAL_BYTES);
    out.set(frame);
    const n = new Uint8Array(out.buffer, frame.length, 4);
    new DataView(out.buffer).setUint32(frame.length, this.next++ >>> 0, true);
    out.set(this.mac(this.label, n, frame).subarray(0, MAC_BYTES), frame.length + 4);
    return out;
  }

  /** The frame inside `sealed`, or why it is refused. */
  open(sealed: Uint8Array): Uint8Array | 'unauthenticated' | 'replayed' {
    if (sealed.length < SEAL_BYTES) return 'unauthenticated';
    const end = sealed.length - SEAL_BYTES;
    const frame = sealed.subarray(0, end);
    const n = sealed.subarray(end, end + 4);
    if (!equalBytes(this.mac(this.label, n, frame).subarray(0, MAC_BYTES), sealed.subarray(end + 4))) return 'unauthenticated';
    const num = new DataView(sealed.buffer, sealed.byteOffset + end, 4).getUint32(0, true);
    if (num <= this.last) return 'replayed';
    this.last = num;
    return frame;
  }
}
