// Technote Example 2, the RxJS way: a count trigger of 3 makes the three puts one batch.
import { firstValueFrom } from 'rxjs';
import { createSystem, VirtualClock, utf8 } from 'rxnto';

const system = createSystem({ scheduler: new VirtualClock() });
const proc = system.process({ name: 'example2' });
const inbox = proc.asyncChannel({ codec: utf8, bufferSize: 2048, maxNumBuffer: 5 });
const out = proc.asyncConnect(inbox, { codec: utf8, ringSize: 5, count: 3 });
out.subscribe(({ value }) => console.log(`Callback: delivered "${value.trim()}"`)); // the delivery reports, in put order

const batch = firstValueFrom(inbox);
for (let i = 0; i < 3; i++) out.next(`Async Message Passing (msgid ${i})\n`);
console.log('Got message(s):\n');
for (const m of await batch) console.log(`from process: ${m.pid}, msglen: ${m.bytes.length}, msg: ${m.data.trim()}`);
out.complete();
inbox.destroy();
