/**
 * The server node's side of Qnet: a remote client is a proxy process with vthreads (keyed by the
 * client's pid and tids), its sends are ordinary `SendWait`s in the real channel queues, so every
 * local rule (queue order, priority, unblock and disconnect pulses, deaths) holds here unchanged;
 * their ends go back as REPLY or ERROR frames (qnet.md §2, §3.3).
 * @internal
 * @packageDocumentation
 */
import { _NTO_CHF_PRIVATE, _NTO_SIDE_CHANNEL, PRIORITY_DEFAULT, PRIORITY_MAX, SIGEV_PULSE_PRIO_INHERIT, STATE_REPLY } from '../constants.js';
import { detachEntry } from '../connections.js';
import { closeAsync } from '../asyncTeardown.js';
import { threadExit } from '../deaths.js';
import { ERRNO } from '../errno.js';
import { Connection, Process, Pulse, SendWait, Thread, type Completion } from '../objects.js';
import type { KernelCore } from '../core.js';
import { queuePulse } from '../pulseDelivery.js';
import { expireWait, unblockThread } from '../release.js';
import { mayPulse } from '../security.js';
import { offer } from '../transfer.js';
import type { Sigevent } from '../types.js';
import { F, FLAG_EXPIRED, FLAG_GROW, bytesText, textBytes, type Frame } from './frames.js';
import { crossed } from './keepAlive.js';
import type { NetManager } from './NetManager.js';
import { netCall, type Peer } from './Peer.js';
import { sendTo } from './frameOut.js';

const SCOID_MAX = 0xffff;
const EMPTY = new Uint8Array(0);
const NOOP = (): void => {};

/**
 * The proxy of the peer's process `pid` (made on its first CONNECT); its claimed credentials are
 * trusted (Qnet), except a claimed root where the node squashes it (`squashRemoteRoot`, as NFS).
 */
function proxyOf(m: NetManager, peer: Peer, pid: number, uid: number, gid: number): Process {
  let p = peer.proxies.get(pid);
  if (p === undefined || !p.alive) {
    if (m.squashUid >= 0) {
      if (uid === 0) uid = m.squashUid;
      if (gid === 0) gid = m.squashUid;
    }
    p = new Process(pid, `${peer.name}/${pid}`, uid, gid, PRIORITY_DEFAULT, []);
    p.nd = peer.nd;
    peer.proxies.set(pid, p);
  }
  return p;
}

/** A proxy with no connection and no waiting vthread is forgotten. */
function maybeForget(peer: Peer, proxy: Process): void {
  if (proxy.coids.size > 0) return;
  for (const t of proxy.threads.values()) if (t.wait !== null) return;
  proxy.alive = false;
  peer.proxies.delete(proxy.pid);
}

function onConnect(m: NetManager, peer: Peer, f: Frame): void {
  const k = m.k;
  const cid = f.id;
  // body: the server's pid and chid, then the client's pid and its claimed uid and gid
  const [pid, chid, clientPid, uid, gid] = f.body as [number, number, number, number, number];
  const target = k.processes.get(pid);
  const ch = target?.channels.get(chid);
  let errno = 0;
  if (target === undefined || !target.alive || ch === undefined || !ch.alive) errno = ERRNO.ESRCH;
  else if ((ch.flags & _NTO_CHF_PRIVATE) !== 0) errno = ERRNO.EPERM;
  const idx = errno === 0 ? target!.scoids.lowestFree(1, SCOID_MAX + 1) : 0;
  if (errno === 0 && idx > SCOID_MAX) errno = ERRNO.EAGAIN;
  if (errno !== 0) {
    peer.refused.set(cid, errno);
    m.sendTo(peer, F.CONNECT_FAIL, cid, [errno]);
    return;
  }
  const proxy = proxyOf(m, peer, clientPid, uid, gid);
  // the proxy's pid is the client's; its coid for this connection is the cid
  const conn = new Connection(proxy, ch!, target!, idx, _NTO_SIDE_CHANNEL | idx, null);
  target!.scoids.set(idx, conn);
  ch!.connections.add(conn);
  conn.coids = 1;
  proxy.coids.set(cid, { coid: cid, conn, flags: 0 });
  peer.accepted.set(cid, conn);
  if (k.tracer !== null) k.trace('connect', proxy, { nd: peer.nd, pid, chid, scoid: conn.scoid });
  m.sendTo(peer, F.CONNECTED, cid, [conn.scoid, ch!.flags]);
}

