// Technote Example 6 the RxJS way with the server in a worker node: the client on the main thread
// opens the global name, asks for the achid, finds that an async connection to another node is
// ENOREMOTE (as on QNX), and sends its three messages with send(). Real time.
import { firstValueFrom, map, retry } from 'rxjs';
import { createSystem, utf8 } from 'rxnto';
import { startWorkerNode } from 'rxnto/worker';

const main = createSystem({ node: 'main' });
const worker = startWorkerNode(main, new URL('./ex6-server.rx.worker.mjs', import.meta.url), { node: 'server' });
const client = main.process({ name: 'asynch_client' });
// ENOENT until the worker's name has crossed: open again 10 ms later
const conn = await firstValueFrom(client.open('ASYNCH_RECEIVER', { global: true }).pipe(retry({ count: 500, delay: 10 })));
const achid = await firstValueFrom(conn.sendBytes(new Uint8Array([2, 0]), { replySize: 4 }).pipe(map((r) => new DataView(r.bytes.buffer).getInt32(0, true))));
try {
  client.asyncConnect({ node: 'server', pid: 1, chid: achid });
} catch (e) {
  console.log(`asynch_client: asyncConnect to node server: ${e.code}; sending synchronously`);
}
for (let count = 1; count <= 3; count++) {
  const r = await firstValueFrom(conn.sendBytes(new Uint8Array([3, 0, ...utf8.encode(`message #${count}`)])));
  console.log(`asynch_client: ${utf8.decode(r.bytes)}`);
}
await worker.terminate();
