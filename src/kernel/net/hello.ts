/** Whether `name` can name a node: not empty, no `/`, no `.`, no NUL. */
export function validNodeName(name: unknown): name is string {
  return typeof name === 'string' && name.length > 0 && name.length <= 255 && !/[/.\0]/.test(name);
}

/**
 * A peer's HELLO (qnet.md §3.3): the first frame of every session, naming the node and its
 * incarnation; a new incarnation of a known name is a restart (the old one is quarantined).
 * @internal
 * @packageDocumentation
 */
import { bytesText, type Frame } from './frames.js';
import { armDeadline } from './liveness.js';
import type { NetManager } from './NetManager.js';
import type { Session } from './Peer.js';
import { announceNames } from './serverSide.js';

export function onHello(m: NetManager, session: Session, f: Frame): void {
  const name = bytesText(f.payload);
  const inc = f.srcInc;
  if (f.seq !== 0 || session.rxSeq !== 0 || !validNodeName(name) || name === m.name || inc === 0) {
    m.refuse(session, `bad hello from '${name}'`);
    return;
  }
  const peer = m.peerNamed(name);
  if ((session.peer !== null && session.peer !== peer) || peer.quarantined.has(inc)) {
    m.refuse(session, peer.quarantined.has(inc) ? `'${name}' incarnation ${inc} is quarantined` : `expected '${session.peer!.name}', got '${name}'`);
    return;
  }
  // the same name with a new incarnation: the old node restarted, and is gone for good
  if (peer.state === 'up' && peer.incarnation !== inc) m.quarantine(peer, 'restarted');
  // another link to a live peer: keep the one we have
  if (peer.state === 'up' && peer.session !== null && peer.session !== session) {
    m.refuse(session, `'${name}' is reached already`);
    return;
  }
  session.rxSeq = 1;
  session.peer = peer;
  peer.session = session;
  peer.incarnation = inc;
  peer.state = 'up';
  peer.lastHeard = m.k.scheduler.now();
  armDeadline(m, peer);
  session.link.busy?.(peer.busy); // idle now unless calls waited for the HELLO
  if (m.k.tracer !== null) m.k.trace('node', null, { node: name, nd: peer.nd, state: 'up', incarnation: inc });
  m.emit({ type: 'node', event: { node: name, nd: peer.nd, state: 'up', reason: 'hello', incarnation: inc } });
  const waiting = peer.outbox.splice(0);
  for (const send of waiting) send();
  announceNames(m, peer);
}
