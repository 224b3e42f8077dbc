// The worker link's ring when it is full (issue 23): a frame that finds no room waits for the
// reader to move the ring's read position (HEAD). The writer rings the doorbell before it waits,
// so the reader may drain in between; the wait must then end at once (it waits for HEAD to move
// from the value its writes saw), not at the next send or heartbeat. One thread plays both sides:
// the reader is simulated on the shared header, at the exact point of the race (the doorbell).
import { afterEach, describe, expect, it } from 'vitest';
import { RingLink, makeRing, type PortLike } from '../../src/link/worker/index.js';

/** Int32 slots of a ring's header (see ringLink.ts). */
const HEAD = 0;
const TAIL = 1;
const BELL = 2;
const CAPACITY = 4096;

const port: PortLike = { postMessage() {}, addEventListener() {}, start() {}, close() {} };
const tick = () => new Promise((resolve) => setTimeout(resolve, 10));

/** A link whose ring (CAPACITY bytes) holds 4 frames of 1000 bytes; the fifth waits for room. */
function full() {
  const tx = makeRing(CAPACITY);
  const link = new RingLink(port, tx, makeRing(CAPACITY));
  const header = new Int32Array(tx, 0, 4);
  const frame = (n: number) => new Uint8Array(1000).fill(n);
  for (let n = 1; n <= 5; n++) expect(link.send(frame(n))).toBe(true);
  // 4 frames of 4 + 1000 bytes are in; the fifth does not fit (80 bytes left)
  expect(Atomics.load(header, TAIL)).toBe(4 * 1004);
  return { link, header, tx };
}

/** The reader takes every frame in the ring and tells a writer waiting for room. */
function drain(header: Int32Array): void {
  Atomics.store(header, HEAD, Atomics.load(header, TAIL));
  Atomics.notify(header, HEAD);
}

/** The fifth frame was written: at the ring's start, after a wrap marker for the 80 bytes left. */
function fifthWritten(tx: SharedArrayBuffer, header: Int32Array): boolean {
  const data = new Int32Array(tx, 16);
  return Atomics.load(header, TAIL) === 4 * 1004 + 80 + 1004 && data[0] === 1000 && new Uint8Array(tx, 16 + 4, 1000).every((b) => b === 5);
}

describe('the worker link\'s ring when it is full', () => {
  const notify = Atomics.notify;
  let link: RingLink | null = null;
  afterEach(() => {
    Atomics.notify = notify;
    link?.close('done');
    link = null;
  });

  it('should write a frame that waited for room when the reader drains between the doorbell and the wait', async () => {
    const r = full();
    link = r.link;
    // the reader wakes at the doorbell and drains everything before the writer arms its wait
    let raced = false;
    Atomics.notify = ((a: Int32Array, index: number, count?: number): number => {
      if (!raced && a.buffer === r.tx && index === BELL) {
        raced = true;
        const woken = notify(a, index, count);
        drain(r.header);
        return woken;
      }
      return notify(a, index, count);
    }) as typeof Atomics.notify;
    await tick();
    expect(raced).toBe(true);
    expect(Atomics.load(r.header, HEAD)).toBe(4 * 1004);
    // without the fix the writer waits for HEAD to move from 4016, where it already is: no frame
    expect(fifthWritten(r.tx, r.header)).toBe(true);
  });

  it('should write a frame that waited for room when the reader drains later', async () => {
    const r = full();
    link = r.link;
    await tick();
    expect(fifthWritten(r.tx, r.header)).toBe(false);
    drain(r.header);
    await tick();
    expect(fifthWritten(r.tx, r.header)).toBe(true);
  });
});