function onSend(m: NetManager, peer: Peer, f: Frame): void {
  const k = m.k;
  const xid = f.id;
  const body = f.body;
  const cid = body[0]!;
  const tid = body[1]!;
  const coid = body[2]!;
  const priority = body[3]!;
  const tflags = body[4]!;
  const rlen = body[6]!;
  const srcnd = body[7]!;
  const conn = peer.accepted.get(cid);
  const ch = conn?.channel;
  if (conn === undefined || ch === null || ch === undefined || !ch.alive) {
    m.sendTo(peer, F.ERROR, xid, [peer.refused.get(cid) ?? ERRNO.ESRCH, 0]);
    return;
  }
  const proxy = conn.client;
  const prio = Math.min(PRIORITY_MAX, Math.max(1, priority));
  let vt = proxy.threads.get(tid);
  if (vt === undefined) {
    vt = new Thread(tid, proxy, 'vthread', prio, prio);
    proxy.threads.set(tid, vt);
  }
  if (vt.wait !== null) {
    m.sendTo(peer, F.ERROR, xid, [ERRNO.EBUSY, 0]);
    return;
  }
  vt.priority = vt.basePriority = prio;
  const grow = (f.flags & FLAG_GROW) !== 0;
  // the reply is built here and travels back whole (a growing client) or cut to its buffer
  // a fixed reply buffer is the vthread's, reused once its last reply went out (a frame copies it)
  let rmsg: Uint8Array | Uint8Array[];
  if (grow) rmsg = [EMPTY];
  else {
    const n = Math.max(0, rlen);
    let local = vt.local;
    if (local === null || local.length !== n) vt.local = local = new Uint8Array(n);
    else local.fill(0);
    rmsg = local;
  }
  // the vthread's last send serves again once heard, as a local thread's does
  const last = vt.lastSend;
  const reused = last !== null && k.heard(last);
  const net = reused ? last.net : null;
  const w = reused
    ? last.init(conn, coid, ch, f.payload, rmsg, prio, NOOP, f.payload.length, Math.max(0, rlen), grow)
    : (vt.lastSend = new SendWait(vt, conn, coid, ch, f.payload, rmsg, prio, NOOP, f.payload.length, Math.max(0, rlen), grow));
  w.net = netCall(net, false, xid, peer, srcnd, m.firstChunkBytes);
  w.timeoutFlags = tflags;
  w.expired = (f.flags & FLAG_EXPIRED) !== 0;
  conn.blocked++;
  vt.wait = w;
  peer.vsends.set(xid, w);
  if (k.tracer !== null) k.trace('send', vt, { nd: peer.nd, coid, chid: ch.chid, to: ch.owner.pid, bytes: w.slen });
  try {
    offer(k, w);
  } finally {
    // after the offer: a send answered within it never made the peer busy (no ref and unref)
    crossed(peer);
  }
}

function onPulse(m: NetManager, peer: Peer, f: Frame): void {
  const k = m.k;
  // the window: credit goes back in batches (and with heartbeats)
  if (++peer.owed >= Math.max(1, m.window >> 1)) {
    m.sendTo(peer, F.CREDIT, 0, [peer.owed]);
    peer.owed = 0;
  }
  const conn = peer.accepted.get(f.id);
  const ch = conn?.channel;
  const [code, priority, value] = f.body as [number, number, number];
  if (conn === undefined || ch === null || ch === undefined || !ch.alive) {
    if (k.tracer !== null) k.trace('drop', null, { what: 'pulse', nd: peer.nd, code, errno: ERRNO.EBADF });
    return;
  }
  // QNX: a remote pulse is not guaranteed; one the credential rule refuses is dropped and traced
  if (!mayPulse(conn.client, ch.owner)) {
    if (k.tracer !== null) k.trace('drop', conn.client, { what: 'pulse', nd: peer.nd, code, errno: ERRNO.EPERM });
    return;
  }
  queuePulse(k, ch, new Pulse(code, value, Math.min(PRIORITY_MAX, Math.max(1, priority)), conn.scoid));
}

/** Frames for this node's servers (and the global name table). */
export function onFrame(m: NetManager, peer: Peer, f: Frame): void {
  const k = m.k;
  switch (f.kind) {
    case F.CONNECT:
      onConnect(m, peer, f);
      return;
    case F.SEND:
      onSend(m, peer, f);
      return;
    case F.UNBLOCK: {
      const w = peer.vsends.get(f.id);
      if (w !== undefined && w.thread.wait === w) unblockThread(k, w.thread, f.body[0]!);
      return;
    }
    case F.TIMEOUT: {
      const w = peer.vsends.get(f.id);
      if (w !== undefined) expireWait(k, w, f.body[0]!);
      return;
    }
    case F.CANCEL: {
      // the client thread died: its vthread dies as a local client thread would
      const w = peer.vsends.get(f.id);
      if (w !== undefined && w.thread.wait === w) threadExit(k, w.thread, false);
      return;
    }
    case F.PULSE:
      onPulse(m, peer, f);
      return;
    case F.DETACH: {
      const conn = peer.accepted.get(f.id);
      peer.accepted.delete(f.id);
      peer.refused.delete(f.id);
      if (conn === undefined) return;
      const proxy = conn.client;
      // its asynchronous side too: the sender ran the callbacks of what was left (EBADF)
      const rc = proxy.asyncConns.get(f.id);
      if (rc !== undefined) {
        closeAsync(k, rc, false);
        proxy.asyncConns.delete(f.id);
      }
      detachEntry(k, proxy, f.id, proxy.priority);
      maybeForget(peer, proxy);
      return;
    }
    case F.RESOLVE: {
      // `open("/net/<this node>/<path>")` from the peer: who serves the path here
      const entry = k.paths.get(bytesText(f.payload));
      m.sendTo(peer, F.RESOLVED, f.id, entry === undefined ? [ERRNO.ENOENT, 0, 0] : [0, entry.pid, entry.chid]);
      return;
    }
    case F.NAME_ADD:
    case F.NAME_DEL:
      m.names.onFrame(peer, f.kind === F.NAME_ADD, bytesText(f.payload), f.body[0]!, f.body[1]!);
      return;
    default:
      m.k.trace('drop', null, { what: 'frame', kind: f.kind, nd: peer.nd });
  }
}

