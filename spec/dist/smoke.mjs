// Runs against the built package through its own name (package self-reference), as ESM.
import { Kernel, VirtualClock, KernelError } from 'rxnto';
import { _NTO_SIDE_CHANNEL } from 'rxnto/constants';
import * as neutrino from 'rxnto/neutrino';
import * as testing from 'rxnto/testing';
import * as operators from 'rxnto/operators';

const kernel = new Kernel({ scheduler: new VirtualClock() });
const s = kernel.createThread(kernel.createProcess({ name: 'server' }));
const c = kernel.createThread(kernel.createProcess({ name: 'client' }));
const chid = kernel.channelCreate(s, 0);
const coid = kernel.connectAttach(c, 0, s.process.pid, chid, _NTO_SIDE_CHANNEL, 0);
const buf = new Uint8Array(8);
const out = {};
kernel.msgReceive(s, chid, buf, null, (err, rcvid) => kernel.msgReply(s, rcvid, 5, buf));
kernel.msgSend(c, coid, new Uint8Array([1, 2, 3]), new Uint8Array(8), (err, status) => { out.status = status; });
let errorName = '';
try { kernel.channelDestroy(s, 99); } catch (e) { errorName = e instanceof KernelError ? e.code : 'other'; }
const clock = new testing.VirtualClock();
neutrino.useKernel(neutrino.createKernel({ scheduler: clock }));
const slept = await testing.runVirtual(clock, async () => { await neutrino.sleep(1); return clock.now(); });
// the RxJS binding and operators, from dist
const { createSystem, utf8 } = await import('rxnto');
const { firstValueFrom } = await import('rxjs');
const system = createSystem({ scheduler: new VirtualClock() });
const ch = system.process().channel({ codec: utf8 });
ch.pipe(operators.messages(), operators.replyWith((t) => t.toUpperCase())).subscribe();
const rx = (await firstValueFrom(system.process().connect(ch, { codec: utf8 }).send('dist'))).data;
// asynchronous messaging through rxnto/neutrino: put, flush, get
const achid = neutrino.asyncmsg_channel_create(neutrino._NTO_CHF_ASYNC_NONBLOCK, 0o666, 64, 5, null, null);
const acoid = neutrino.asyncmsg_connect_attach(0, 0, achid, 0, 0, { call_back: null, buffer_size: 64, max_num_buffer: 4, trigger_num_msg: 0, trigger_time: { nsec: 0, interval_nsec: 0 } });
await neutrino.asyncmsg_put(acoid, 'a', undefined, 0, null);
await neutrino.asyncmsg_flush(acoid, neutrino.ASYNCMSG_FLUSH_NONBLOCK);
const got = await neutrino.asyncmsg_get(achid);
console.log(JSON.stringify({
  status: out.status, errorName, slept, ETIMEDOUT: neutrino.ETIMEDOUT,
  chid: neutrino.ChannelCreate(0), rx, harness: typeof testing.MarbleHarness, async: got.info.msglen,
}));
