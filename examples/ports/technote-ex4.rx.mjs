// Technote Example 4, the RxJS way: subscribing to the async channel is the wait for its event.
import { firstValueFrom } from 'rxjs';
import { createSystem, VirtualClock, utf8 } from 'rxnto';

const system = createSystem({ scheduler: new VirtualClock() });
const proc = system.process({ name: 'example4' });
const inbox = proc.asyncChannel({ codec: utf8, bufferSize: 2048, maxNumBuffer: 5 });
const out = proc.asyncConnect(inbox, { codec: utf8, ringSize: 5, count: 1 });
out.subscribe(({ value }) => console.log(`Callback: delivered "${value}"`));

out.next('AsyncMsg Passing');
const batch = await firstValueFrom(inbox);
console.log('Got message(s):\n');
for (const m of batch) console.log(`from process: ${m.pid}, msglen: ${m.bytes.length}, err: ${m.err}, msg: ${m.data}`);
out.complete();
inbox.destroy();