/** The body of every REPLY and ERROR frame, rewritten for each (sendTo reads it before it returns). */
const ANSWER_BODY = [0, 0];

/** A vthread's send ended: REPLY (the bytes the client's buffer takes) or ERROR. */
export function answer(m: NetManager, w: SendWait, err: number, result: number): void {
  const net = w.net!;
  const peer = net.peer as Peer;
  if (peer.vsends.get(net.xid) === w) {
    peer.vsends.delete(net.xid);
    crossed(peer);
  }
  if (peer.state !== 'up') return;
  // what the server wrote into the reply buffer goes with a REPLY, and with an ERROR too (bytes
  // MsgWrite'd before MsgError: the binding's description of a failure, see RemoteError)
  const part = Array.isArray(w.rmsg) ? (w.rmsg as Uint8Array[])[0]! : (w.rmsg as Uint8Array);
  const n = Math.min(w.aux, part.length);
  const bytes = n === part.length ? part : part.subarray(0, n);
  const b = ANSWER_BODY;
  b[0] = err !== 0 ? err : result;
  b[1] = w.aux;
  sendTo(m, peer, err !== 0 ? F.ERROR : F.REPLY, net.xid, b, bytes, 0);
  const proxy = w.thread.process;
  if (proxy.coids.size === 0) maybeForget(peer, proxy);
}

/** The channel of a proxy's connection was destroyed: its client node kills the coids (COIDDEATH). */
export function channelGone(m: NetManager, conn: Connection): void {
  const proxy = conn.client;
  const peer = m.peer(proxy.nd);
  if (peer === undefined) return;
  for (const [cid, c] of peer.accepted) {
    if (c === conn) m.sendTo(peer, F.CHANNEL_GONE, cid, []);
  }
}

/** MsgDeliverEvent to a remote client: an EVENT frame; its node delivers it (or drops it, traced). */
export function event(m: NetManager, proxy: Process, ev: Sigevent, basePriority: number): void {
  const peer = m.peer(proxy.nd);
  if (peer === undefined) return;
  const prio = ev.sigev_priority === undefined || ev.sigev_priority === SIGEV_PULSE_PRIO_INHERIT ? basePriority : ev.sigev_priority;
  m.sendTo(peer, F.EVENT, proxy.pid, [ev.sigev_coid ?? -1, prio, ev.sigev_code ?? 0, ev.sigev_value?.sival_int ?? 0]);
}

/**
 * The RECEIVED frames a kernel call defers to its end (`NetManager.received`), as pairs (wait,
 * its xid when received), in two arrays used in turn from call to call: no allocation per message.
 */
export class ReceivedLater {
  private items: Array<SendWait | number> = [];
  private spare: Array<SendWait | number> = [];
  private n = 0;
  private queued = false;
  private readonly completion: Completion;

  constructor(private readonly k: KernelCore, m: NetManager) {
    this.completion = {
      err: 0, result: 0, aux: 0,
      done: () => {
        const list = this.items;
        const n = this.n;
        this.items = this.spare;
        this.spare = list;
        this.n = 0;
        this.queued = false;
        sendReceived(m, list, n);
        list.fill(0, 0, n); // no wait kept alive
      },
    };
  }

  add(item: SendWait | number): void {
    this.items[this.n++] = item;
    if (this.queued) return;
    this.queued = true;
    this.k.complete(this.completion, 0, 0);
  }
}

/**
 * The deferred RECEIVED frames of a kernel call, the first `n` of `list` as pairs (wait, its xid
 * when received): sent only for sends still REPLY-blocked (a server that replied at once sent
 * REPLY instead; a wait reused since carries another xid).
 */
export function sendReceived(m: NetManager, list: Array<SendWait | number>, n = list.length): void {
  for (let i = 0; i < n; i += 2) {
    const w = list[i] as SendWait;
    const xid = list[i + 1] as number;
    const peer = w.net?.peer as Peer | undefined;
    if (peer === undefined || w.net!.xid !== xid || peer.vsends.get(xid) !== w || w.thread.state !== STATE_REPLY) continue;
    m.sendTo(peer, F.RECEIVED, xid, []);
  }
}

/** Tell a peer that just came up which global names this node provides. */
export function announceNames(m: NetManager, peer: Peer): void {
  for (const [name, pid, chid] of m.names.local()) m.sendTo(peer, F.NAME_ADD, 0, [pid, chid], textBytes(name));
}

/** A peer was quarantined: its names go. */
export function forgetNamesOf(m: NetManager, peer: Peer): void {
  m.names.forgetNode(peer.nd);
}
