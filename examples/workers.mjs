import { firstValueFrom } from 'rxjs';
import { createSystem, utf8 } from 'rxnto';
import { startWorkerNode } from 'rxnto/worker';

const main = createSystem({ node: 'main' });
main.nodes$.subscribe((e) => console.log(`node ${e.node} ${e.state} (${e.reason})`));
const worker = startWorkerNode(main, new URL('./workers/upper.worker.mjs', import.meta.url), { node: 'w1' });

// wait until the worker's global name reaches this node (at most 5 s)
const conn = await firstValueFrom(main.process().open('upper', { global: true, wait: 5000, codec: utf8 }));
console.log((await firstValueFrom(conn.send('hello'))).data);

// a client waiting on the worker when it ends gets EHOSTDOWN at once, later sends EBADF
const waiting = firstValueFrom(conn.send('hold')).catch((e) => e.code);
await new Promise((r) => setTimeout(r, 20));
await worker.terminate();
console.log(`waiting client: ${await waiting}`);
console.log(`next send: ${await firstValueFrom(conn.send('again')).catch((e) => e.code)}`);
