// The worker of the raw.sab.* floors (bench/cases/sab.mjs): bare SharedArrayBuffer rings, woken
// by Atomics.waitAsync (never a blocking wait: this thread's event loop stays free, as a worker
// node's). workerData: { mode, rx, tx }.
// - 'echo' (raw.sab.pingpong, raw.sab.inflight64): every message of `rx`, checked for its
//   sequence number, is copied into `tx`; one TAIL store and one notify per drain.
// - 'batch' (raw.sab.batch100): every message of `rx` is checked (sequence number and payload)
//   and counted; each full batch of 100 frees its slots and is acknowledged (ACK = messages
//   consumed, notified).
import { parentPort, workerData } from 'node:worker_threads';
import { ACK, HEAD, MASK, SLOTS, TAIL, WORDS, readLoop, sabViews } from './sabRing.mjs';

const { mode, batch = 100 } = workerData;
const rx = sabViews(workerData.rx);
const FILL = 0x07070707; // the payload's bytes (7) past the sequence number

// a pending Atomics.waitAsync does not keep a thread alive; the port does, until terminate()
parentPort.on('message', () => {});

let head = 0;
let expect = 0;
if (mode === 'echo') {
  const tx = sabViews(workerData.tx);
  let tail = 0;
  readLoop(rx, () => head, (end) => {
    // the main thread never has more in flight than a ring holds: every echo has a slot
    if (((tail - Atomics.load(tx.ctl, HEAD)) | 0) + ((end - head) | 0) > SLOTS) throw new Error('raw.sab worker: no room for the echoes');
    do {
      const from = (head & MASK) * WORDS;
      if (rx.i32[from] !== expect) throw new Error(`raw.sab worker: message ${expect} came as ${rx.i32[from]}`);
      const to = (tail & MASK) * WORDS;
      for (let k = 0; k < WORDS; k++) tx.i32[to + k] = rx.i32[from + k];
      expect = (expect + 1) | 0;
      head = (head + 1) | 0;
      tail = (tail + 1) | 0;
    } while (head !== end);
    Atomics.store(rx.ctl, HEAD, head);
    Atomics.store(tx.ctl, TAIL, tail);
    Atomics.notify(tx.ctl, TAIL);
  });
} else if (mode === 'batch') {
  readLoop(rx, () => head, (end) => {
    do {
      const at = (head & MASK) * WORDS;
      if (rx.i32[at] !== expect || rx.i32[at + WORDS - 1] !== FILL) throw new Error(`raw.sab worker: message ${expect} came as ${rx.i32[at]}`);
      expect = (expect + 1) | 0;
      head = (head + 1) | 0;
      if (expect % batch === 0) {
        Atomics.store(rx.ctl, HEAD, head);
        Atomics.store(rx.ctl, ACK, expect);
        Atomics.notify(rx.ctl, ACK);
      }
    } while (head !== end);
  });
} else {
  throw new Error(`raw.sab worker: no mode ${mode}`);
}
