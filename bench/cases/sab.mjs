// The floors of the worker rows: what a bare SharedArrayBuffer ring pair between the main thread
// and a worker does with 64-byte messages, woken by Atomics.waitAsync on both sides (the worker
// is bench/workers/sab.worker.mjs; the ring, bench/workers/sabRing.mjs). Every message carries
// its sequence number and is checked at the other end. Each baseline starts its own worker on
// first use; closeWorkers() (cases/worker.mjs) ends them.
// - raw.sab.pingpong: one message at a time, its echo awaited (a Promise per message);
// - raw.sab.inflight64: 64 at a time, each with a Promise resolved by its echo (the shape of
//   raw.postmessage.inflight64 and worker.sync.inflight64);
// - raw.sab.batch100: the main thread writes the messages and publishes them 100 at a time; the
//   worker consumes them and acknowledges each batch; at most 301 unacknowledged (the window of
//   worker.async.trigger100: its connection's ring of 301 messages, count trigger 100).
import { Worker } from 'node:worker_threads';
import { ACK, HEAD, MASK, PAYLOAD, SLOTS, TAIL, WORDS, makeSabRing, readLoop, sabViews } from '../workers/sabRing.mjs';
import { closeWith } from './worker.mjs';

const url = new URL('../workers/sab.worker.mjs', import.meta.url);
const BATCH = 100;
const WINDOW = 301;

/** `setup` once, on the first call; then `run(state, n)`. */
function lazily(setup, run) {
  let ready = null;
  return async (n) => run(await (ready ??= setup()), n);
}

function startWorker(workerData, onError) {
  const worker = new Worker(url, { workerData });
  worker.on('error', onError);
  worker.on('exit', (code) => onError(new Error(`raw.sab worker exited (${code})`)));
  closeWith(async () => {
    worker.removeAllListeners('exit');
    await worker.terminate();
  });
  return worker;
}

/** An echo worker and the main thread's end: `write(msg)` (a Promise of the echo's bytes), `publish()`. */
function echoClient() {
  const tx = sabViews(makeSabRing());
  const rx = sabViews(makeSabRing());
  const resolves = [];
  const rejects = [];
  let first = 0; // the oldest unanswered message's index in resolves/rejects
  let failed = null;
  const fail = (e) => {
    failed ??= e;
    for (let i = first; i < rejects.length; i++) rejects[i](failed);
    resolves.length = rejects.length = first = 0;
  };
  startWorker({ mode: 'echo', rx: tx.sab, tx: rx.sab }, fail);

  // echoes: checked in order, copied out (the caller gets bytes of its own), their Promises resolved
  let head = 0;
  let expect = 0;
  readLoop(rx, () => head, (end) => {
    do {
      const at = (head & MASK) * WORDS;
      if (rx.i32[at] !== expect) {
        fail(new Error(`raw.sab: echo ${expect} came as ${rx.i32[at]}`));
        throw failed;
      }
      const bytes = rx.u8.slice(at * 4, at * 4 + PAYLOAD);
      expect = (expect + 1) | 0;
      head = (head + 1) | 0;
      const resolve = resolves[first];
      resolves[first] = rejects[first] = undefined;
      first++;
      resolve(bytes);
    } while (head !== end);
    if (first === resolves.length) resolves.length = rejects.length = first = 0;
    Atomics.store(rx.ctl, HEAD, head);
  });

  let tail = 0;
  return {
    msg: new Uint8Array(PAYLOAD).fill(7),
    write(msg) {
      if (failed !== null) return Promise.reject(failed);
      if (((tail - Atomics.load(tx.ctl, HEAD)) | 0) >= SLOTS) throw new Error('raw.sab: more in flight than the ring holds');
      const at = (tail & MASK) * WORDS;
      tx.u8.set(msg, at * 4);
      tx.i32[at] = tail; // the sequence number
      tail = (tail + 1) | 0;
      return new Promise((resolve, reject) => {
        resolves.push(resolve);
        rejects.push(reject);
      });
    },
    /** Make what was written visible and wake the worker. */
    publish() {
      Atomics.store(tx.ctl, TAIL, tail);
      Atomics.notify(tx.ctl, TAIL);
    },
  };
}

/** raw.sab.pingpong: one 64-byte message at a time to a worker that echoes it through the other ring. */
export function sabPingPong() {
  return lazily(async () => echoClient(), async (c, n) => {
    for (let i = 0; i < n; i++) {
      const echo = c.write(c.msg);
      c.publish();
      await echo;
    }
  });
}

/** raw.sab.inflight64: 64 messages written, one publish, a Promise each; the next 64 once all are back. */
export function sabInflight64() {
  return lazily(async () => echoClient(), async (c, n) => {
    for (let done = 0; done < n; done += 64) {
      const batch = [];
      for (let i = 0; i < 64 && done + i < n; i++) batch.push(c.write(c.msg));
      c.publish();
      await Promise.all(batch);
    }
  });
}

/** raw.sab.batch100: batches of 100 messages published to a worker that acknowledges each; at most 301 unacknowledged. One op = one message consumed. */
export function sabBatch100() {
  return lazily(async () => {
    const tx = sabViews(makeSabRing());
    const state = { tx, written: 0, acked: 0, failed: null, wake: null, msg: new Uint8Array(PAYLOAD).fill(7) };
    startWorker({ mode: 'batch', rx: tx.sab, batch: BATCH }, (e) => {
      state.failed ??= e;
      state.wake?.();
    });
    return state;
  }, async (s, n) => {
    if (n % BATCH !== 0) throw new RangeError(`raw.sab.batch100: ${n} is not a multiple of ${BATCH}`);
    const { tx, msg } = s;
    const { ctl } = tx;
    const target = (s.written + n) | 0;
    /** Until ACK is past `v` (or the worker failed); returns ACK. */
    const ackPast = async (v) => {
      for (;;) {
        if (s.failed !== null) throw s.failed;
        const a = Atomics.load(ctl, ACK);
        if (((a - v) | 0) > 0) return a;
        const r = Atomics.waitAsync(ctl, ACK, a);
        if (r.async) {
          // a failed worker never acknowledges: its error wakes this wait too
          await Promise.race([r.value, new Promise((resolve) => { s.wake = resolve; })]);
          s.wake = null;
        }
      }
    };
    for (let i = 0; i < n; i++) {
      if (((s.written - s.acked) | 0) >= WINDOW) {
        s.acked = Atomics.load(ctl, ACK);
        if (((s.written - s.acked) | 0) >= WINDOW) s.acked = await ackPast(s.acked);
      }
      // WINDOW <= SLOTS and the worker frees slots before it acknowledges them: this slot is free
      const at = (s.written & MASK) * WORDS;
      tx.u8.set(msg, at * 4);
      tx.i32[at] = s.written; // the sequence number
      s.written = (s.written + 1) | 0;
      if (s.written % BATCH === 0) {
        Atomics.store(ctl, TAIL, s.written);
        Atomics.notify(ctl, TAIL);
      }
    }
    s.acked = Atomics.load(ctl, ACK);
    while (((target - s.acked) | 0) > 0) s.acked = await ackPast(s.acked);
  });
}
