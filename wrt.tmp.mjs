import { firstValueFrom } from 'rxjs';
import { createSystem } from 'rxnto';
import { startWorkerNode } from 'rxnto/worker';
const ring = process.argv[2] !== 'port';
const main = createSystem({ node: 'm' });
const worker = startWorkerNode(main, new URL('./bench/workers/echo.worker.mjs', import.meta.url), { node: 'e', ring });
while (main.kernel.net.names.providers('echo').length === 0) await new Promise((r) => setTimeout(r, 5));
const conn = await firstValueFrom(main.process().open('echo', { global: true }));
const msg = new Uint8Array(64).fill(7);
const once = () => new Promise((resolve, reject) => conn.send(msg, { replySize: 64 }).subscribe({ next: resolve, error: reject }));
const N = 20000;
for (let i = 0; i < 2000; i++) await once();
for (let k = 0; k < 5; k++) {
  const t = performance.now();
  for (let i = 0; i < N; i++) await once();
  console.log(`${ring ? 'ring' : 'port'} ${((performance.now() - t) * 1000 / N).toFixed(1)} us`);
}
await worker.terminate();
process.exit(0);
