// Worker rows: a 64-byte round trip between the main thread and a worker node, sequential and
// with 64 in flight, against a bare MessagePort ping-pong and a comlink call of the same size
// (the bare SharedArrayBuffer floors are in sab.mjs). Each case starts its worker on first use;
// closeWorkers() ends them all (closeWith() adds to them).
import { Worker } from 'node:worker_threads';
import { Subject, bufferCount, firstValueFrom } from 'rxjs';
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

/** Have closeWorkers() call `close` too (the workers of other case files). */
export function closeWith(close) {
  closers.push(close);
}

/** `setup` once, on the first call; then `run(state, n)`. */
function lazily(setup, run) {
  let ready = null;
  return async (n) => run(await (ready ??= setup()), n);
}

/**
 * A worker node answering 'echo', and a connection to it. `link`: options of the worker link, given
 * to both ends (startWorkerNode here; joinParent in the worker, through its workerData).
 */
async function rxntoEcho(link = {}) {
  const main = createSystem({ node: `bench${closers.length}` });
  const worker = startWorkerNode(main, url('echo.worker.mjs'), { node: `echo${closers.length}`, ...link, worker: { workerData: { link } } });
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

/** The link option of worker.sync.roundtrip.spin: the reader spins this long (µs) before it parks. */
const SPIN = { spinMicros: 20 };

/** worker.sync.roundtrip.spin: the same with `spinMicros: 20` on both ends of the link. */
export function workerRoundtripSpin() {
  return lazily(() => rxntoEcho(SPIN), async ({ conn, msg, options }, n) => {
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

/** worker.async.trigger100: asynchronous puts from main to a worker node, trigger 100; one op = one message taken. */
export function workerAsyncTrigger100() {
  return lazily(async () => {
    const main = createSystem({ node: `async${closers.length}`, net: { asyncAcrossNodes: true } });
    const node = `inbox${closers.length}`;
    const worker = startWorkerNode(main, url('async.worker.mjs'), { node });
    closers.push(() => worker.terminate());
    while (main.kernel.net.names.providers('inbox').length === 0) await new Promise((r) => setTimeout(r, 5));
    const conn = await firstValueFrom(main.process().open('inbox', { global: true }));
    const r = await firstValueFrom(conn.sendBytes(new Uint8Array(1)));
    const [pid, chid] = new Int32Array(r.bytes.buffer.slice(r.bytes.byteOffset, r.bytes.byteOffset + 8));
    const out = main.process().asyncConnect({ node, pid, chid }, { ringSize: 301, count: 100 });
    const state = { delivered: 0, wake: null, room: null };
    out.subscribe(() => {
      state.delivered++;
      if (state.room !== null) { const r = state.room; state.room = null; r(); }
      if (state.wake !== null && state.delivered >= state.target) state.wake();
    });
    return { out, state, msg: new Uint8Array(PAYLOAD).fill(7) };
  }, async ({ out, state, msg }, n) => {
    state.delivered = 0;
    state.target = n;
    const done = new Promise((resolve) => { state.wake = resolve; });
    for (let i = 0; i < n; i++) {
      try {
        out.next(msg);
      } catch (e) {
        if (e.code !== 'EAGAIN') throw e;
        // a full ring: room comes with the next delivery report (the worker takes batches as they come)
        await new Promise((r) => { state.room = r; });
        i--;
      }
    }
    if (state.delivered < n) await done;
    state.wake = null;
  });
}

/** raw.postmessage.bufferCount100: a Subject piped through bufferCount(100), one postMessage per batch to a worker that acknowledges it. */
export function rawBufferCount100() {
  return lazily(async () => {
    const worker = new Worker(url('rawbatch.worker.mjs'));
    closers.push(() => worker.terminate());
    const state = { acked: 0, target: 0, wake: null };
    worker.on('message', (count) => { state.acked += count; if (state.wake !== null && state.acked >= state.target) state.wake(); });
    const subject = new Subject();
    subject.pipe(bufferCount(100)).subscribe((batch) => worker.postMessage(batch));
    return { subject, state, msg: new Uint8Array(PAYLOAD).fill(7) };
  }, async ({ subject, state, msg }, n) => {
    state.acked = 0;
    state.target = n;
    const done = new Promise((resolve) => { state.wake = resolve; });
    for (let i = 0; i < n; i++) subject.next(msg);
    if (state.acked < n) await done;
    state.wake = null;
  });
}
