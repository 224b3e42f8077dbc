// The worker-options page: the main thread is node 'main'; it starts module Workers with the
// browser's Worker options (type, name, credentials) and workerData, which each worker answers
// back through a global name; data that cannot be cloned throws and leaves no node behind.
// It leaves the results on window.results.
import { firstValueFrom } from 'rxjs';
import { createSystem, utf8 } from 'rxnto';
import { startWorkerNode } from 'rxnto/worker';
import { sleep, until } from './wait.mjs';

const results = {};
try {
  const main = createSystem({ node: 'main', net: { heartbeatMs: 1000 } });
  const url = new URL('./options.worker.mjs', import.meta.url);
  const p = main.process({ name: 'page' });
  const names = main.kernel.net.names;
  /** Ask worker node `node`'s global name what it got. */
  async function report(node) {
    await until(() => names.providers(`opts-${node}`).length > 0);
    const c = await firstValueFrom(p.open(`opts-${node}`, { global: true, codec: utf8 }));
    return JSON.parse((await firstValueFrom(c.send('?'))).data);
  }
  const o1 = startWorkerNode(main, url, {
    node: 'o1',
    worker: { type: 'module', name: 'opts-one', credentials: 'same-origin', workerData: { greeting: 'hello', list: [1, 2, 3], when: new Date(0) } },
  });
  results.withData = await report('o1');
  const o2 = startWorkerNode(main, url, { node: 'o2' });
  results.withoutData = await report('o2');
  // the deprecated top-level workerData reaches a browser worker too
  const o3 = startWorkerNode(main, url, { node: 'o3', workerData: 'top-level' });
  results.topLevel = (await report('o3')).data;
  try {
    startWorkerNode(main, url, { node: 'o4', worker: { workerData: { f: () => 0 } } });
    results.uncloneable = 'started';
  } catch (e) {
    results.uncloneable = e.name;
  }
  await sleep(50);
  results.nodes = main.nodes().map((n) => `${n.node} ${n.state}`).sort();
  for (const w of [o1, o2, o3]) await w.terminate();
} catch (e) {
  results.error = String(e && e.stack || e);
}
window.results = results;
