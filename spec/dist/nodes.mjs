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
// the cable comes back: the pair heals as a new session (issue 20), and netStats says so
link.resume();
clock.advanceBy(2000);
out.healed = a.nodes()[0].state;
out.sessions = a.netStats().peers[0].sessions;
// a keyed link: a forged frame is dropped and counted, and changes nothing
const c = createSystem({ node: 'c', scheduler: clock });
const d = createSystem({ node: 'd', scheduler: clock });
const keyed = connectLoopback(c, d, { latency: 1, key: 'a domain key of 16+ bytes' });
clock.advanceBy(5);
keyed.inject('c', new Uint8Array(64));
clock.advanceBy(5);
out.keyed = { state: c.nodes()[0].state, unauthenticated: c.netStats().drops.unauthenticated };
out.cjs = typeof createRequire(import.meta.url)('rxnto/testing').connectLoopback;
try {
  a.process().asyncConnect({ node: 'b', pid: 1, chid: 1 });
} catch (e) {
  out.enoremote = e.code;
}
console.log(JSON.stringify(out));
