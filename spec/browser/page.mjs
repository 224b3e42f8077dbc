// The page: the main thread is node 'main'; two Web Workers are nodes w1 and w2. It runs the
// browser subset of the link suite and leaves the results on window.results.
import { firstValueFrom, switchMap } from 'rxjs';
import { createSystem, utf8 } from 'rxnto';
import { startWorkerNode } from 'rxnto/worker';
import { sleep, until } from './wait.mjs';

const results = {};
try {
  const main = createSystem({ node: 'main', net: { heartbeatMs: 1000 } });
  const url = new URL('./node.worker.mjs', import.meta.url);
  const w1 = startWorkerNode(main, url, { node: 'w1' });
  startWorkerNode(main, url, { node: 'w2' });
  const names = main.kernel.net.names;
  await until(() => names.providers('upper').length > 0 && names.providers('counter').length > 0);
  const p = main.process({ name: 'page' });
  // a round trip through a global name
  const upper = await firstValueFrom(p.open('upper', { global: true, codec: utf8 }));
  results.roundtrip = (await firstValueFrom(upper.send('hi'))).data;
  results.nodes = main.nodes().map((n) => `${n.node} ${n.state}`).sort();
  // pulses, then a send that reads their sum
  const counter = await firstValueFrom(p.open('counter', { global: true, codec: utf8 }));
  for (let i = 1; i <= 4; i++) counter.pulse(5, i);
  results.pulses = (await firstValueFrom(counter.send('count?'))).data;
  // an unsubscribe reaches the worker's server as an unblock (its work is cancelled)
  const slow = upper.send('slow').subscribe();
  await sleep(50);
  slow.unsubscribe();
  await sleep(50);
  results.unblock = (await firstValueFrom(upper.send('cancelled?'))).data;
  // the worker terminated under a REPLY-blocked client: EHOSTDOWN at once
  const lost = firstValueFrom(upper.send('slow')).then(() => 'answered', (e) => e.code);
  await sleep(50);
  const t0 = performance.now();
  await w1.terminate();
  results.terminated = await lost;
  results.terminatedWithin100ms = performance.now() - t0 < 100;
  results.afterwards = await firstValueFrom(upper.send('x')).then(() => 'answered', (e) => e.code);
} catch (e) {
  results.error = String(e && e.stack || e);
}
window.results = results;
