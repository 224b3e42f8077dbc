// async.memory.ring64: 10 million puts through a ring of 64 (63 slots) with a consuming receiver,
// run in a fresh process so that its peak RSS is this case's alone. Prints one JSON line.
// The sender fills the ring until it is full; the receiver then takes what the count trigger (16)
// made visible. Every put has a callback, so entries, completions and callbacks all cycle.
import { Kernel, VirtualClock } from 'rxnto';
import { _NTO_CHF_ASYNC_NONBLOCK } from 'rxnto/constants';

const PUTS = Number(process.argv[2] ?? 10_000_000);
const kernel = new Kernel({ scheduler: new VirtualClock() });
const rx = kernel.createThread(kernel.createProcess({ name: 'rx' }));
const tx = kernel.createThread(kernel.createProcess({ name: 'tx' }));
const chid = kernel.asyncChannelCreate(rx, _NTO_CHF_ASYNC_NONBLOCK, 0o666, 64, 64, null);
const coid = kernel.asyncConnectAttach(tx, 0, rx.process.pid, chid, 0, 0, {
  call_back: null, buffer_size: 64, max_num_buffer: 64, trigger_num_msg: 16, trigger_time: { nsec: 0, interval_nsec: 0 },
});
const msg = new Uint8Array(64).fill(1);
let callbacks = 0;
let received = 0;
const onCallback = () => { callbacks++; };
const onPut = () => {};
const onGet = (err, messages) => { received += messages.length; };

global.gc?.();
const before = process.memoryUsage().rss;
let sampledPeak = before;
const t0 = performance.now();
let put = 0;
while (put < PUTS) {
  while (put < PUTS && kernel.asyncHasRoom(tx, coid)) kernel.asyncPut(tx, coid, msg, put++, onCallback, onPut);
  if (put === PUTS) kernel.asyncFlush(tx, coid, 1, onPut);
  kernel.asyncGet(rx, chid, 64, onGet);
  if ((put & 0xfffff) < 64) sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss);
}
while (received < PUTS) kernel.asyncGet(rx, chid, 64, onGet);
const ms = performance.now() - t0;
// ru_maxrss is in KiB: the process's true peak, sampled or not
const peak = Math.max(sampledPeak, process.resourceUsage().maxRSS * 1024);
if (callbacks !== PUTS || received !== PUTS) throw new Error(`puts ${PUTS}, received ${received}, callbacks ${callbacks}`);
console.log(JSON.stringify({ puts: PUTS, ms: Math.round(ms), rss_before: before, rss_peak: peak, growth_mib: Number(((peak - before) / 2 ** 20).toFixed(1)) }));
