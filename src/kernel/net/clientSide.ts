/**
 * The client node's side of Qnet: remote connections, remote sends (a `SendWait` on the net
 * manager's channel whose SEND/REPLY state mirrors the server node's), remote pulses, and the
 * frames that answer them (qnet.md §3.3).
 * @internal
 * @packageDocumentation
 */
import { byteLength, copyBuffers, type Buffers } from '../buffers.js';
import {
  _NTO_CHF_COID_DISCONNECT, _NTO_COF_NOSHARE, _PULSE_CODE_COIDDEATH, SIGEV_PULSE, STATE_REPLY, STATE_SEND,
} from '../constants.js';
import { allocateCoid } from '../connections.js';
import { fail, type KernelCore } from '../core.js';
import { ERRNO } from '../errno.js';
import { deliverEventFor } from '../events.js';
import { Connection, SendWait, type CoidEntry, type Done, type Process, type Thread } from '../objects.js';
import { kernelPulse } from '../pulseDelivery.js';
import { closeAsync } from '../asyncTeardown.js';
import { armTimeout, releaseSender, takeTimeout } from '../release.js';
import { F, FLAG_EXPIRED, FLAG_GROW, type Frame } from './frames.js';
import type { RemoteConn } from './hooks.js';
import { crossed } from './keepAlive.js';
import type { NetManager } from './NetManager.js';
import type { Peer } from './Peer.js';

/** ConnectAttach(nd ≠ 0): a coid at once, whatever the node's state (QNX: "the real error indication happens on the first message pass"). */
export function attach(m: NetManager, k: KernelCore, t: Thread, nd: number, pid: number, chid: number, index: number, flags: number): number {
  const call = 'ConnectAttach';
  const peer = m.peer(nd);
  if (peer === undefined) throw fail('EHOSTUNREACH', call, { pid, chid });
  const p = t.process;
  const coid = allocateCoid(p, index, k.rlimitNofile, call);
  const key = `${nd}:${pid}:${chid}`;
  const share = (flags & _NTO_COF_NOSHARE) === 0;
  let conn = share ? p.shared.get(key) : undefined;
  if (conn === undefined || conn.channel === null || conn.remote?.peer !== peer) {
    conn = new Connection(p, m.channel, m.process, -1, -1, share ? key : null);
    const remote: RemoteConn = { peer, pid, chid, cid: m.cid(), state: 'new', scoid: -1, errno: 0 };
    conn.remote = remote;
    peer.conns.set(remote.cid, conn);
    if (share) p.shared.set(key, conn);
  }
  conn.coids++;
  p.coids.set(coid, { coid, conn, flags });
  if (k.tracer !== null) k.trace('connect', t, { coid, nd, pid, chid });
  return coid;
}

/** The peer of a remote connection if a send may go now: EHOSTUNREACH when no link reaches it, the attach's errno when it was refused. */
function reachable(conn: Connection, call: string, coid: number): Peer {
  const r = conn.remote!;
  const peer = r.peer as Peer;
  if (peer.state !== 'up' && peer.state !== 'connecting') throw fail('EHOSTUNREACH', call, { coid });
  if (r.state === 'failed') throw fail(r.errno === ERRNO.EPERM ? 'EPERM' : 'EBADF', call, { coid });
  return peer;
}

/** Send CONNECT before the first frame that needs the server's connection (pipelined). */
function connectFirst(m: NetManager, conn: Connection): void {
  const r = conn.remote!;
  if (r.state !== 'new') return;
  r.state = 'connecting';
  const p = conn.client;
  m.sendTo(r.peer as Peer, F.CONNECT, r.cid, [r.pid, r.chid, p.pid, p.uid, p.gid]);
}

/** All of `smsg` as one array (a frame copies it again: it is the link's own buffer). */
function flatten(smsg: Buffers, slen: number): Uint8Array {
  if (smsg instanceof Uint8Array) return smsg;
  if (smsg.length === 1) return smsg[0]!;
  const out = new Uint8Array(slen);
  copyBuffers(smsg, 0, out, 0, slen);
  return out;
}

export function send(m: NetManager, k: KernelCore, t: Thread, entry: CoidEntry, smsg: Buffers, rmsg: Buffers, done: Done, growReply: boolean, slen: number, rlen: number, call: string): void {
  const conn = entry.conn;
  const peer = reachable(conn, call, entry.coid);
  if (slen > m.maxMessageBytes) throw fail('EMSGSIZE', call, { coid: entry.coid });
  const last = t.lastSend;
  const w = last !== null && k.heard(last)
    ? last.init(conn, entry.coid, m.channel, smsg, rmsg, t.priority, done, slen, rlen, growReply)
    : (t.lastSend = new SendWait(t, conn, entry.coid, m.channel, smsg, rmsg, t.priority, done, slen, rlen, growReply));
  const xid = m.xid();
  w.net = { client: true, xid, peer, srcnd: peer.nd };
  const to = takeTimeout(t);
  conn.blocked++;
  t.wait = w;
  t.state = STATE_SEND;
  peer.calls.set(xid, w);
  crossed(peer);
  const r = conn.remote!;
  if (k.tracer !== null) k.trace('send', t, { coid: entry.coid, nd: peer.nd, to: r.pid, chid: r.chid, bytes: slen });
  if (to !== null) armTimeout(k, w, to);
  connectFirst(m, conn);
  const flags = (w.expired ? FLAG_EXPIRED : 0) | (growReply ? FLAG_GROW : 0);
  m.sendTo(peer, F.SEND, xid, [r.cid, t.tid, entry.coid, w.priority, w.timeoutFlags, slen, rlen, peer.nd], flatten(smsg, slen), flags);
}

