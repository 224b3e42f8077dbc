/**
 * Liveness (qnet.md §3.6): heartbeats while a link is open, a deadline per peer, and what ends
 * when a peer's incarnation is quarantined.
 * @internal
 * @packageDocumentation
 */
import { processExit } from '../deaths.js';
import { ERRNO } from '../errno.js';
import { releaseSender } from '../release.js';
import * as client from './clientSide.js';
import { F } from './frames.js';
import type { NetManager } from './NetManager.js';
import { refTimer } from './keepAlive.js';
import type { Peer, Session } from './Peer.js';
import * as server from './serverSide.js';

/** Every `heartbeatMs`, a heartbeat (or the credit owed) to each peer that is up, while a link is open. */
export function armHeartbeat(m: NetManager): void {
  if (m.heartbeat !== null) return;
  m.heartbeat = m.k.schedule(() => {
    m.heartbeat = null;
    if (m.sessions.size === 0) return;
    for (const peer of m.allPeers()) {
      if (peer.state !== 'up') continue;
      if (peer.owed > 0) {
        m.sendTo(peer, F.CREDIT, 0, [peer.owed]);
        peer.owed = 0;
      } else {
        // a ping: the peer answers HEARTBEAT_ACK with its id (the round trip)
        peer.pingId = (peer.pingId + 1) & 0x7fffffff;
        peer.pingAt = m.k.scheduler.now();
        m.sendTo(peer, F.HEARTBEAT, peer.pingId, []);
      }
    }
    armHeartbeat(m);
  }, m.heartbeatMs);
  refTimer(m.heartbeat, false); // heartbeats alone never keep the process alive
}

/** Quarantine `peer` when nothing was heard from it for `heartbeatMs × missed`. */
export function armDeadline(m: NetManager, peer: Peer): void {
  peer.deadline?.unsubscribe();
  const bound = m.heartbeatMs * m.missed;
  const check = (): void => {
    peer.deadline = null;
    if (peer.state !== 'up') return;
    const silent = m.k.scheduler.now() - peer.lastHeard;
    if (silent >= bound) m.quarantine(peer, 'heartbeat');
    else arm(bound - silent);
  };
  // the deadline keeps the process alive only while calls wait on the peer
  const arm = (ms: number): void => {
    peer.deadline = m.k.schedule(check, ms);
    refTimer(peer.deadline, peer.busy);
  };
  arm(bound);
}

/**
 * A peer being connected (a link, no HELLO yet) waits at most the liveness bound: then its
 * waiters fail EHOSTUNREACH (nothing of theirs reached it), it is 'down' (sends fail at once)
 * while its link goes on saying HELLO, and a peer only a transport named is forgotten.
 */
export function armConnectDeadline(m: NetManager, peer: Peer): void {
  peer.deadline?.unsubscribe();
  peer.deadline = m.k.schedule(() => {
    peer.deadline = null;
    if (peer.state === 'connecting') m.unreachable(peer);
  }, m.heartbeatMs * m.missed);
  refTimer(peer.deadline, peer.busy);
}

/** Calls that waited for a peer that never answered: EHOSTUNREACH; its connections may try again. */
export function endWaiters(m: NetManager, peer: Peer): void {
  const k = m.k;
  peer.outbox.length = 0;
  for (const w of [...peer.calls.values()]) {
    w.aux = 0;
    releaseSender(k, w, ERRNO.EHOSTUNREACH, 0);
  }
  peer.calls.clear();
  peer.held.length = 0;
  peer.inflight = 0;
  // their CONNECT never crossed: the next send sends it again
  for (const conn of peer.conns.values()) if (conn.remote!.state === 'connecting') conn.remote!.state = 'new';
}

/**
 * A quarantined peer: remote sends to it fail EHOSTDOWN, its connections die (EBADF, COIDDEATH),
 * its clients' proxies here end as processes do, and its global names go.
 */
export function endCrossings(m: NetManager, peer: Peer): void {
  const k = m.k;
  for (const w of [...peer.calls.values()]) {
    w.aux = 0;
    releaseSender(k, w, ERRNO.EHOSTDOWN, 0);
  }
  peer.calls.clear();
  for (const conn of peer.conns.values()) client.killConnection(k, conn);
  peer.conns.clear();
  peer.inflight = 0;
  peer.held.length = 0;
  for (const proxy of [...peer.proxies.values()]) processExit(k, proxy, 0);
  peer.proxies.clear();
  peer.accepted.clear();
  peer.refused.clear();
  peer.vsends.clear();
  peer.fragments.clear();
  peer.owed = 0;
  peer.busy = false;
  peer.asyncSent.clear();
  server.forgetNamesOf(m, peer);
}

/**
 * The transport of `session` reports itself suspect (reconnecting; frames held) or recovered.
 * Only the peer's current session counts; the heartbeat deadline runs on regardless.
 */
export function linkSuspect(m: NetManager, session: Session, suspect: boolean, reason: string): void {
  const peer = session.peer;
  if (peer === null || peer.session !== session || peer.state !== 'up' || peer.suspect === suspect) return;
  peer.suspect = suspect;
  const state = suspect ? 'suspect' : 'up';
  const why = suspect ? reason : 'recovered';
  if (m.k.tracer !== null) m.k.trace('node', null, { node: peer.name, nd: peer.nd, state, reason: why });
  m.emit({ type: 'node', event: { node: peer.name, nd: peer.nd, state, reason: why, incarnation: peer.incarnation } });
}

