// Technote Example 5, the RxJS way: time: 2000 arms a timer at the first put; the four puts
// arrive as one batch 2 s later (not a bufferTime window).
import { firstValueFrom } from 'rxjs';
import { createSystem, VirtualClock, utf8 } from 'rxnto';

const clock = new VirtualClock();
const system = createSystem({ scheduler: clock });
const proc = system.process({ name: 'example5' });
const inbox = proc.asyncChannel({ codec: utf8, bufferSize: 2048, maxNumBuffer: 5 });
const out = proc.asyncConnect(inbox, { codec: utf8, ringSize: 5, count: 0, time: 2000 });

const batch = firstValueFrom(inbox);
for (let i = 0; i < 4; i++) out.next(`Async Message Passing (msgid ${i})`);
clock.advanceBy(1999);
console.log(`at ${clock.now()} ms: nothing yet`);
clock.advanceBy(1);
const got = await batch;
console.log(`at ${clock.now()} ms: ${got.length} messages: ${got.map((m) => m.data.slice(-8)).join(', ')}`);
out.complete();
inbox.destroy();
