// The worker link with real workers (Node worker_threads; the worker runs the built package): a round trip
// through a global name, and the cases that need a real crash: a worker terminated, or one that
// throws, while clients are SEND- and REPLY-blocked on it (EHOSTDOWN within 100 ms of the
// worker's exit, well before the 3 s liveness bound; then EBADF), and the caller's buffer rule.
import { firstValueFrom, type Observable } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { createSystem, utf8, type NodeEvent, type Reply, type System } from '../../src/index.js';
import { startWorkerNode, type WorkerNode } from '../../src/link/worker/index.js';

const SERVER = new URL('./fixtures/upperServer.worker.mjs', import.meta.url);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Wait (bounded) until `f` is true. */
async function until(f: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(5);
  }
}

/** What an Observable did, with the time of its end. */
function watch<T>(o: Observable<T>) {
  const r: { values: T[]; error: string | null; at: number } = { values: [], error: null, at: 0 };
  o.subscribe({ next: (v) => r.values.push(v), error: (e: { code?: string }) => { r.error = e.code ?? String(e); r.at = Date.now(); } });
  return r;
}

describe('worker nodes (real workers)', () => {
  let main: System;
  let worker: WorkerNode | null = null;
  afterEach(async () => { await worker?.terminate(); worker = null; });

  async function start() {
    main = createSystem({ node: 'main', net: { heartbeatMs: 1000, missed: 3 } });
    worker = startWorkerNode(main, SERVER, { node: 'w1' });
    await until(() => main.kernel.net!.names.providers('upper').length > 0);
    const conn = await firstValueFrom(main.process().open('upper', { global: true, codec: utf8 }));
    return conn;
  }

  it('should serve a global name from a worker', async () => {
    const conn = await start();
    const r = await firstValueFrom(conn.send('hi'));
    expect(r.data).toBe('HI');
    expect(main.nodes()).toEqual([expect.objectContaining({ node: 'w1', state: 'up' })]);
  });

  it.each([['is terminated', 'terminate'], ['throws', 'crash']] as const)('should fail blocked clients with EHOSTDOWN within 100 ms when the worker %s, then EBADF', async (_how, how) => {
    const conn = await start();
    const events: NodeEvent[] = [];
    main.nodes$.subscribe((e) => events.push(e));
    const replyBlocked = watch(conn.send('hold'));
    await sleep(50);
    const sendBlocked = watch(conn.send('queued'));
    await sleep(50);
    const t0 = Date.now();
    if (how === 'terminate') void worker!.terminate();
    else conn.pulse(1); // the worker throws: an uncaught exception ends it
    await until(() => replyBlocked.error !== null && sendBlocked.error !== null);
    expect([replyBlocked.error, sendBlocked.error]).toEqual(['EHOSTDOWN', 'EHOSTDOWN']);
    // for a crash the clock starts at the pulse, which crosses the link first
    expect(Math.max(replyBlocked.at, sendBlocked.at) - t0).toBeLessThan(how === 'terminate' ? 100 : 150);
    const after = watch(conn.send('again'));
    await until(() => after.error !== null);
    expect(after.error).toBe('EBADF');
    expect(events.map((e) => [e.node, e.state])).toEqual([['w1', 'down']]);
  });

  it('should link the workers it starts with each other: a global name served by one is opened by the other directly', async () => {
    main = createSystem({ node: 'main', net: { heartbeatMs: 1000, missed: 3 } });
    const mesh = new URL('./fixtures/mesh.worker.mjs', import.meta.url);
    const w1 = startWorkerNode(main, mesh, { node: 'w1' });
    const w2 = startWorkerNode(main, mesh, { node: 'w2' });
    try {
      await until(() => main.kernel.net!.names.providers('relay').length > 0);
      const relay = await firstValueFrom(main.process().open('relay', { global: true, codec: utf8 }));
      const r = await firstValueFrom(relay.send('hi'));
      expect(r.data).toBe('HI from w1 via w2 (main up, w1 up)');
    } finally {
      await w1.terminate();
      await w2.terminate();
    }
  });

  it('should never detach the caller\'s send buffer, which may be reused after the call', async () => {
    const conn = await start();
    const msg = utf8.encode('reuse me');
    const first: Reply<string> = await firstValueFrom(conn.sendBytes(msg));
    expect([msg.byteLength, first.data]).toEqual([8, 'REUSE ME']);
    msg.set(utf8.encode('again!!!'));
    expect((await firstValueFrom(conn.sendBytes(msg))).data).toBe('AGAIN!!!');
  });
});
