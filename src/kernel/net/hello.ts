/** Whether `name` can name a node: not empty, no `/`, no `.`, no NUL. */
export function validNodeName(name: unknown): name is string {
  return typeof name === 'string' && name.length > 0 && name.length <= 255 && !/[/.\0]/.test(name);
}

/**
 * The handshake (qnet.md §3.3, §6.11). HELLO names the node, its incarnation and the sender's
 * session nonce (`srcInc`); `dstInc` acknowledges the peer's nonce (0: none yet). The rules:
 * - a side that quarantines a peer (heartbeat, gap, link, oversize) takes a new nonce and says
 *   HELLO acknowledging nothing, so the peer sees the boundary too;
 * - a HELLO with a new nonce acknowledging nothing or our nonce starts a session: a peer that was
 *   up ends the one it had (its calls EHOSTDOWN; 'restarted' when the incarnation changed, else
 *   'session reset') keeping its own nonce (the peer knows of the boundary), takes the nonce, is
 *   up at once and answers with its HELLO unless ours was acknowledged already;
 * - a HELLO acknowledging a nonce we no longer have is about an ended handshake: dropped;
 * so every HELLO causes at most one HELLO, which causes none: HELLOs never chase each other,
 * whatever a forger or a replay sends (without a link key a forged HELLO can still end a
 * session: its frames then stop matching and the liveness bound ends it on the other side).
 * Two live nodes that can reach each other always end up connected again.
 * @internal
 * @packageDocumentation
 */
import { bytesText, F, textBytes, type Frame } from './frames.js';
import { armDeadline } from './liveness.js';
import { refTimer } from './keepAlive.js';
import type { NetManager } from './NetManager.js';
import type { Peer, Session } from './Peer.js';
import { announceNames } from './serverSide.js';

/** Say HELLO on `session` now (acknowledging the peer's nonce once taken). */
export function sendHello(m: NetManager, session: Session): void {
  m.sendRaw(session, F.HELLO, 0, [session.link.maxFrameBytes, m.heartbeatMs, m.missed, m.incarnation], textBytes(m.name), 0, session.theirs);
}

/** Start a new handshake on `session`: a new nonce, HELLO now and every heartbeat period until answered. */
export function restartHandshake(m: NetManager, session: Session, keepNonce = false, hello = true): void {
  if (session.closed) return;
  if (!keepNonce) {
    session.mine = m.nonce();
    session.txSeq = 0;
  }
  session.theirs = 0;
  if (hello) sendHello(m, session);
  armRetry(m, session);
}

export function onHello(m: NetManager, session: Session, f: Frame): void {
  const name = bytesText(f.payload);
  const nonce = f.srcInc;
  const ack = f.dstInc;
  const inc = f.body[3]! >>> 0;
  if (!validNodeName(name) || name === m.name || nonce === 0 || inc === 0) {
    m.drop(session.peer, 'malformed', `bad hello from '${name}'`);
    return;
  }
  const peer = bind(m, session, name);
  if (peer === null) return;
  if (peer.state === 'up' && nonce === session.theirs) {
    // a HELLO of the session we have: in sequence like any frame
    if (!m.inSequence(session, peer, f)) return;
    if (ack === session.mine) return;
    if (ack === 0) sendHello(m, session); // a retry that crossed ours: it has not seen our nonce yet
    // else it acknowledges a nonce we no longer have: an answer to an ended handshake of ours
    // (or a forgery), never answered, so that HELLOs cannot chase each other for ever. If the
    // peer really left our session, its frames stop matching ours and the liveness bound ends it.
    else m.drop(peer, 'replayed', 'hello acknowledging an ended session');
    return;
  }
  if (ack !== 0 && ack !== session.mine) {
    m.drop(peer, 'replayed', 'hello of another session');
    return;
  }
  if (peer.state === 'up') {
    // a new session from the peer: the one we had is over for it, so it is over here too. The
    // peer started it (it knows of the boundary): our nonce stays, our HELLO answers it.
    m.quarantine(peer, inc !== peer.incarnation ? 'restarted' : 'session reset', true, false);
    if (session.closed || peer.session !== session) return;
  }
  accept(m, session, peer, f, name, inc);
}

/** The peer `session` is for: the one it was made for, or (a link of no named peer) the one the HELLO names. */
function bind(m: NetManager, session: Session, name: string): Peer | null {
  let peer = session.peer;
  if (peer === null) {
    if (!m.admit(name)) {
      m.drop(null, 'unknown-peer', `hello from '${name}' refused (peer table full or hello rate passed)`);
      return null;
    }
    peer = m.peerNamed(name);
  } else if (peer.name !== name) {
    m.drop(peer, 'unknown-peer', `expected '${peer.name}', got '${name}'`);
    return null;
  }
  if (peer.session !== session) {
    // another link reaches it: keep a live one, take this one when that one is gone or the peer is not up
    if (peer.session !== null && !peer.session.closed && peer.state === 'up') {
      m.drop(peer, 'unknown-peer', `'${name}' is reached already`);
      return null;
    }
    if (peer.session !== null && peer.session !== session) peer.session.peer = null;
    peer.session = session;
    session.peer = peer;
  }
  return peer;
}

/** Take the peer's nonce: the session is up (and the peer told our nonce if it has not acknowledged it). */
function accept(m: NetManager, session: Session, peer: Peer, f: Frame, name: string, inc: number): void {
  session.theirs = f.srcInc;
  session.rxSeq = (f.seq + 1) >>> 0;
  session.retry?.unsubscribe();
  session.retry = null;
  if (f.dstInc !== session.mine) sendHello(m, session);
  const healed = peer.sessions > 0 && peer.incarnation === inc;
  peer.incarnation = inc;
  peer.state = 'up';
  peer.pinned = true;
  peer.sessions++;
  peer.lastHeard = m.k.scheduler.now();
  armDeadline(m, peer);
  session.link.busy?.(peer.busy); // idle now unless calls waited for the HELLO
  if (m.k.tracer !== null) m.k.trace('node', null, { node: name, nd: peer.nd, state: 'up', incarnation: inc });
  m.emit({ type: 'node', event: { node: name, nd: peer.nd, state: 'up', reason: healed ? 'healed' : 'hello', incarnation: inc } });
  const waiting = peer.outbox.splice(0);
  for (const send of waiting) send();
  announceNames(m, peer);
}

/** HELLO again on `session` every heartbeat period until the handshake completes (or the link ends). */
export function armRetry(m: NetManager, session: Session): void {
  session.retry?.unsubscribe();
  session.retry = m.k.schedule(() => {
    session.retry = null;
    if (session.closed || session.theirs !== 0) return;
    sendHello(m, session);
    armRetry(m, session);
  }, m.heartbeatMs);
  refTimer(session.retry, false); // a handshake alone never keeps the process alive
}
