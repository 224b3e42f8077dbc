// Crash and restart: a supervisor on the main thread restarts the sensor worker whenever it goes
// down; a client reads through the global name, sees EHOSTDOWN once when the worker crashes, and
// goes on through the name, which the restarted worker (a new incarnation of node 'sensor') serves.
import { firstValueFrom, retry } from 'rxjs';
import { createSystem, utf8 } from 'rxnto';
import { startWorkerNode } from 'rxnto/worker';

const main = createSystem({ node: 'main' });
const url = new URL('./flaky.worker.mjs', import.meta.url);
let worker = startWorkerNode(main, url, { node: 'sensor' });
let restarts = 0;
const supervision = main.nodes$.subscribe((e) => {
  if (e.node !== 'sensor' || e.state !== 'down' || restarts === 2) return;
  restarts++;
  console.log(`supervisor: sensor down (${e.reason.startsWith('closed') ? 'its link closed' : e.reason}), restart ${restarts}`);
  worker = startWorkerNode(main, url, { node: 'sensor' });
});

const client = main.process({ name: 'client' });
const open = () => firstValueFrom(client.open('sensor', { global: true, codec: utf8 }).pipe(retry({ count: 500, delay: 10 })));
let conn = await open();
for (let i = 1; i <= 6; i++) {
  const reading = await firstValueFrom(conn.send('read')).then((r) => r.data, (e) => e.code);
  console.log(`client: ${reading}`);
  if (reading === 'EHOSTDOWN') conn = await open(); // the node is gone: find the name again
}
supervision.unsubscribe();
await worker.terminate();
