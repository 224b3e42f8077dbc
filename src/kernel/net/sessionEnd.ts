/**
 * How a session ends (qnet.md §3.6, §6.11): quarantined (its crossings end, a new handshake
 * starts on the same link) or given up (a peer being connected that never answered).
 * @internal
 * @packageDocumentation
 */
import { restartHandshake } from './hello.js';
import { armConnectDeadline, endCrossings, endWaiters } from './liveness.js';
import type { NetManager } from './NetManager.js';
import type { Peer } from './Peer.js';

/**
 * The peer's session ends (qnet.md §3.6, §6.11): remote sends to it fail EHOSTDOWN, its
 * connections die (EBADF, COIDDEATH), its clients' proxies here end as processes do, its global
 * names go, `/net` resolves on it fail. The link stays: a new handshake starts at once (see
 * `NetManager.quarantine`).
 */
export function endSession(m: NetManager, peer: Peer, reason: string, keepNonce: boolean, hello: boolean): void {
  if (peer.state !== 'up' && peer.state !== 'connecting') return;
  const inc = peer.incarnation;
  peer.state = 'down';
  peer.suspect = false;
  peer.deadline?.unsubscribe();
  peer.deadline = null;
  peer.outbox.length = 0;
  const k = m.k;
  endCrossings(m, peer);
  m.paths.lost(peer);
  if (k.tracer !== null) k.trace('node', null, { node: peer.name, nd: peer.nd, state: 'down', reason });
  m.emit({ type: 'node', event: { node: peer.name, nd: peer.nd, state: 'down', reason, incarnation: inc } });
  const session = peer.session;
  if (session !== null && !session.closed) restartHandshake(m, session, keepNonce, hello);
}

/**
 * A peer being connected did not answer within the bound: its waiters fail EHOSTUNREACH; one
 * only a transport named, holding nothing, is forgotten (a forged name costs nothing lasting);
 * any other is 'down' (sends fail at once) while its link goes on saying HELLO.
 */
export function giveUp(m: NetManager, peer: Peer): void {
  endWaiters(m, peer);
  m.paths.lost(peer);
  peer.state = 'down';
  if (!peer.pinned && !holdsAnything(peer)) m.forgetPeer(peer);
}

/** Whether anything of this node still refers to `peer` (connections to it, its clients' proxies, messages sent). */
export function holdsAnything(peer: Peer): boolean {
  return peer.conns.size > 0 || peer.proxies.size > 0 || peer.asyncSent.size > 0;
}

/**
 * The link of `peer` is gone: another link joined for it meanwhile (a restarted worker, a new
 * NATS session) takes over at once, saying HELLO now. False when there is none.
 */
export function takeOver(m: NetManager, peer: Peer): boolean {
  for (const spare of m.sessions) {
    if (spare.closed || spare.peer !== null || spare.named !== peer.name) continue;
    spare.peer = peer;
    peer.session = spare;
    peer.state = 'connecting';
    armConnectDeadline(m, peer);
    restartHandshake(m, spare, true);
    return true;
  }
  return false;
}
