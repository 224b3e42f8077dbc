/**
 * Fragments of a message larger than a link's frames, collected per (kind, id) until the last one.
 * @internal
 * @packageDocumentation
 */
import { FLAG_MORE, type Frame } from './frames.js';
import type { Peer } from './Peer.js';

/**
 * Collect fragments of `f`'s message: the whole payload once its last fragment is in, `null`
 * while more are to come, `false` when the message grew past `maxBytes` (its fragments are let
 * go: a peer cannot make this node hold more than a message's limit per message).
 */
export function reassemble(peer: Peer, f: Frame, maxBytes: number): Uint8Array | null | false {
  const key = `${f.kind}:${f.id}`;
  const parts = peer.fragments.get(key);
  let n = f.payload.length;
  if (parts !== undefined) for (const p of parts) n += p.length;
  if (n > maxBytes) {
    peer.fragments.delete(key);
    return false;
  }
  if ((f.flags & FLAG_MORE) !== 0) {
    if (parts === undefined) peer.fragments.set(key, [f.payload]);
    else parts.push(f.payload);
    return null;
  }
  if (parts === undefined) return f.payload;
  peer.fragments.delete(key);
  parts.push(f.payload);
  const whole = new Uint8Array(n);
  let at = 0;
  for (const p of parts) { whole.set(p, at); at += p.length; }
  return whole;
}
