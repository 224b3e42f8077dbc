// Technote Example 3, the RxJS way: no trigger; flush() delivers, and completes once taken.
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { createSystem, VirtualClock, utf8 } from 'rxnto';

const system = createSystem({ scheduler: new VirtualClock() });
const proc = system.process({ name: 'example3' });
const inbox = proc.asyncChannel({ codec: utf8, bufferSize: 2048, maxNumBuffer: 5 });
const out = proc.asyncConnect(inbox, { codec: utf8, ringSize: 5, count: 0 });
out.subscribe(({ value }) => console.log(`Callback: delivered "${value.trim()}"`));

for (let i = 0; i < 2; i++) out.next(`Async Message Passing (msgid ${i})\n`);
const batch = firstValueFrom(inbox); // the receiving thread: nothing is visible before the flush
await lastValueFrom(out.flush(), { defaultValue: undefined }); // asyncmsg_flush(coid, 0): until the receiver took them
console.log('Got message(s):\n');
for (const m of await batch) console.log(`msglen: ${m.bytes.length}, msg: ${m.data.trim()}`);
out.complete();
inbox.destroy();