export function pulse(m: NetManager, k: KernelCore, from: Thread | Process, entry: CoidEntry, priority: number, code: number, value: number): void {
  const call = 'MsgSendPulse';
  const peer = reachable(entry.conn, call, entry.coid);
  // the credit window: a peer that has not taken what we sent gets no more (QNX: no memory for the pulse)
  if (peer.inflight >= m.window) throw fail('EAGAIN', call, { coid: entry.coid });
  peer.inflight++;
  connectFirst(m, entry.conn);
  if (k.tracer !== null) k.trace('pulse', from, { coid: entry.coid, nd: peer.nd, code, value, priority });
  m.sendTo(peer, F.PULSE, entry.conn.remote!.cid, [code, priority, value]);
}

/** The last client reference went: the server node frees its side (DETACH, then its disconnect pulse). */
export function detach(m: NetManager, conn: Connection): void {
  const r = conn.remote!;
  const peer = r.peer as Peer;
  if (peer.conns.get(r.cid) === conn) peer.conns.delete(r.cid);
  if (r.state !== 'new') m.sendTo(peer, F.DETACH, r.cid, []);
  crossed(peer); // an asynchronous connection's messages in flight went with it
}

/**
 * A remote connection is dead (its channel or node is gone): later sends fail EBADF, and the
 * client's death channel gets COIDDEATH for each coid on it (`_NTO_CHF_COID_DISCONNECT`).
 */
export function killConnection(k: KernelCore, conn: Connection): void {
  if (conn.channel === null) return;
  conn.channel = null;
  // an asynchronous connection's undelivered messages complete EBADF, in put order
  for (const c of conn.client.asyncConns.values()) if (c.conn === conn) closeAsync(k, c, conn.client.alive);
  if (conn.remote !== null) crossed(conn.remote.peer as Peer);
  const client = conn.client;
  const dc = client.deathChannel;
  if (!client.alive || dc === null || (dc.flags & _NTO_CHF_COID_DISCONNECT) === 0) return;
  for (const entry of client.coids.values()) {
    if (entry.conn === conn) kernelPulse(k, dc, _PULSE_CODE_COIDDEATH, entry.coid, client.priority, -1);
  }
}

/** The reply bytes of a REPLY or ERROR frame into the client's buffer (grown to the reply when it may grow). */
function land(w: SendWait, payload: Uint8Array, aux: number): void {
  if (w.growReply) {
    const iov = w.rmsg as Uint8Array[];
    if (payload.length > iov[0]!.length) iov[0] = new Uint8Array(payload.length);
  }
  if (payload.length > 0) copyBuffers(payload, 0, w.rmsg, 0, Math.min(payload.length, byteLength(w.rmsg)));
  w.aux = aux;
}

/** Frames for this node's clients. */
export function onFrame(m: NetManager, peer: Peer, f: Frame): void {
  const k = m.k;
  switch (f.kind) {
    case F.RECEIVED:
    case F.REQUEUED: {
      const w = peer.calls.get(f.id);
      if (w === undefined || w.thread.wait !== w) return;
      w.thread.state = f.kind === F.RECEIVED ? STATE_REPLY : STATE_SEND;
      if (k.tracer !== null) k.trace('state', w.thread, { state: f.kind === F.RECEIVED ? 'REPLY' : 'SEND', nd: peer.nd });
      return;
    }
    case F.REPLY:
    case F.ERROR: {
      const w = peer.calls.get(f.id);
      if (w === undefined) return;
      land(w, f.payload, f.body[1]!);
      releaseSender(k, w, f.kind === F.REPLY ? 0 : f.body[0]!, f.kind === F.REPLY ? f.body[0]! : 0);
      return;
    }
    case F.CONNECTED: {
      const r = peer.conns.get(f.id)?.remote;
      if (r === undefined || r === null) return;
      r.state = 'connected';
      r.scoid = f.body[0]!;
      return;
    }
    case F.CONNECT_FAIL: {
      const conn = peer.conns.get(f.id);
      if (conn === undefined) return;
      conn.remote!.state = 'failed';
      conn.remote!.errno = f.body[0]!;
      // a missing pid or chid is a dead connection (ESRCH now, EBADF after); EPERM stays EPERM
      if (f.body[0] !== ERRNO.EPERM) killConnection(k, conn);
      return;
    }
    case F.CHANNEL_GONE: {
      const conn = peer.conns.get(f.id);
      if (conn !== undefined) killConnection(k, conn);
      return;
    }
    case F.EVENT: {
      const target = k.processes.get(f.id);
      if (target === undefined || !target.alive) return;
      const [coid, priority, code, value] = f.body as [number, number, number, number];
      const err = deliverEventFor(k, target, { sigev_notify: SIGEV_PULSE, sigev_coid: coid, sigev_priority: priority, sigev_code: code, sigev_value: { sival_int: value } }, priority);
      if (err !== 0 && k.tracer !== null) k.trace('drop', target, { what: 'event', errno: err, nd: peer.nd });
      return;
    }
    default:
  }
}

/** A remote send ended (answered, failed or withdrawn): it no longer crosses to its peer. */
export function forget(w: SendWait): void {
  const peer = w.net!.peer as Peer;
  peer.calls.delete(w.net!.xid);
  crossed(peer);
}
