/**
 * Frames going out: encoded with the session's numbers and nonces, counted, fragmented at the
 * link's frame size, and held in the peer's outbox while it is being connected.
 * @internal
 * @packageDocumentation
 */
import { encodeParts, FLAG_MORE, HEADER_BYTES, TRAILER_BYTES } from './frames.js';
import type { NetManager } from './NetManager.js';
import type { Peer, Session } from './Peer.js';

/** Encode and send one frame on `session` (HELLO and everything the peer's session carries). */
export function sendRaw(m: NetManager, session: Session, kind: number, id: number, body: readonly number[], payload: Uint8Array, flags: number, dstInc: number): void {
  if (session.closed) return;
  const frame = encodeParts(kind, flags, session.txSeq, session.rxSeq, session.mine, dstInc, id, body, payload, session.link.intact === true);
  session.txSeq = (session.txSeq + 1) >>> 0;
  m.counters.out(frame.length);
  session.link.send(frame);
}

/**
 * Send a frame to `peer`: now if it is up, after its HELLO while connecting, else nowhere. `body`
 * is read before this returns (it may be a scratch array the caller rewrites).
 */
export function sendTo(m: NetManager, peer: Peer, kind: number, id: number, body: readonly number[], payload: Uint8Array, flags: number): void {
  if (peer.state === 'connecting') {
    // the body may be a caller's scratch array, rewritten by its next frame
    const later = body.slice();
    peer.outbox.push(() => sendTo(m, peer, kind, id, later, payload, flags));
    return;
  }
  const session = peer.session;
  if (peer.state !== 'up' || session === null) return;
  const room = session.link.maxFrameBytes - HEADER_BYTES - TRAILER_BYTES - body.length * 4;
  if (payload.length <= room || room <= 0) {
    sendRaw(m, session, kind, id, body, payload, flags, session.theirs);
    return;
  }
  // fragments: every one carries the kind, id and body; MORE on all but the last
  for (let at = 0; at < payload.length; at += room) {
    const end = Math.min(payload.length, at + room);
    sendRaw(m, session, kind, id, body, payload.subarray(at, end), end < payload.length ? flags | FLAG_MORE : flags, session.theirs);
  }
}
