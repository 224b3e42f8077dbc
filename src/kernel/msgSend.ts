/**
 * MsgSend and MsgSendPulse: the client side of a channel.
 * @internal
 * @packageDocumentation
 */
import { checkedLength, type Buffers } from './buffers.js';
import { PRIORITY_MAX } from './constants.js';
import { callable, alive, fail, int, type KernelCore } from './core.js';
import { SendWait, Pulse, type Done, type Thread } from './objects.js';
import { queuePulse } from './pulseDelivery.js';
import { armTimeout, takeTimeout } from './release.js';
import { mayPulse } from './security.js';
import { offer } from './transfer.js';


export function msgSend(k: KernelCore, t: Thread, coid: number, smsg: Buffers, rmsg: Buffers, done: Done, growReply = false, call = 'MsgSend'): void {
  callable(t, call);
  int(coid, call, 'coid');
  const entry = t.process.coids.get(coid);
  const ch = entry?.conn.channel;
  if (entry === undefined || ch === null || ch === undefined || !ch.alive) throw fail('EBADF', call, { coid });
  if (growReply && !(Array.isArray(rmsg) && rmsg.length === 1)) throw fail('EINVAL', call, { coid });
  const slen = checkedLength(smsg, call);
  const rlen = checkedLength(rmsg, call);
  if (entry.conn.remote !== null) {
    k.net!.send(k, t, entry, smsg, rmsg, done, growReply, slen, rlen, call);
    return;
  }
  // the thread's last send has ended (the thread is callable): its object serves again once heard
  const last = t.lastSend;
  const w = last !== null && k.heard(last)
    ? last.init(entry.conn, coid, ch, smsg, rmsg, t.priority, done, slen, rlen, growReply)
    : (t.lastSend = new SendWait(t, entry.conn, coid, ch, smsg, rmsg, t.priority, done, slen, rlen, growReply));
  const to = takeTimeout(t);
  entry.conn.blocked++;
  t.wait = w;
  if (k.tracer !== null) k.trace('send', t, { coid, chid: ch.chid, to: ch.owner.pid, bytes: w.slen });
  if (to !== null) armTimeout(k, w, to);
  offer(k, w);
}

export function msgSendPulse(k: KernelCore, t: Thread, coid: number, priority: number, code: number, value: number): void {
  const call = 'MsgSendPulse';
  alive(t, call);
  int(coid, call, 'coid');
  int(priority, call, 'priority');
  int(code, call, 'code');
  int(value, call, 'value');
  const entry = t.process.coids.get(coid);
  const ch = entry?.conn.channel;
  if (entry === undefined || ch === null || ch === undefined || !ch.alive) throw fail('EBADF', call, { coid });
  const prio = priority === -1 ? t.priority : priority;
  if (prio < 1 || prio > PRIORITY_MAX) throw fail('EINVAL', call, { coid });
  if (code < -128 || code > 127) throw fail('EINVAL', call, { coid });
  if (entry.conn.remote !== null) {
    k.net!.pulse(k, t, entry, prio, code, value | 0);
    return;
  }
  if (!mayPulse(t.process, ch.owner)) throw fail('EPERM', call, { coid });
  queuePulse(k, ch, new Pulse(code, value | 0, prio, entry.conn.scoid));
}
