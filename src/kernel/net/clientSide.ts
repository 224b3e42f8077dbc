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
import { armTimeout, expireWait, releaseSender, takeTimeout } from '../release.js';
import { F, FLAG_EXPIRED, FLAG_GROW } from './frames.js';
import type { FrameIn } from './frameWords.js';
import type { RemoteConn } from './hooks.js';
import { crossed } from './keepAlive.js';
import type { NetManager } from './NetManager.js';
import { netCall, type Peer } from './Peer.js';
import { sendTo } from './frameOut.js';

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
  const reused = last !== null && k.heard(last);
  const net = reused ? last.net : null;
  const w = reused
    ? last.init(conn, entry.coid, m.channel, smsg, rmsg, t.priority, done, slen, rlen, growReply)
    : (t.lastSend = new SendWait(t, conn, entry.coid, m.channel, smsg, rmsg, t.priority, done, slen, rlen, growReply));
  const xid = m.xid();
  w.net = netCall(net, true, xid, peer, peer.nd, 0);
  const to = takeTimeout(t);
  conn.blocked++;
  t.wait = w;
  t.state = STATE_SEND;
  peer.calls.set(xid, w);
  const r = conn.remote!;
  if (k.tracer !== null) k.trace('send', t, { coid: entry.coid, nd: peer.nd, to: r.pid, chid: r.chid, bytes: slen });
  if (to !== null) armTimeout(k, w, to);
  connectFirst(m, conn);
  if (peer.inflight < m.window && peer.held.length === 0) transmit(m, peer, w);
  else hold(peer, w);
  // after the frame went (its doorbell first): the link and the deadline keep the process alive now
  crossed(peer);
}

/** The body of every SEND frame, rewritten for each (sendTo reads it before it returns). */
const SEND_BODY = [0, 0, 0, 0, 0, 0, 0, 0];

/** The SEND frame of `w`, taking one credit of the window. */
function transmit(m: NetManager, peer: Peer, w: SendWait): void {
  peer.inflight++;
  w.credited = true;
  const r = w.conn.remote!;
  const flags = (w.expired ? FLAG_EXPIRED : 0) | (w.growReply ? FLAG_GROW : 0);
  const b = SEND_BODY;
  b[0] = r.cid;
  b[1] = w.thread.tid;
  b[2] = w.coid;
  b[3] = w.priority;
  b[4] = w.timeoutFlags;
  b[5] = w.slen;
  b[6] = w.rlen;
  b[7] = peer.nd;
  sendTo(m, peer, F.SEND, w.net!.xid, b, flatten(w.smsg, w.slen), flags);
}

/** No room in the window: `w` waits here, SEND-blocked, behind those of its priority and above lower ones. */
function hold(peer: Peer, w: SendWait): void {
  const q = peer.held;
  let i = q.length;
  while (i > 0 && q[i - 1]!.priority < w.priority) i--;
  q.splice(i, 0, w);
}

/** A credit came back: held sends go, highest priority first, while the window has room. */
export function credit(m: NetManager, peer: Peer, n: number): void {
  peer.inflight = Math.max(0, peer.inflight - n);
  while (peer.held.length > 0 && peer.inflight < m.window && peer.state === 'up') transmit(m, peer, peer.held.shift()!);
}

/**
 * A held send (never sent) is unblocked, cancelled or timed out here, as a local SEND-blocked one
 * is: true when `w` was held (the caller's frame is then not needed).
 */
export function endHeld(m: NetManager, w: SendWait, what: 'unblock' | 'cancel' | 'timeout', arg: number): boolean {
  const peer = w.net!.peer as Peer;
  if (w.credited || !peer.held.includes(w)) return false;
  const k = m.k;
  if (what === 'timeout') {
    expireWait(k, w, arg); // SEND covered: an unblock with ETIMEDOUT, back here; else marked for later
    return true;
  }
  if (what === 'unblock' && k.tracer !== null) k.trace(arg === ERRNO.ETIMEDOUT ? 'timeout' : 'unblock', w.thread, { nd: peer.nd, errno: arg, held: 1 });
  releaseSender(k, w, what === 'cancel' ? ERRNO.ESRCH : arg, 0);
  return true;
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

/**
 * The reply bytes of a REPLY or ERROR frame into the client's buffer (grown to the reply when it
 * may grow), from where they are (a frame read in place: no view of them).
 */
function land(w: SendWait, f: FrameIn, aux: number): void {
  const n = f.len;
  if (w.growReply) {
    const iov = w.rmsg as Uint8Array[];
    if (n > iov[0]!.length) iov[0] = new Uint8Array(n);
  }
  const rmsg = w.rmsg;
  const to = rmsg instanceof Uint8Array ? rmsg : rmsg.length === 1 ? rmsg[0]! : null;
  if (to !== null && n <= 128) {
    // a short reply a byte at a time: no view of the frame's bytes
    const src = f.src;
    const at = f.at;
    const m = Math.min(n, to.length);
    for (let i = 0; i < m; i++) to[i] = src[at + i]!;
  } else if (n > 0) copyBuffers(f.src, f.at, rmsg, 0, Math.min(n, byteLength(rmsg)));
  w.aux = aux;
}

/** Frames for this node's clients. */
export function onFrame(m: NetManager, peer: Peer, f: FrameIn): void {
  const k = m.k;
  switch (f.kind) {
    case F.RECEIVED:
    case F.REQUEUED: {
      const w = peer.calls.get(f.id);
      if (w === undefined || w.thread.wait !== w) return;
      // received: no longer parked in the server's queue, its credit comes back
      if (f.kind === F.RECEIVED && w.credited) {
        w.credited = false;
        credit(m, peer, 1);
      }
      w.thread.state = f.kind === F.RECEIVED ? STATE_REPLY : STATE_SEND;
      if (k.tracer !== null) k.trace('state', w.thread, { state: f.kind === F.RECEIVED ? 'REPLY' : 'SEND', nd: peer.nd });
      return;
    }
    case F.REPLY:
    case F.ERROR: {
      const w = peer.calls.get(f.id);
      if (w === undefined) return;
      land(w, f, f.body[1]!);
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

/** A remote send ended (answered, failed or withdrawn): it no longer crosses to its peer, and its credit (or its place in the hold queue) goes. */
export function forget(m: NetManager, w: SendWait): void {
  const peer = w.net!.peer as Peer;
  peer.calls.delete(w.net!.xid);
  if (w.credited) {
    w.credited = false;
    credit(m, peer, 1);
  } else if (peer.held.length > 0) {
    const i = peer.held.indexOf(w);
    if (i >= 0) peer.held.splice(i, 1);
  }
  crossed(peer);
}
