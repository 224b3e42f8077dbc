/**
 * A NATS domain's key (qnet.md §6.10): every message between its nodes ends with a 16-byte tag,
 * HMAC-SHA-256 (`node:crypto`) truncated to 16 bytes, over the domain, the message's kind, its
 * destination and the whole message before the tag (which names the sender and carries its
 * stream ids or epoch, its sequence or nonce, and the payload). A message is checked before
 * anything in it is read, so a forged or corrupted one changes nothing.
 * @internal
 * @packageDocumentation
 */
import { createHmac } from 'node:crypto';

/** Bytes of the tag at the end of every message of a keyed domain. */
export const TAG_BYTES = 16;

/** The kinds of NATS message a tag binds (one byte each, so one kind's tag is never another's). */
export const KIND = {
  /** A batch of frames, on `f.<to>`. */
  batch: 0x66,
  /** A sync request (probe), on `hb.<to>`. */
  sync: 0x71,
  /** The reply to a sync request, to the requester. */
  synced: 0x72,
  /** A node joined, on `hello` (to `*`). */
  hello: 0x68,
  /** A node leaves, on `bye` (to `*`). */
  bye: 0x62,
  /** Who serves a global name, on `svc.<hex>` (to the hex token). */
  lookup: 0x73,
  /** A provider's answer, to the requester. */
  found: 0x61,
} as const;

const enc = new TextEncoder();

/** The smallest key taken: 16 bytes (a string counts its UTF-8 bytes). */
export const MIN_KEY_BYTES = 16;

/** The key as bytes, or null when it is too short or not a string or bytes. */
export function keyBytes(key: unknown): Uint8Array | null {
  const k = typeof key === 'string' ? enc.encode(key) : key;
  return k instanceof Uint8Array && k.length >= MIN_KEY_BYTES ? k : null;
}

/** Signs and checks the messages of one domain with its key. */
export class NatsAuth {
  private readonly key: Uint8Array;
  private readonly domain: Uint8Array;

  constructor(key: Uint8Array, domain: string) {
    this.key = Uint8Array.from(key); // a copy: the caller's buffer may change later
    this.domain = enc.encode(domain);
  }

  /** What a tag binds besides the message: its kind, the domain and the destination. */
  scope(kind: number, to: string): Uint8Array {
    const t = enc.encode(to);
    const d = this.domain;
    const out = new Uint8Array(5 + d.length + t.length);
    const dv = new DataView(out.buffer);
    out[0] = kind;
    dv.setUint16(1, d.length, true);
    out.set(d, 3);
    dv.setUint16(3 + d.length, t.length, true);
    out.set(t, 5 + d.length);
    return out;
  }

  /** Write the tag of `msg` (everything before its last {@link TAG_BYTES}) into those bytes. */
  sign(scope: Uint8Array, msg: Uint8Array): Uint8Array {
    const end = msg.length - TAG_BYTES;
    msg.set(this.tag(scope, msg.subarray(0, end)), end);
    return msg;
  }

  /** Whether `msg` ends with the tag of what precedes it (false for a message too short to have one). */
  check(scope: Uint8Array, msg: Uint8Array): boolean {
    if (msg.length < TAG_BYTES) return false;
    const end = msg.length - TAG_BYTES;
    const tag = this.tag(scope, msg.subarray(0, end));
    let diff = 0; // every byte compared, whatever differs (no early exit: constant time)
    for (let i = 0; i < TAG_BYTES; i++) diff |= tag[i]! ^ msg[end + i]!;
    return diff === 0;
  }

  private tag(scope: Uint8Array, body: Uint8Array): Uint8Array {
    return createHmac('sha256', this.key).update(scope).update(body).digest().subarray(0, TAG_BYTES);
  }
}
