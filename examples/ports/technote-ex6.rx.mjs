// Technote Example 6, the RxJS way: a named server answers GET_ACHID on its synchronous channel
// and takes batches from its async channel; a client opens the name, asks for the achid, then
// puts a message every second.
import { firstValueFrom, map } from 'rxjs';
import { createSystem, KernelError, VirtualClock, utf8 } from 'rxnto';
import { messages, replyWith } from 'rxnto/operators';

const RECV_NAME = 'ASYNCH_RECEIVER';
const GET_ACHID = 2;
const clock = new VirtualClock();
const system = createSystem({ scheduler: clock });

// the server: name_attach (it answers name_open itself), GET_ACHID with the async chid
const server = system.process({ name: 'asynch_server' });
const named = server.attach(RECV_NAME);
const inbox = server.asyncChannel({ codec: utf8, bufferSize: 1024, maxNumBuffer: 10 });
named.pipe(messages(), replyWith((data, m) => {
  if (m.type !== GET_ACHID) throw new KernelError('ENOSYS', 'MsgReply'); // answered MsgError(ENOSYS)
  console.log('got request for my achid');
  return new Uint8Array(new Int32Array([inbox.chid]).buffer);
})).subscribe();
inbox.subscribe((batch) => {
  for (const m of batch) console.log(`the message came from ${m.pid}: '${m.data}'`);
});

// the client: name_open, ask for the achid, connect, put every second
const client = system.process({ name: 'asynch_client' });
const conn = await firstValueFrom(client.open(RECV_NAME));
const achid = await firstValueFrom(conn.sendBytes(new Uint8Array([GET_ACHID, 0]), { replySize: 4 }).pipe(map((r) => new DataView(r.bytes.buffer).getInt32(0, true))));
const out = client.asyncConnect({ pid: server.pid, chid: achid }, { codec: utf8, ringSize: 5, count: 1 });
out.subscribe(({ value }) => console.log(`Callback: delivered '${value}'`));
for (let count = 1; count <= 3; count++) {
  console.log(`sending ${count}th time`);
  out.next(`message #${count}`);
  clock.advanceBy(1000);
}
