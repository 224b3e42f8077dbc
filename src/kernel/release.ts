/**
 * Leaving a blocked state: replies, errors, unblock requests, timeouts and deaths all end here.
 * @internal
 * @packageDocumentation
 */
import {
  _NTO_CHF_UNBLOCK, _NTO_TIMEOUT_RECEIVE, _NTO_TIMEOUT_REPLY, _NTO_TIMEOUT_SEND, _PULSE_CODE_UNBLOCK,
  SIGEV_PULSE, STATE_DEAD, STATE_READY, STATE_RECEIVE, STATE_REPLY, STATE_SEND,
} from './constants.js';
import { checkConnRefs } from './connRefs.js';
import type { KernelCore } from './core.js';
import { ERRNO } from './errno.js';
import { ReceiveWait, SendWait, SleepWait, type Thread, type TimeoutArm } from './objects.js';
import { kernelPulse } from './pulseDelivery.js';
import { deliverEventFor } from './events.js';
import { forgetRcvid } from './rcvids.js';

/** End `w`'s send: out of every queue, reference dropped, continuation completed (unless dead). */
export function releaseSender(k: KernelCore, w: SendWait, err: number, result: number): void {
  const t = w.thread;
  const ch = w.channel;
  if (w.timer !== null) { w.timer.unsubscribe(); w.timer = null; }
  const net = w.net;
  if (net !== null) {
    // a remote send sits in no local queue: the client forgets its xid; a vthread's end is
    // its answer to the client node (also for a zombie, whose client thread waits for it)
    if (net.client) k.net!.forget(w);
    else {
      if (t.state === STATE_SEND) ch.sendQueue.remove(w);
      else if (t.state === STATE_REPLY) leaveReply(w);
      k.net!.answer(w, err, result);
    }
  } else if (t.state === STATE_SEND) ch.sendQueue.remove(w);
  else if (t.state === STATE_REPLY) leaveReply(w);
  t.wait = null;
  w.conn.blocked--;
  if (t.zombie) {
    t.zombie = false;
    t.state = STATE_DEAD;
    t.process.threads.delete(t.tid);
  } else if (t.alive) {
    t.state = STATE_READY;
    k.complete(w, err, result);
  }
  checkConnRefs(k, w.conn, t.priority);
}

/**
 * `w` leaves REPLY (answered, given up, or sent back through SEND by ERESTART): out of its
 * channel's reply set, its rcvid forgotten, and an unblock pulse the server has not taken yet
 * withdrawn.
 */
export function leaveReply(w: SendWait): void {
  const ch = w.channel;
  ch.replySet.remove(w);
  forgetRcvid(w);
  if (w.unblockPulse !== null) {
    ch.sendQueue.remove(w.unblockPulse);
    w.unblockPulse = null;
  }
}

/** Ask a REPLY-blocked sender's server to let it go (`_NTO_CHF_UNBLOCK`): one pulse per send. */
export function requestUnblock(k: KernelCore, w: SendWait, err: number): void {
  if (w.unblockRequested) return;
  w.unblockRequested = true;
  w.unblockErr = err;
  if (k.tracer !== null) k.trace('unblock', w.thread, { rcvid: w.rcvid, chid: w.channel.chid, errno: err });
  w.unblockPulse = kernelPulse(k, w.channel, _PULSE_CODE_UNBLOCK, w.rcvid, w.thread.priority, w.conn.scoid);
  if (w.unblockPulse !== null) w.unblockPulse.unblockFor = w;
}

/**
 * A signal-like unblock of thread `t` with `err` (EINTR for an unsubscribe, ETIMEDOUT for a
 * timeout, EBADF for a detach): the model's case table (§2.12).
 */
export function unblockThread(k: KernelCore, t: Thread, err: number): void {
  const w = t.wait;
  if (w === null) return;
  if (w instanceof SendWait) {
    if (w.net !== null && w.net.client) {
      // the server node runs this same table when the request arrives (qnet.md §3.3)
      k.net!.unblock(w, err);
    } else if (t.state === STATE_REPLY && (w.channel.flags & _NTO_CHF_UNBLOCK) !== 0 && w.channel.owner.alive) {
      requestUnblock(k, w, err);
    } else {
      if (k.tracer !== null) k.trace(err === ERRNO.ETIMEDOUT ? 'timeout' : 'unblock', t, { chid: w.channel.chid, errno: err });
      releaseSender(k, w, err, 0);
    }
  } else if (w instanceof ReceiveWait) {
    releaseReceiver(k, w, err);
  } else {
    releaseSleeper(k, w, err);
  }
}

