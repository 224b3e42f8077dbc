/**
 * What a server does with an rcvid: MsgReply, MsgError, MsgRead, MsgWrite, MsgInfo,
 * MsgDeliverEvent.
 * @internal
 * @packageDocumentation
 */
import { checkedLength, copyBuffers, copyFromStart, type Buffers } from './buffers.js';
import { _NTO_MI_UNBLOCK_REQ, STATE_REPLY } from './constants.js';
import { alive, fail, int, outParam, type KernelCore } from './core.js';
import { ERRNO } from './errno.js';
import { deliverEventFor, validateEvent } from './events.js';
import type { Process, SendWait, Thread } from './objects.js';
import { leaveReply, releaseSender } from './release.js';
import { offer } from './transfer.js';
import { heldSend } from './rcvids.js';
import type { MsgInfo, Sigevent } from './types.js';
import { KernelError } from './KernelError.js';

/** The REPLY-blocked sender `rcvid` names in the caller's process, or ESRCH. */
export function replyBlocked(t: Thread, rcvid: number, call: string): SendWait {
  alive(t, call);
  int(rcvid, call, 'rcvid');
  // an rcvid names one send while it is REPLY-blocked (rcvids.ts), never the client's next one
  const w = rcvid > 0 ? heldSend(t.process, rcvid) : undefined;
  if (w === undefined || w.thread.state !== STATE_REPLY) throw fail('ESRCH', call, { rcvid });
  return w;
}

export function msgReply(k: KernelCore, t: Thread, rcvid: number, status: number, msg: Buffers | null, bytes?: number): number {
  const call = 'MsgReply';
  const w = replyBlocked(t, rcvid, call);
  int(status, call, 'status');
  if (msg !== null) {
    const len = checkedLength(msg, call);
    const n = bytes === undefined ? len : int(bytes, call, 'bytes');
    if (n < 0) throw fail('EINVAL', call, { rcvid });
    const extent = n < len ? n : len;
    if (w.growReply) room(w, extent);
    copyFromStart(msg, w.rmsg, extent);
    if (extent > w.aux) w.aux = extent;
  }
  if (k.tracer !== null) k.trace('reply', t, { rcvid, status, to: w.thread.process.pid });
  releaseSender(k, w, 0, status);
  return 0;
}

export function msgError(k: KernelCore, t: Thread, rcvid: number, error: number): number {
  const call = 'MsgError';
  const w = replyBlocked(t, rcvid, call);
  int(error, call, 'error');
  if (k.tracer !== null) k.trace('error', t, { rcvid, errno: error, to: w.thread.process.pid });
  if (error === ERRNO.EOK) {
    releaseSender(k, w, 0, 0);
  } else if (error === ERRNO.ERESTART) {
    // the client's call starts over: back through SEND (or straight to a waiting receiver)
    leaveReply(w);
    w.unblockRequested = false;
    w.aux = 0;
    if (w.net !== null) k.net!.requeued(w);
    offer(k, w);
  } else if (error === -1) {
    // QNX 7.0.1: hand over the error recorded with the unblock pulse
    if (!w.unblockRequested) throw fail('EINVAL', call, { rcvid });
    releaseSender(k, w, w.unblockErr, 0);
  } else {
    // an errno is a C int: negative ones (but -1 above) and ones past int32 are not errnos
    if (error < 0 || error > 0x7fffffff) throw fail('EINVAL', call, { rcvid });
    releaseSender(k, w, error, 0);
  }
  return 0;
}

/**
 * A growing reply (`growReply`, one part) is given room for `extent` bytes: part 0 is replaced by
 * a buffer of that size holding what was written so far. Other replies are truncated (the model).
 */
function room(w: SendWait, extent: number): void {
  const iov = w.rmsg as Uint8Array[];
  const part = iov[0]!;
  if (extent <= part.length) return;
  const grown = new Uint8Array(extent);
  grown.set(part.subarray(0, Math.min(w.aux, part.length)));
  iov[0] = grown;
}

/** The byte count of MsgRead/MsgWrite (at most `msg`'s length) and its offset, checked: EINVAL for negatives or non-integers. */
function span(msg: Buffers, bytes: number | undefined, offset: number, call: string, rcvid: number): number {
  const len = checkedLength(msg, call);
  const n = bytes === undefined ? len : int(bytes, call, 'bytes');
  int(offset, call, 'offset');
  if (n < 0 || offset < 0) throw fail('EINVAL', call, { rcvid });
  return n < len ? n : len;
}

export function msgRead(t: Thread, rcvid: number, msg: Buffers, bytes: number | undefined, offset: number): number {
  const w = replyBlocked(t, rcvid, 'MsgRead');
  return copyBuffers(w.smsg, offset, msg, 0, span(msg, bytes, offset, 'MsgRead', rcvid));
}

export function msgWrite(t: Thread, rcvid: number, msg: Buffers, bytes: number | undefined, offset: number): number {
  const w = replyBlocked(t, rcvid, 'MsgWrite');
  const n = span(msg, bytes, offset, 'MsgWrite', rcvid);
  if (n > 0 && w.growReply) room(w, offset + n);
  const written = copyBuffers(msg, 0, w.rmsg, offset, n);
  if (n > 0 && offset + n > w.aux) w.aux = offset + n;
  return written;
}

export function msgInfo(t: Thread, rcvid: number, info: MsgInfo): number {
  const w = replyBlocked(t, rcvid, 'MsgInfo');
  outParam(info, 'MsgInfo', 'info');
  info.nd = w.thread.process.nd;
  info.srcnd = w.net?.srcnd ?? 0;
  info.pid = w.thread.process.pid;
  info.tid = w.thread.tid;
  info.chid = w.channel.chid;
  info.scoid = w.conn.scoid;
  info.coid = w.coid;
  info.msglen = w.copied;
  info.srcmsglen = w.slen;
  info.dstmsglen = w.rlen;
  info.priority = w.priority;
  info.flags = w.unblockRequested ? _NTO_MI_UNBLOCK_REQ : 0;
  return 0;
}

/**
 * MsgDeliverEvent: the rcvid stays usable after the reply, for as long as the client's
 * connection exists. `sigev_coid` is one of the client's connections.
 */
export function msgDeliverEvent(k: KernelCore, t: Thread, rcvid: number, ev: Sigevent): number {
  const call = 'MsgDeliverEvent';
  alive(t, call);
  int(rcvid, call, 'rcvid');
  const bad = validateEvent(ev, false);
  if (bad !== 0) throw new KernelError(bad, call, { rcvid });
  const client = clientOf(t.process, rcvid);
  if (client === null) throw fail('ESRCH', call, { rcvid });
  const err = deliverEventFor(k, client, ev, client.priority);
  if (err !== 0) throw new KernelError(err, call, { rcvid });
  return 0;
}

function clientOf(server: Process, rcvid: number): Process | null {
  if (rcvid <= 0) return null;
  const conn = server.scoids.get(rcvid & 0xffff);
  if (conn === undefined || conn.serverSide !== 'connected' || !conn.client.alive) return null;
  return conn.client;
}
