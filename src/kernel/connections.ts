/**
 * ConnectAttach, ConnectDetach and ConnectServerInfo, with QNX's two coid spaces and
 * connection sharing.
 * @internal
 * @packageDocumentation
 */
import {
  _NTO_CHF_PRIVATE, _NTO_CHF_UNBLOCK, _NTO_COF_DEAD, _NTO_COF_CLOEXEC, _NTO_COF_NOSHARE,
  _NTO_SIDE_CHANNEL, COF_USER, ND_NODE_MASK, STATE_REPLY, STATE_SEND, SYSMGR_COID,
} from './constants.js';
import { checkConnRefs } from './connRefs.js';
import { alive, fail, int, type KernelCore, outParam } from './core.js';
import { ERRNO } from './errno.js';
import { Connection, SendWait, type Process, type Thread } from './objects.js';
import { releaseSender, requestUnblock } from './release.js';
import type { ClientInfo, MsgInfo } from './types.js';

const SCOID_MAX = 0xffff;

export function connectAttach(
  k: KernelCore, t: Thread, nd: number, pid: number, chid: number, index: number, flags: number,
): number {
  const call = 'ConnectAttach';
  alive(t, call);
  for (const [v, n] of [[nd, 'nd'], [pid, 'pid'], [chid, 'chid'], [index, 'index'], [flags, 'flags']] as const) int(v, call, n);
  if ((flags & ~COF_USER) !== 0 || flags < 0) throw fail('EINVAL', call);
  // only the node bits count (ND_NODE_CMP): QoS bits on nd 0 still name this node
  if ((nd & ND_NODE_MASK) !== 0) {
    if (k.net === null) throw fail('ENOREMOTE', call);
    return k.net.attach(k, t, nd & ND_NODE_MASK, pid, chid, index, flags);
  }
  const target = k.processOf(t, pid, call);
  const ch = target.channels.get(chid);
  if (ch === undefined || !ch.alive) throw fail('ESRCH', call, { pid, chid });
  if ((ch.flags & _NTO_CHF_PRIVATE) !== 0 && target !== t.process) throw fail('EPERM', call, { pid, chid });
  const p = t.process;
  const coid = allocateCoid(p, index, k.rlimitNofile, call);
  const key = `${nd}:${target.pid}:${chid}`;
  let conn = (flags & _NTO_COF_NOSHARE) === 0 ? p.shared.get(key) : undefined;
  if (conn === undefined || conn.channel !== ch || conn.serverSide !== 'connected') {
    const idx = target.scoids.lowestFree(1, SCOID_MAX + 1);
    if (idx > SCOID_MAX) throw fail('EAGAIN', call);
    const shareKey = (flags & _NTO_COF_NOSHARE) === 0 ? key : null;
    conn = new Connection(p, ch, target, idx, _NTO_SIDE_CHANNEL | idx, shareKey);
    target.scoids.set(idx, conn);
    ch.connections.add(conn);
    if (shareKey !== null) p.shared.set(shareKey, conn);
  }
  conn.coids++;
  p.coids.set(coid, { coid, conn, flags });
  if (k.tracer !== null) k.trace('connect', t, { coid, pid: target.pid, chid, scoid: conn.scoid });
  return coid;
}

export function allocateCoid(p: Process, index: number, rlimit: number, call: string): number {
  if ((index & _NTO_SIDE_CHANNEL) !== 0) {
    // side-channel space; index 0 of it is the process manager's connection (SYSMGR_COID)
    const coid = p.coids.lowestFree(_NTO_SIDE_CHANNEL | 1, _NTO_SIDE_CHANNEL | (SCOID_MAX + 1));
    if ((coid & ~_NTO_SIDE_CHANNEL) > SCOID_MAX) throw fail('EAGAIN', call);
    return coid;
  }
  if (index < 0 || index >= rlimit) throw fail('EINVAL', call);
  const fd = p.coids.lowestFree(index, rlimit);
  if (fd >= rlimit) throw fail('EMFILE', call);
  return fd;
}

