// Asynchronous batches across nodes as on one node, over the real worker link (issue 23): puts
// from the main thread to a worker node whose get always waits see the batches a receiver on the
// main thread sees under the same schedule (100 puts in one go at a count trigger of 10, or of 7
// with the trailing 2 left for a flush or the time trigger); callbacks in put order. The worker
// runs the sources under tsx (spec/link/fixtures/tsx.launch.mjs), so no build is needed. Over
// the shared-memory rings (the default) and over the MessagePort.
import { firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { createSystem, utf8, type System } from '../../src/index.js';
import type { AsyncAttr, Kernel } from '../../src/kernel/index.js';
import { startWorkerNode, type WorkerNode } from '../../src/link/worker/index.js';

const FIXTURE = new URL('./fixtures/asyncBatches.worker.ts', import.meta.url);
const LAUNCH = new URL('./fixtures/tsx.launch.mjs', import.meta.url);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Wait (bounded) until `f` is true. */
async function until(f: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(2);
  }
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const batchesOf = (size: number, n: number): number[] => Array<number>(n).fill(size);

/** A sender in `k` to (nd, pid, chid): put(i) puts [i] with handle i; callbacks record handles (in the order they run) and when. */
function sender(k: Kernel, nd: number, pid: number, chid: number, count: number, time = 0) {
  const p = k.createProcess({ name: 'sender' });
  const t = k.createThread(p);
  const callbacks: number[] = [];
  let last = 0;
  const attr: AsyncAttr = {
    call_back: (err, _buf, handle) => { callbacks.push(err === 0 ? handle : -1); last = Date.now(); },
    buffer_size: 64, max_num_buffer: 301, trigger_num_msg: count, trigger_time: { nsec: time * 1e6, interval_nsec: 0 },
  };
  const coid = k.asyncConnectAttach(t, nd, pid, chid, 0, 0, attr);
  return {
    callbacks,
    get last() { return last; },
    burst(n: number): number {
      for (let i = 0; i < n; i++) k.asyncPut(t, coid, new Uint8Array([i]), i, null, () => {});
      return Date.now();
    },
    flush(): void { k.asyncFlush(t, coid, 0, () => {}); },
  };
}

describe.each([['rings', true], ['a MessagePort', false]] as const)('asynchronous batches across nodes over the worker link (real workers, %s)', (_how, ring) => {
  let main: System;
  let worker: WorkerNode | null = null;
  afterEach(async () => { await worker?.terminate(); worker = null; });

  async function start() {
    main = createSystem({ node: 'main', net: { asyncAcrossNodes: true } });
    worker = startWorkerNode(main, LAUNCH, { node: 'w', ring, worker: { argv: [FIXTURE.href] } });
    await until(() => main.kernel.net!.names.providers('batches').length > 0);
    const conn = await firstValueFrom(main.process().open('batches', { global: true, codec: utf8 }));
    const ask = async <T>(q: string): Promise<T> => JSON.parse((await firstValueFrom(conn.send(q))).data) as T;
    const { pid, chid } = await ask<{ pid: number; chid: number }>('where');
    return { remote: (count: number, time?: number) => sender(main.kernel, main.kernel.netmgrStrtond('w').nd, pid, chid, count, time), batches: () => ask<number[]>('batches') };
  }

  /** A receiver on the main thread, its get always waiting, and a sender to it. */
  function local(count: number, time?: number) {
    const k = main.kernel;
    const p = k.createProcess({ name: 'inbox' });
    const t = k.createThread(p);
    const chid = k.asyncChannelCreate(t, 0, 0o666, 64, 400, null);
    const batches: number[] = [];
    const get = (): void => k.asyncGet(t, chid, 400, (err, ms) => { if (err === 0) { batches.push(ms.length); get(); } });
    get();
    return { batches, s: sender(k, 0, p.pid, chid, count, time) };
  }

  it('should deliver 100 puts at a count trigger of 10 as ten batches of 10, as on the main thread', async () => {
    const w = await start();
    const here = local(10);
    here.s.burst(100);
    const s = w.remote(10);
    s.burst(100);
    await until(() => s.callbacks.length === 100);
    expect(here.batches).toEqual(batchesOf(10, 10));
    expect(await w.batches()).toEqual(here.batches);
    expect(s.callbacks).toEqual(range(100));
  });

  it('should keep the trailing 2 of 100 puts at a count trigger of 7 until a flush, as on the main thread', async () => {
    const w = await start();
    const here = local(7);
    here.s.burst(100);
    const s = w.remote(7);
    s.burst(100);
    await until(() => s.callbacks.length >= 98);
    await sleep(100);
    expect(here.batches).toEqual(batchesOf(7, 14));
    expect(await w.batches()).toEqual(here.batches);
    expect(s.callbacks).toEqual(range(98));
    here.s.flush();
    s.flush();
    await until(() => s.callbacks.length === 100);
    expect(here.batches).toEqual([...batchesOf(7, 14), 2]);
    expect(await w.batches()).toEqual([2]);
    expect(s.callbacks).toEqual(range(100));
  });

  it('should deliver the trailing 2 at the time trigger, as on the main thread', async () => {
    const w = await start();
    const here = local(7, 50);
    here.s.burst(100);
    const s = w.remote(7, 50);
    const t0 = s.burst(100);
    await until(() => s.callbacks.length === 100);
    expect(s.last - t0).toBeGreaterThanOrEqual(45); // timers may fire a little early
    expect(here.batches).toEqual([...batchesOf(7, 14), 2]);
    expect(await w.batches()).toEqual(here.batches);
    expect(s.callbacks).toEqual(range(100));
  });
});
