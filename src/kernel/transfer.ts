/**
 * Moving a message from a sender to a receiver: SEND-blocked or straight to REPLY-blocked.
 * @internal
 * @packageDocumentation
 */
import { copyFromStart, byteLength } from './buffers.js';
import { _NTO_SIDE_CHANNEL, _NTO_TIMEOUT_REPLY, _NTO_TIMEOUT_SEND, STATE_READY, STATE_REPLY, STATE_SEND } from './constants.js';
import type { KernelCore } from './core.js';
import { ERRNO } from './errno.js';
import type { ReceiveWait, SendWait } from './objects.js';
import { boost, inherit } from './priority.js';
import { onStateEntered, releaseSender } from './release.js';
import { holdRcvid } from './rcvids.js';

/** Copy `w`'s message into receiver `r`, make `w` REPLY-blocked and complete `r` with the rcvid. */
export function transfer(k: KernelCore, w: SendWait, r: ReceiveWait): void {
  const ch = w.channel;
  const rt = r.thread;
  if (r.timer !== null) { r.timer.unsubscribe(); r.timer = null; }
  const room = byteLength(r.rmsg);
  // a remote message may be presented in a first chunk only (`firstChunkBytes`), as Qnet does
  const copied = copyFromStart(w.smsg, r.rmsg, w.net !== null && w.net.chunk > 0 ? Math.min(room, w.net.chunk) : room);
  const rcvid = holdRcvid(w);
  w.copied = copied;
  const info = r.info;
  if (info !== null) {
    info.nd = w.thread.process.nd;
    info.srcnd = w.net?.srcnd ?? 0;
    info.pid = w.thread.process.pid;
    info.tid = w.thread.tid;
    info.chid = ch.chid;
    info.scoid = w.conn.scoid;
    info.coid = w.coid;
    info.msglen = copied;
    info.srcmsglen = w.slen;
    info.dstmsglen = w.rlen;
    info.priority = w.priority;
    info.flags = 0;
  }
  w.thread.state = STATE_REPLY;
  ch.replySet.add(w);
  rt.wait = null;
  rt.state = STATE_READY;
  inherit(rt, ch, w.priority);
  if (k.tracer !== null) k.trace('receive', rt, { chid: ch.chid, rcvid, from: w.thread.process.pid, msglen: copied });
  k.complete(r, 0, rcvid);
  if (w.net !== null) k.net!.received(w);
  onStateEntered(k, w, STATE_REPLY);
}

/**
 * Offer `w` to its channel: to the receiver that blocked last, or into the send queue.
 * `w.thread.wait` is already `w`.
 */
export function offer(k: KernelCore, w: SendWait): void {
  const ch = w.channel;
  const r = ch.receivers.pop();
  if (r !== undefined) {
    if (w.expired && (w.timeoutFlags & _NTO_TIMEOUT_REPLY) !== 0) {
      // an immediate REPLY timeout fails before the message is delivered: touch nothing
      ch.receivers.push(r);
      releaseSender(k, w, ERRNO.ETIMEDOUT, 0);
      return;
    }
    transfer(k, w, r);
    return;
  }
  if (w.expired && (w.timeoutFlags & _NTO_TIMEOUT_SEND) !== 0) {
    releaseSender(k, w, ERRNO.ETIMEDOUT, 0);
    return;
  }
  w.thread.state = STATE_SEND;
  ch.sendQueue.push(w);
  if (k.tracer !== null) k.trace('state', w.thread, { state: 'SEND', chid: ch.chid });
  boost(ch, w.priority);
}

/** `_NTO_SIDE_CHANNEL | index`. */
export function scoidOf(index: number): number {
  return _NTO_SIDE_CHANNEL | index;
}