export function releaseReceiver(k: KernelCore, r: ReceiveWait, err: number): void {
  if (r.timer !== null) { r.timer.unsubscribe(); r.timer = null; }
  const list = r.pulseOnly ? r.channel.pulseReceivers : r.channel.receivers;
  const i = list.indexOf(r);
  if (i >= 0) list.splice(i, 1);
  const t = r.thread;
  t.wait = null;
  if (t.alive) {
    t.state = STATE_READY;
    k.complete(r, err, 0);
  }
}

export function releaseSleeper(k: KernelCore, s: SleepWait, err: number): void {
  if (s.timer !== null) { s.timer.unsubscribe(); s.timer = null; }
  const t = s.thread;
  t.wait = null;
  if (t.alive) {
    t.state = STATE_READY;
    k.complete(s, err, 0);
  }
}

/** Take the thread's armed TimerTimeout: it applies to this one blocking call only. */
export function takeTimeout(t: Thread): TimeoutArm | null {
  const to = t.timeout;
  t.timeout = null;
  return to;
}

const STATE_BIT: Record<number, number> = {
  [STATE_SEND]: _NTO_TIMEOUT_SEND,
  [STATE_REPLY]: _NTO_TIMEOUT_REPLY,
  [STATE_RECEIVE]: _NTO_TIMEOUT_RECEIVE,
};

/** Arm `to` for the blocking call `w` of thread `t`. Immediate timeouts mark the wait expired. */
export function armTimeout(k: KernelCore, w: SendWait | ReceiveWait, to: TimeoutArm): void {
  if (w instanceof SendWait) w.timeoutFlags = to.flags;
  if (to.ms === null) {
    if (w instanceof SendWait) w.expired = true;
    return;
  }
  w.timer = k.schedule(() => expire(k, w, to), to.ms);
}

function expire(k: KernelCore, w: SendWait | ReceiveWait, to: TimeoutArm): void {
  w.timer = null;
  const t = w.thread;
  if (t.wait !== w) return;
  if (to.notify !== null && (to.notify.sigev_notify & 0xff) === SIGEV_PULSE) {
    // a notify event other than SIGEV_UNBLOCK is delivered instead of unblocking
    deliverEventFor(k, t.process, to.notify, t.process.priority);
    return;
  }
  if (w instanceof SendWait && w.net !== null) {
    // a remote send's state is the server node's: it decides when the TIMEOUT frame arrives
    k.net!.timeout(w, to.flags);
    return;
  }
  expireWait(k, w, to.flags);
}

/**
 * A timeout covering `flags` expired for `w`: unblock it (ETIMEDOUT) if its state is covered,
 * else mark it expired so that the state applies it on entry (also run by the server node for a
 * remote send's TIMEOUT frame).
 */
export function expireWait(k: KernelCore, w: SendWait | ReceiveWait, flags: number): void {
  const t = w.thread;
  if (t.wait !== w) return;
  if ((STATE_BIT[t.state] ?? 0) & flags) {
    unblockThread(k, t, ERRNO.ETIMEDOUT);
  } else if (w instanceof SendWait) {
    // expired in a state it does not cover (e.g. SEND with only the REPLY bit): applies on entry
    w.timeoutFlags |= flags;
    w.expired = true;
  }
}

/** A sender reached `state`: apply an expiry that was waiting for it, drop an unneeded timer. */
export function onStateEntered(k: KernelCore, w: SendWait, state: number): void {
  const bit = STATE_BIT[state] ?? 0;
  if ((w.timeoutFlags & bit) === 0) {
    if (w.timer !== null && state === STATE_REPLY) { w.timer.unsubscribe(); w.timer = null; }
    return;
  }
  if (w.expired) unblockThread(k, w.thread, ERRNO.ETIMEDOUT);
}
