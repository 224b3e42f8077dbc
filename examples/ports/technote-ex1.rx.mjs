// Technote Example 1, the RxJS way: an async connection (trigger 1) and an async channel.
import { firstValueFrom } from 'rxjs';
import { createSystem, VirtualClock, utf8 } from 'rxnto';

const system = createSystem({ scheduler: new VirtualClock() });
const proc = system.process({ name: 'example1' });
const inbox = proc.asyncChannel({ codec: utf8, bufferSize: 2048, maxNumBuffer: 5 });
const out = proc.asyncConnect(inbox, { codec: utf8, ringSize: 5, count: 1 });

// put() completes once the message was delivered: the callback of the C version
const delivered = firstValueFrom(out.put('AsyncMsg Passing'), { defaultValue: undefined });
const batch = await firstValueFrom(inbox);
console.log('Got message(s):\n');
for (const m of batch) console.log(`from process: ${m.pid}\nmsglen: ${m.bytes.length}\nerr: ${m.err}\nmsg: ${m.data}\n`);
await delivered;
console.log('Callback: delivered');
out.complete();   // asyncmsg_connect_detach (after a flush)
inbox.destroy();  // asyncmsg_channel_destroy
