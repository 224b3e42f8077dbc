/**
 * ChannelCreate and ChannelDestroy.
 * @internal
 * @packageDocumentation
 */
import {
  _NTO_CHF_COID_DISCONNECT, _NTO_CHF_NET_MSG, _NTO_CHF_PRIVATE, _NTO_CHF_THREAD_DEATH,
  _PULSE_CODE_COIDDEATH, CHF_KNOWN, PROCMGR_AID_PUBLIC_CHANNEL,
} from './constants.js';
import { freeServerSide } from './connRefs.js';
import { alive, fail, int, type KernelCore } from './core.js';
import { ERRNO } from './errno.js';
import { Channel, Pulse, type Thread } from './objects.js';
import { kernelPulse } from './pulseDelivery.js';
import { releaseReceiver, releaseSender } from './release.js';
import { destroyAsyncChannel } from './asyncTeardown.js';

export function channelCreate(k: KernelCore, t: Thread, flags: number): number {
  const call = 'ChannelCreate';
  alive(t, call);
  int(flags, call, 'flags');
  const p = t.process;
  if (flags < 0 || (flags & ~CHF_KNOWN) !== 0) throw fail('EINVAL', call);
  if ((flags & _NTO_CHF_NET_MSG) !== 0 && p.uid !== 0) throw fail('EPERM', call);
  if ((flags & _NTO_CHF_PRIVATE) === 0 && !p.abilities.has(PROCMGR_AID_PUBLIC_CHANNEL)) throw fail('EPERM', call);
  const death = (flags & (_NTO_CHF_THREAD_DEATH | _NTO_CHF_COID_DISCONNECT)) !== 0;
  if (death && p.deathChannel !== null) throw fail('EBUSY', call);
  const chid = p.channels.lowestFree(1);
  const ch = new Channel(chid, p, flags);
  p.channels.set(chid, ch);
  if (death) p.deathChannel = ch;
  if (k.tracer !== null) k.trace('channel', t, { chid, flags });
  return chid;
}

export function channelDestroy(k: KernelCore, t: Thread, chid: number): number {
  const call = 'ChannelDestroy';
  alive(t, call);
  int(chid, call, 'chid');
  const ch = t.process.channels.get(chid);
  if (ch === undefined) throw fail('EINVAL', call, { chid });
  destroyChannel(k, ch, t.priority);
  return 0;
}

/** The model's ChannelDestroy, also run for every channel of a dying process (§2.2). */
export function destroyChannel(k: KernelCore, ch: Channel, prio: number): void {
  const owner = ch.owner;
  ch.alive = false;
  owner.channels.delete(ch.chid);
  if (owner.deathChannel === ch) owner.deathChannel = null;
  if (k.tracer !== null) k.trace('death', owner, { chid: ch.chid, what: 'channel' });
  // connections die first, so that releasing their senders queues no disconnect pulse
  const conns = [...ch.connections];
  for (const conn of conns) {
    conn.channel = null;
    freeServerSide(conn);
  }
  for (const item of ch.sendQueue.drain()) {
    if (item instanceof Pulse) {
      if (item.unblockFor !== null) item.unblockFor.unblockPulse = null;
    } else {
      // still SEND-blocked: put it back so that releaseSender finds it where it expects
      ch.sendQueue.push(item);
      releaseSender(k, item, ERRNO.ESRCH, 0);
    }
  }
  for (const r of [...ch.receivers, ...ch.pulseReceivers]) releaseReceiver(k, r, ERRNO.ESRCH);
  if (ch.async !== null) destroyAsyncChannel(k, ch.async);
  for (const w of ch.replySet.toArray()) releaseSender(k, w, ERRNO.ESRCH, 0);
  for (const conn of conns) {
    const client = conn.client;
    if (client.nd !== 0) {
      k.net!.channelGone(conn);
      continue;
    }
    const dc = client.deathChannel;
    if (!client.alive || dc === null || (dc.flags & _NTO_CHF_COID_DISCONNECT) === 0) continue;
    for (const entry of client.coids.values()) {
      if (entry.conn === conn) kernelPulse(k, dc, _PULSE_CODE_COIDDEATH, entry.coid, prio, -1);
    }
  }
}
