/**
 * Frames going out: encoded with the session's numbers and nonces, counted, fragmented at the
 * link's frame size, and held in the peer's outbox while it is being connected.
 * @internal
 * @packageDocumentation
 */
import { FLAG_MORE, HEADER_BYTES, TRAILER_BYTES } from './frames.js';
import { encodeAt, encodeParts, frameBytes } from './frameWords.js';
import type { NetManager } from './NetManager.js';
import type { Peer, Session } from './Peer.js';

/** Encode and send one frame on `session` (HELLO and everything the peer's session carries). */
export function sendRaw(m: NetManager, session: Session, kind: number, id: number, body: readonly number[], payload: Uint8Array, flags: number, dstInc: number): void {
  if (session.closed) return;
  const link = session.link;
  const unchecked = link.intact === true;
  const sink = link.sink;
  if (sink !== undefined) {
    // encoded in place in the transport's memory, when it has room now
    const n = frameBytes(kind, body, payload.length);
    const at = sink.reserve(n);
    if (at >= 0 && encodeAt(sink.u8, sink.i32, at, n, kind, flags, session.txSeq, session.rxSeq, session.mine, dstInc, id, body, payload, unchecked)) {
      session.txSeq = (session.txSeq + 1) >>> 0;
      m.counters.out(n);
      sink.commit();
      return;
    }
  }
  const frame = encodeParts(kind, flags, session.txSeq, session.rxSeq, session.mine, dstInc, id, body, payload, unchecked);
  session.txSeq = (session.txSeq + 1) >>> 0;
  m.counters.out(frame.length);
  link.send(frame);
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
