// Nodes through the built package (ESM, with a CJS require of the testing entry).
import { createRequire } from 'node:module';
import { firstValueFrom, switchMap } from 'rxjs';
import { VirtualClock, createSystem, utf8 } from 'rxnto';
import { ND2S_DIR_SHOW, netmgr_ndtostr, netmgr_strtond, useKernel } from 'rxnto/neutrino';
import { messages, replyWith } from 'rxnto/operators';
import { connectLoopback } from 'rxnto/testing';

const clock = new VirtualClock();
const a = createSystem({ node: 'a', scheduler: clock });
const b = createSystem({ node: 'b', scheduler: clock });
const link = connectLoopback(a, b, { latency: 1 });
b.process().attach('up', { global: true, codec: utf8 }).pipe(messages(), replyWith((s) => s.toUpperCase())).subscribe();
clock.advanceBy(5);
const reply = firstValueFrom(a.process().open('up', { global: true, codec: utf8 }).pipe(switchMap((c) => c.send('hi'))));
clock.advanceBy(10);
const out = { reply: (await reply).data };
useKernel(a.kernel);
const buf = new Uint8Array(16);
out.nd = netmgr_strtond('b', null);
out.self = netmgr_strtond('a', null);
netmgr_ndtostr(ND2S_DIR_SHOW, out.nd, buf, 16);
out.dir = new TextDecoder().decode(buf.subarray(0, buf.indexOf(0)));
// a transport reconnecting: suspect, held, recovered
const states = [];
a.nodes$.subscribe((e) => states.push(`${e.state} ${e.reason}`));
link.suspend('reconnecting');
const late = firstValueFrom(a.process().open('up', { global: true, codec: utf8 }).pipe(switchMap((c) => c.send('late'))));
clock.advanceBy(100);
out.suspect = a.nodes()[0].state;
link.resume();
clock.advanceBy(10);
out.late = (await late).data;
out.states = states;
const held = b.process().channel();
held.subscribe();
const errors = [];
a.process().connect(held.address).send(new Uint8Array(1)).subscribe({ error: (e) => errors.push(e.code) });
clock.advanceBy(5);
link.sever();
clock.advanceBy(5000);
out.lost = errors[0];
out.cjs = typeof createRequire(import.meta.url)('rxnto/testing').connectLoopback;
try {
  a.process().asyncConnect({ node: 'b', pid: 1, chid: 1 });
} catch (e) {
  out.enoremote = e.code;
}
console.log(JSON.stringify(out));
