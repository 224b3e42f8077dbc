/**
 * A peer's snapshot on request (the live inspector's "one page for the whole network"): a
 * SNAPSHOT_REQUEST frame asks a peer for its `pidin` state, its SNAPSHOT frame answers with it as
 * JSON (fragmented like any large payload). Nothing runs unless asked: a request waits at most
 * its deadline (on the kernel's clock) and fails at once when the peer is not up or goes down.
 * Every node answers, whether or not it runs an inspector itself; what it tells is what its
 * peers could learn by sending to it anyway (process names, states, queues), never message
 * contents.
 * @internal
 * @packageDocumentation
 */
import { snapshot } from '../snapshot.js';
import type { TimerHandle } from '../scheduler.js';
import type { KernelSnapshot } from '../types.js';
import { bytesText, F, textBytes, type Frame } from './frames.js';
import type { NetEvent } from './Link.js';
import type { NetManager } from './NetManager.js';
import type { Peer } from './Peer.js';

/** A peer node as the answering node knows it (its nd → name, to read `nd N pid P chid C`). */
export interface PeerName {
  readonly nd: number;
  readonly node: string;
  readonly state: string;
}

/** What a peer answered: its snapshot and its own peer table. */
export interface RemoteSnapshot {
  readonly snapshot: KernelSnapshot;
  readonly peers: readonly PeerName[];
}

/** The outcome of {@link requestSnapshot}: the answer, or the errno name and why. */
export type SnapshotResult =
  | { readonly ok: true; readonly value: RemoteSnapshot }
  | { readonly ok: false; readonly errno: 'EHOSTDOWN' | 'ETIMEDOUT' | 'EBADMSG' | 'EHOSTUNREACH'; readonly reason: string };

interface Pending {
  readonly peer: Peer;
  readonly done: (r: SnapshotResult) => void;
  readonly timer: TimerHandle;
}

/** One node's requests in flight, and the listener that fails them when their peer goes down. */
class Requests {
  nextRid = 1;
  readonly pending = new Map<number, Pending>();
  stopListening: (() => void) | null = null;
}

const byNode = new WeakMap<NetManager, Requests>();

function requestsOf(m: NetManager): Requests {
  let r = byNode.get(m);
  if (r === undefined) byNode.set(m, (r = new Requests()));
  return r;
}

/** Every peer as this node knows it, for the answer (nd order). */
function peerNames(m: NetManager): PeerName[] {
  return m.allPeers().map((p) => ({ nd: p.nd, node: p.name, state: p.state === 'up' && p.suspect ? 'suspect' : p.state }));
}

/**
 * Ask the peer named `node` for its snapshot; `done` is called once, from a later task (or at
 * once when the peer is not up): the snapshot, or `EHOSTUNREACH` (no such peer), `EHOSTDOWN`
 * (not up, or went down while asked), `ETIMEDOUT` (no answer within `deadlineMs` of the
 * kernel's clock), `EBADMSG` (an answer that is not a snapshot). Returns a function that
 * cancels the request (`done` is then never called).
 */
export function requestSnapshot(m: NetManager, node: string, deadlineMs: number, done: (r: SnapshotResult) => void): () => void {
  const peer = m.byName.get(node);
  if (peer === undefined) {
    done({ ok: false, errno: 'EHOSTUNREACH', reason: `no peer named ${node}` });
    return () => {};
  }
  if (peer.state !== 'up' || peer.session === null) {
    done({ ok: false, errno: 'EHOSTDOWN', reason: `${node} is ${peer.state}` });
    return () => {};
  }
  const r = requestsOf(m);
  const rid = r.nextRid;
  r.nextRid = rid >= 0x7fffffff ? 1 : rid + 1;
  const timer = m.k.schedule(() => finish(m, rid, { ok: false, errno: 'ETIMEDOUT', reason: `${node} did not answer within ${deadlineMs} ms` }), deadlineMs);
  r.pending.set(rid, { peer, done, timer });
  r.stopListening ??= m.onEvent((e) => onNetEvent(m, e));
  m.k.run(() => m.sendTo(peer, F.SNAPSHOT_REQUEST, rid, []));
  return () => {
    const p = r.pending.get(rid);
    if (p === undefined) return;
    p.timer.unsubscribe();
    forget(r, rid);
  };
}

/** A peer went down: its requests fail EHOSTDOWN now rather than at their deadline. */
function onNetEvent(m: NetManager, e: NetEvent): void {
  if (e.type !== 'node' || e.event.state !== 'down') return;
  const r = requestsOf(m);
  for (const [rid, p] of [...r.pending]) {
    if (p.peer.name === e.event.node) finish(m, rid, { ok: false, errno: 'EHOSTDOWN', reason: `${e.event.node} went down (${e.event.reason})` });
  }
}

function forget(r: Requests, rid: number): void {
  r.pending.delete(rid);
  if (r.pending.size === 0 && r.stopListening !== null) {
    r.stopListening();
    r.stopListening = null;
  }
}

function finish(m: NetManager, rid: number, result: SnapshotResult): void {
  const r = requestsOf(m);
  const p = r.pending.get(rid);
  if (p === undefined) return;
  p.timer.unsubscribe();
  forget(r, rid);
  try {
    p.done(result);
  } catch (error) {
    m.k.onUnhandledError(error);
  }
}

/** SNAPSHOT_REQUEST (answer with this node's snapshot) and SNAPSHOT (an answer) from `peer`. */
export function onSnapshotFrame(m: NetManager, peer: Peer, f: Frame): void {
  if (f.kind === F.SNAPSHOT_REQUEST) {
    const answer: RemoteSnapshot = { snapshot: snapshot(m.k), peers: peerNames(m) };
    m.sendTo(peer, F.SNAPSHOT, f.id, [0], textBytes(JSON.stringify(answer)));
    return;
  }
  const p = requestsOf(m).pending.get(f.id);
  // a late answer (past its deadline), or one from another peer than asked: nothing waits for it
  if (p === undefined || p.peer !== peer) return;
  finish(m, f.id, decode(f.payload));
}

/** The answer's JSON, checked for the fields the inspector reads. */
function decode(payload: Uint8Array): SnapshotResult {
  try {
    const v = JSON.parse(bytesText(payload)) as Partial<RemoteSnapshot> | null;
    if (v !== null && typeof v === 'object' && v.snapshot !== null && typeof v.snapshot === 'object' && Array.isArray(v.snapshot.processes) && Array.isArray(v.peers)) {
      return { ok: true, value: v as RemoteSnapshot };
    }
  } catch {
    // not JSON: below
  }
  return { ok: false, errno: 'EBADMSG', reason: 'the answer is not a snapshot' };
}
