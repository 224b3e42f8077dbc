// Issue 11 through the built package (ESM): the RxJS-first shapes as a consumer meets them.
import { firstValueFrom, map, take, timer, toArray } from 'rxjs';
import { VirtualClock, createSystem, defineProtocol, json, remote, utf8 } from 'rxnto';
import { holdMap, messages, replyWith, serveProtocol } from 'rxnto/operators';

const clock = new VirtualClock();
const system = createSystem({ scheduler: clock });
const server = system.process();
const client = system.process();
const out = {};

const ch = server.channel({ codec: utf8 });
ch.pipe(messages(), replyWith((s) => s.repeat(2000))).subscribe();
const conn = client.connect(ch, { codec: utf8 });
const replies = firstValueFrom(conn.pipe(take(2), map((r) => [r.length, r.truncated]), toArray()));
conn.next('ab');
conn.next('c');
out.subject = await replies;
try { conn.pulse(-33); } catch (e) { out.pulse = e.name; }

const slow = server.channel({ codec: utf8 });
let cancelledAt = null;
slow.pipe(messages(), replyWith(() => timer(50, clock))).subscribe((a) => { cancelledAt = [clock.now(), a.errno]; });
const r = firstValueFrom(client.connect(slow, { codec: utf8 }).send('x', { timeout: 5 })).catch((e) => e.code);
clock.advanceBy(5);
out.cancel = [await r, cancelledAt];

const api = remote(client.connect(server.channel()), defineProtocol({ add: 0x210 }), json());
const served = server.channel();
served.pipe(messages(), serveProtocol(defineProtocol({ add: 0x210 }), json(), { add: ({ a, b }) => a + b })).subscribe();
out.remote = await firstValueFrom(remote(client.connect(served), defineProtocol({ add: 0x210 }), json()).add({ a: 2, b: 3 }));
void api;

const inbox = server.asyncChannel({ codec: utf8, maxNumBuffer: 2 });
inbox.pipe(holdMap(() => timer(10, clock))).subscribe();
const aout = client.asyncConnect(inbox, { codec: utf8, ringSize: 4, count: 1 });
let refused = 0;
for (let i = 0; i < 10; i++) { try { aout.next(`m${i}`); } catch { refused++; } }
out.refused = refused;

const stalls = [];
system.stalls$.subscribe((s) => stalls.push(s.state));
client.connect(server.channel()).send(new Uint8Array([1])).subscribe();
clock.advanceBy(2000);
out.stalls = stalls;
console.log(JSON.stringify(out));
