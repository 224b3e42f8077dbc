// Issue 10 through the built package (ESM): the hardening guarantees as a consumer meets them.
import { Kernel, VirtualClock, KernelError, MAX_TIMER_DELAY, createSystem, utf8 } from 'rxnto';
import { PROCMGR_AID_ABLE_PRIV, _NTO_SIDE_CHANNEL } from 'rxnto/constants';
import { messages, replyWith } from 'rxnto/operators';
import * as C from 'rxnto/neutrino';
import { runVirtual } from 'rxnto/testing';
import { map, timer } from 'rxjs';

const out = { MAX_TIMER_DELAY, ABLE_PRIV: PROCMGR_AID_ABLE_PRIV, EISDIR: C.EISDIR, code21: new KernelError(21, 'MsgSend').code };

// a stale rcvid names nothing (kernel)
const k = new Kernel({ scheduler: new VirtualClock() });
const s = k.createThread(k.createProcess());
const c = k.createThread(k.createProcess());
const chid = k.channelCreate(s, 0);
const coid = k.connectAttach(c, 0, s.process.pid, chid, _NTO_SIDE_CHANNEL, 0);
let stale = 0;
k.msgSend(c, coid, new Uint8Array(1), new Uint8Array(1), () => {});
k.msgReceive(s, chid, new Uint8Array(1), null, (_e, r) => { stale = r; });
k.msgError(s, stale, C.ERESTART);
try { k.msgReply(s, stale, 0); } catch (e) { out.stale = e.code; }

// the C facade: bad output objects and a dying receiver
const clock = new VirtualClock();
C.useKernel(C.createKernel({ scheduler: clock }));
out.c = await runVirtual(clock, async () => {
  const r = {};
  const ch = C.ChannelCreate(0);
  const self = C.ConnectAttach(0, 0, ch, C._NTO_SIDE_CHANNEL, 0);
  r.receiveFrozen = [await C.MsgReceive(ch, new Uint8Array(8), 8, Object.freeze(C.emptyMsgInfo())), C.strerror(C.errno())];
  r.pthread = C.pthread_create(5, null, () => 0, null);
  const rx = await C.spawn(async () => { C.asyncmsg_channel_create(0, 0o666, 16, 4, null, null); await C.sleep(1000); });
  const heard = [];
  const acoid = C.asyncmsg_connect_attach(0, rx, 1, 0, 0, { call_back: (err, _b, h) => { heard.push([h, err]); }, buffer_size: 16, max_num_buffer: 2, trigger_num_msg: 0, trigger_time: { nsec: 0, interval_nsec: 0 } });
  await C.asyncmsg_put(acoid, 'a', undefined, 1);
  const blocked = [C.asyncmsg_put(acoid, 'b', undefined, 2), C.asyncmsg_flush(acoid, 0)];
  const results = await Promise.all(blocked);
  r.afterDeath = [results, C.strerror(C.errno()), heard];
  C.ConnectDetach(self);
  return r;
});

// the binding: a late reply fails ESRCH and the server keeps serving
const vclock = new VirtualClock();
const system = createSystem({ scheduler: vclock });
const ch = system.process().channel({ codec: utf8, unblock: false }); // without _NTO_CHF_UNBLOCK: the client leaves at once
const answered = [];
ch.pipe(messages(), replyWith((x) => timer(5, vclock).pipe(map(() => x.toUpperCase())))).subscribe((a) => answered.push(a.errno));
const conn = system.process().connect(ch, { codec: utf8 });
conn.send('late', { timeout: 3 }).subscribe({ error: () => {} });
vclock.advanceBy(5);
let next = null;
conn.send('next').subscribe((r) => { next = r.data; });
vclock.advanceBy(5);
out.rx = { answered, next };
console.log(JSON.stringify(out));
