// Worker rows: a 64-byte round trip between the main thread and a worker node, sequential and
// with 64 in flight, against a bare MessagePort ping-pong and a comlink call of the same size.
// Each case starts its worker on first use; closeWorkers() ends them all.
import { Worker } from 'node:worker_threads';
import { firstValueFrom } from 'rxjs';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { createSystem } from 'rxnto';
import { startWorkerNode } from 'rxnto/worker';

const PAYLOAD = 64;
const url = (f) => new URL(`../workers/${f}`, import.meta.url);
const closers = [];

/** Terminate every worker the cases started. */
export async function closeWorkers() {
  await Promise.all(closers.splice(0).map((close) => close()));
}

/** `setup` once, on the first call; then `run(state, n)`. */
function lazily(setup, run) {
  let ready = null;
  return async (n) => run(await (ready ??= setup()), n);
}

async function rxntoEcho() {
  const main = createSystem({ node: `bench${closers.length}` });
  const worker = startWorkerNode(main, url('echo.worker.mjs'), { node: `echo${closers.length}` });
  closers.push(() => worker.terminate());
  const names = main.kernel.net.names;
  while (names.providers('echo').length === 0) await new Promise((r) => setTimeout(r, 5));
  const conn = await firstValueFrom(main.process().open('echo', { global: true }));
  return { conn, msg: new Uint8Array(PAYLOAD).fill(7), options: { replySize: PAYLOAD } };
}

const once = (conn, msg, options) => new Promise((resolve, reject) => conn.send(msg, options).subscribe({ next: resolve, error: reject }));

/** worker.sync.roundtrip: one send at a time, main → worker node → reply. */
export function workerRoundtrip() {
  return lazily(rxntoEcho, async ({ conn, msg, options }, n) => {
    for (let i = 0; i < n; i++) await once(conn, msg, options);
  });
}

/** worker.sync.inflight64: 64 sends in flight at a time (each on a logical thread of its own). */
export function workerInflight64() {
  return lazily(rxntoEcho, async ({ conn, msg, options }, n) => {
    for (let done = 0; done < n; done += 64) {
      const batch = [];
      for (let i = 0; i < 64 && done + i < n; i++) batch.push(once(conn, msg, options));
      await Promise.all(batch);
    }
  });
}

function rawWorker() {
  const worker = new Worker(url('raw.worker.mjs'));
  closers.push(() => worker.terminate());
  let waiting = [];
  worker.on('message', () => { const r = waiting.shift(); r?.(); });
  const msg = new Uint8Array(PAYLOAD).fill(7);
  return { ask: () => new Promise((resolve) => { waiting.push(resolve); worker.postMessage(msg); }) };
}

/** raw.messageport.pingpong: a bare postMessage of 64 bytes to a worker that posts it back. */
export function rawPingPong() {
  return lazily(async () => rawWorker(), async ({ ask }, n) => {
    for (let i = 0; i < n; i++) await ask();
  });
}

/** raw.postmessage.inflight64: the same with 64 messages in flight. */
export function rawInflight64() {
  return lazily(async () => rawWorker(), async ({ ask }, n) => {
    for (let done = 0; done < n; done += 64) {
      const batch = [];
      for (let i = 0; i < 64 && done + i < n; i++) batch.push(ask());
      await Promise.all(batch);
    }
  });
}

/** comlink.call: `await api.echo(bytes)` of 64 bytes. */
export function comlinkCall() {
  return lazily(async () => {
    const worker = new Worker(url('comlink.worker.mjs'));
    closers.push(async () => worker.terminate());
    return { api: Comlink.wrap(nodeEndpoint(worker)), msg: new Uint8Array(PAYLOAD).fill(7) };
  }, async ({ api, msg }, n) => {
    for (let i = 0; i < n; i++) await api.echo(msg);
  });
}