export function connectDetach(k: KernelCore, t: Thread, coid: number): number {
  const call = 'ConnectDetach';
  alive(t, call);
  int(coid, call, 'coid');
  const p = t.process;
  const entry = p.coids.get(coid);
  if (entry === undefined) {
    if (coid === SYSMGR_COID) throw fail('EPERM', call, { coid });
    // a server detaching a scoid: allowed only after the disconnect pulse
    if ((coid & _NTO_SIDE_CHANNEL) !== 0) {
      const conn = p.scoids.get(coid & ~_NTO_SIDE_CHANNEL);
      if (conn !== undefined && conn.serverSide === 'disconnected') {
        conn.serverSide = 'freed';
        p.scoids.delete(conn.scoidIndex);
        conn.channel?.connections.delete(conn);
        return 0;
      }
    }
    throw fail('EINVAL', call, { coid });
  }
  detachEntry(k, p, coid, t.priority);
  if (k.tracer !== null) k.trace('detach', t, { coid });
  return 0;
}

/** Remove one coid; threads blocked through it are released (EBADF) or ask to unblock. */
export function detachEntry(k: KernelCore, p: Process, coid: number, prio: number): void {
  const entry = p.coids.get(coid);
  if (entry === undefined) return;
  p.coids.delete(coid);
  const conn = entry.conn;
  conn.coids--;
  for (const th of [...p.threads.values()]) {
    const w = th.wait;
    if (!(w instanceof SendWait) || w.coid !== coid || w.conn !== conn) continue;
    // a remote send: the server node applies the same rule when it hears of the detach
    if (w.net !== null) k.net!.unblock(w, ERRNO.EBADF);
    else if (th.state === STATE_SEND) releaseSender(k, w, ERRNO.EBADF, 0);
    else if (th.state === STATE_REPLY) {
      if ((w.channel.flags & _NTO_CHF_UNBLOCK) !== 0 && w.channel.alive) requestUnblock(k, w, ERRNO.EBADF);
      else releaseSender(k, w, ERRNO.EBADF, 0);
    }
  }
  checkConnRefs(k, conn, prio);
}

/**
 * ConnectServerInfo: fills `info` for `coid`, or for the next higher coid that exists (fd
 * space first, then side channels). With `info === null` coids whose server is gone are skipped.
 * Returns the coid reported.
 */
export function connectServerInfo(k: KernelCore, t: Thread, pid: number, coid: number, info: MsgInfo | null): number {
  const call = 'ConnectServerInfo';
  alive(t, call);
  int(pid, call, 'pid');
  int(coid, call, 'coid');
  if (info !== null) outParam(info, call, 'info');
  const p = k.processOf(t, pid, call);
  const ids = [...p.coids.keys()].filter((c) => c >= coid).sort((a, b) => a - b);
  for (const c of ids) {
    const e = p.coids.get(c)!;
    const ch = e.conn.channel;
    const dead = ch === null || !ch.alive;
    if (dead && info === null) continue;
    if (info !== null) {
      const remote = e.conn.remote;
      info.nd = remote?.peer.nd ?? 0;
      info.srcnd = 0;
      info.pid = remote?.pid ?? e.conn.server.pid;
      info.tid = 0;
      info.chid = remote?.chid ?? ch?.chid ?? -1;
      info.scoid = remote?.scoid ?? e.conn.scoid;
      info.coid = c;
      info.msglen = 0;
      info.srcmsglen = 0;
      info.dstmsglen = 0;
      info.priority = 0;
      info.flags = (dead ? _NTO_COF_DEAD : 0) | (e.flags & _NTO_COF_CLOEXEC);
    }
    return c;
  }
  throw fail('EINVAL', call, { coid });
}

/**
 * ConnectClientInfo: the client behind server connection `scoid` (-1: the caller's own process).
 * EINVAL if `scoid` is not one of the caller's server connections.
 */
export function connectClientInfo(t: Thread, scoid: number, info: ClientInfo, ngroups: number): number {
  const call = 'ConnectClientInfo';
  alive(t, call);
  int(scoid, call, 'scoid');
  int(ngroups, call, 'ngroups');
  outParam(info, call, 'info');
  outParam(info.cred, call, 'info.cred');
  let client: Process;
  if (scoid === -1) client = t.process;
  else {
    const conn = (scoid & _NTO_SIDE_CHANNEL) !== 0 ? t.process.scoids.get(scoid & ~_NTO_SIDE_CHANNEL) : undefined;
    if (conn === undefined || conn.serverSide === 'freed') throw fail('EINVAL', call, { coid: scoid });
    client = conn.client;
  }
  info.nd = client.nd;
  info.pid = client.pid;
  info.sid = client.pid;
  info.flags = 0;
  const c = info.cred;
  c.ruid = c.euid = c.suid = client.uid;
  c.rgid = c.egid = c.sgid = client.gid;
  c.ngroups = 0;
  c.grouplist = [];
  return 0;
}
