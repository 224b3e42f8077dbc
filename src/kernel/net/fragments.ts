/**
 * Fragments of a message larger than a link's frames, collected per (kind, id) until the last one.
 * @internal
 * @packageDocumentation
 */
import { FLAG_MORE, type Frame } from './frames.js';
import type { Peer } from './Peer.js';

/** Collect fragments of `f`'s message; the whole payload once its last fragment is in. */
export function reassemble(peer: Peer, f: Frame): Uint8Array | null {
  const key = `${f.kind}:${f.id}`;
  const parts = peer.fragments.get(key);
  if ((f.flags & FLAG_MORE) !== 0) {
    if (parts === undefined) peer.fragments.set(key, [f.payload]);
    else parts.push(f.payload);
    return null;
  }
  if (parts === undefined) return f.payload;
  peer.fragments.delete(key);
  parts.push(f.payload);
  let n = 0;
  for (const p of parts) n += p.length;
  const whole = new Uint8Array(n);
  let at = 0;
  for (const p of parts) { whole.set(p, at); at += p.length; }
  return whole;
}
