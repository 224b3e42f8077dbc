import { firstValueFrom } from 'rxjs';
import { createSystem } from 'rxnto';
import { startWorkerNode } from 'rxnto/worker';
const main = createSystem({ node: 'm' });
const worker = startWorkerNode(main, new URL('./ts.worker.tmp.mjs', import.meta.url), { node: 'e', ring: process.argv[2] !== 'port' });
while (main.kernel.net.names.providers('echo').length === 0) await new Promise((r) => setTimeout(r, 5));
const conn = await firstValueFrom(main.process().open('echo', { global: true }));
const msg = new Uint8Array(64).fill(7);
const once = () => new Promise((resolve, reject) => conn.send(msg, { replySize: 64 }).subscribe({ next: resolve, error: reject }));
const now = () => performance.timeOrigin + performance.now();
for (let i = 0; i < 2000; i++) await once();
const N = 20000; const go = [], back = [];
for (let i = 0; i < N; i++) { const t0 = now(); const r = await once(); const t3 = now(); const t1 = new Float64Array(r.bytes.slice().buffer)[0]; go.push(t1 - t0); back.push(t3 - t1); }
const med = (a) => { a.sort((x, y) => x - y); return (a[a.length >> 1] * 1000).toFixed(1); };
console.log(`go ${med(go)} us  back ${med(back)} us`);
await worker.terminate();
process.exit(0);
