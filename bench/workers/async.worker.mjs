// The worker node of worker.async.trigger100: an asynchronous channel whose batches are taken as
// they come; a global name 'inbox' answers its pid and chid.
import { joinParent } from 'rxnto/worker';
import { messages } from 'rxnto/operators';

const system = await joinParent({ net: { asyncAcrossNodes: true } });
const proc = system.process({ name: 'inbox' });
const inbox = proc.asyncChannel({ maxNumBuffer: 100, bufferSize: 64 });
inbox.subscribe(); // every batch is taken at once: its senders' callbacks follow
proc.attach('inbox', { global: true }).pipe(messages()).subscribe((m) => m.replyBytes(new Uint8Array(new Int32Array([proc.pid, inbox.chid]).buffer)));
