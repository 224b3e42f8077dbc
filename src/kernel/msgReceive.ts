/**
 * MsgReceive and MsgReceivePulse: the server side of a channel.
 * @internal
 * @packageDocumentation
 */
import { checkedLength, type Buffers } from './buffers.js';
import { _NTO_TIMEOUT_RECEIVE, STATE_RECEIVE } from './constants.js';
import { callable, fail, int, outParam, type KernelCore } from './core.js';
import { ERRNO } from './errno.js';
import { Pulse, ReceiveWait, type Done, type Thread } from './objects.js';
import { deliverPulse } from './pulseDelivery.js';
import { setLastChannel } from './priority.js';
import { armTimeout, takeTimeout } from './release.js';
import { transfer } from './transfer.js';
import type { MsgInfo } from './types.js';


export function msgReceive(
  k: KernelCore, t: Thread, chid: number, rmsg: Buffers, info: MsgInfo | null, done: Done, pulseOnly = false,
): void {
  const call = pulseOnly ? 'MsgReceivePulse' : 'MsgReceive';
  callable(t, call);
  int(chid, call, 'chid');
  if (chid === -1) {
    // QNX 7: MsgReceive(-1) only dissociates the thread from server boost
    setLastChannel(t, null);
    throw fail('ESRCH', call, { chid });
  }
  const ch = t.process.channels.get(chid);
  if (ch === undefined) throw fail('ESRCH', call, { chid });
  // output buffers and the info struct are checked before anything is dequeued
  checkedLength(rmsg, call);
  // the binding's own fresh block (see Thread.receiveInfo) is known to take the fields
  if (info !== null && info !== t.receiveInfo) outParam(info, call, 'info');
  const to = takeTimeout(t);
  const last = t.lastReceive;
  const r = last !== null && k.heard(last)
    ? last.init(ch, rmsg, info, pulseOnly, done)
    : (t.lastReceive = new ReceiveWait(t, ch, rmsg, info, pulseOnly, done));
  t.wait = r;
  const item = pulseOnly ? ch.sendQueue.shiftPulse() : ch.sendQueue.shift();
  if (item !== undefined) {
    if (item instanceof Pulse) deliverPulse(k, r, item);
    else transfer(k, item, r);
    return;
  }
  if (to !== null && (to.flags & _NTO_TIMEOUT_RECEIVE) !== 0 && to.ms === null) {
    t.wait = null;
    k.complete(r, ERRNO.ETIMEDOUT, 0);
    return;
  }
  t.state = STATE_RECEIVE;
  setLastChannel(t, ch);
  (pulseOnly ? ch.pulseReceivers : ch.receivers).push(r);
  if (to !== null && (to.flags & _NTO_TIMEOUT_RECEIVE) !== 0) armTimeout(k, r, to);
}
