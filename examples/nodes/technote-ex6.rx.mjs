// Technote Example 6 over two nodes, the RxJS way: the server runs on node b under a global
// name; the client on node a opens it, asks for the async chid, and finds that an asynchronous
// connection to another node is ENOREMOTE (Qnet carries no asyncmsg, as on QNX), so it sends
// its three messages with send() instead. One virtual clock, a loopback link of 1 ms.
import { firstValueFrom, map } from 'rxjs';
import { createSystem, KernelError, VirtualClock, utf8 } from 'rxnto';
import { messages, replyWith } from 'rxnto/operators';
import { connectLoopback } from 'rxnto/testing';

const RECV_NAME = 'ASYNCH_RECEIVER';
const GET_ACHID = 2;
const PUT_SYNC = 3;
const clock = new VirtualClock();
const a = createSystem({ node: 'a', scheduler: clock });
const b = createSystem({ node: 'b', scheduler: clock });
const link = connectLoopback(a, b, { latency: 1 });
a.nodes$.subscribe((e) => console.log(`a: node ${e.node} ${e.state} (${e.reason})`));

// the server, on b: a global name (it answers name_open itself); GET_ACHID, PUT_SYNC
const server = b.process({ name: 'asynch_server' });
const inbox = server.asyncChannel({ codec: utf8 });
server.attach(RECV_NAME, { global: true }).pipe(messages(), replyWith((bytes, m) => {
  const from = `pid ${m.info.pid} of node ${b.kernel.netmgrNdtostr(0, m.info.nd)}`;
  if (m.type === GET_ACHID) {
    console.log(`asynch_server: request for my achid from ${from}`);
    return new Uint8Array(new Int32Array([inbox.chid]).buffer);
  }
  if (m.type === PUT_SYNC) {
    console.log(`asynch_server: '${utf8.decode(bytes.subarray(2))}' from ${from}`);
    return new Uint8Array(0);
  }
  throw new KernelError('ENOSYS', 'MsgReply'); // answered MsgError(ENOSYS)
})).subscribe();

// the client, on a: open the global name, ask for the achid, try to connect to it
const client = a.process({ name: 'asynch_client' });
clock.advanceBy(5); // the name's announcement crosses the link
const opened = firstValueFrom(client.open(RECV_NAME, { global: true }));
clock.advanceBy(5);
const conn = await opened;
const asked = firstValueFrom(conn.sendBytes(new Uint8Array([GET_ACHID, 0]), { replySize: 4 }).pipe(map((r) => new DataView(r.bytes.buffer).getInt32(0, true))));
clock.advanceBy(5);
const achid = await asked;
try {
  client.asyncConnect({ node: 'b', pid: server.pid, chid: achid }, { codec: utf8 });
} catch (e) {
  console.log(`asynch_client: asyncConnect to node b: ${e.code} (${e.message}); sending synchronously instead`);
}
for (let count = 1; count <= 3; count++) {
  console.log(`asynch_client: sending ${count}th time`);
  const text = new TextEncoder().encode(`message #${count}`);
  conn.sendBytes(new Uint8Array([PUT_SYNC, 0, ...text])).subscribe();
  clock.advanceBy(1000);
}
link.close('done');
clock.advanceBy(5);
