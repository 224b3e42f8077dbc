// Errors keep their meaning: a handler's Error reaches the client as a RemoteError (code EIO,
// with the server's error name and message); a KernelError thrown by a handler keeps its errno.
import { firstValueFrom } from 'rxjs';
import { KernelError, VirtualClock, createSystem, isKernelError, isRemoteError, utf8 } from 'rxnto';
import { messages, replyWith } from 'rxnto/operators';

const clock = new VirtualClock();
const system = createSystem({ scheduler: clock });
const server = system.process({ name: 'server' });
const client = system.process({ name: 'client' });

const ch = server.channel({ codec: utf8 });
ch.pipe(messages(), replyWith((q: string) => {
  if (q === '') throw new TypeError('empty query');
  if (q === 'secret') throw new KernelError('EACCES', 'lookup');
  return q.toUpperCase();
})).subscribe();
const conn = client.connect(ch, { codec: utf8 });

for (const q of ['hello', '', 'secret']) {
  const reply = firstValueFrom(conn.send(q));
  clock.advanceBy(1);
  await reply.then(
    (r) => console.log(`'${q}': ${r.data}`),
    (e: unknown) => {
      if (isRemoteError(e)) console.log(`'${q}': ${e.code}, the server's ${e.remoteName}: ${e.remoteMessage}`);
      else if (isKernelError(e)) console.log(`'${q}': ${e.code}`);
    },
  );
}
