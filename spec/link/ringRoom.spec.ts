// The worker link's ring when it is full (issue 23): a frame that finds no room waits for the
// reader to move the ring's read position (HEAD). The writer loads HEAD before its write attempt,
// raises ROOM (the reader notifies HEAD when it moves it while ROOM is up), looks at HEAD again
// and waits for it to move from the value it loaded first: a drain anywhere in between ends the
// wait at once, not at the next send or heartbeat. One thread plays both sides: the reader is
// simulated on the shared header, at the exact points of the race, and never notifies there.
import { afterEach, describe, expect, it } from 'vitest';
import { RingLink, makeRing, type PortLike } from '../../src/link/worker/index.js';

/** Int32 slots of a ring's header (see ringLink.ts), and the FLAGS bit of a writer waiting for room. */
const HEAD = 0;
const TAIL = 16;
const FLAGS = 48;
const ROOM = 4;
/** Where the ring's bytes start, after its header. */
const DATA = 256;
const CAPACITY = 4096;

const port: PortLike = { postMessage() {}, addEventListener() {}, start() {}, close() {} };
const tick = () => new Promise((resolve) => setTimeout(resolve, 10));

/** A link whose ring (CAPACITY bytes) holds 4 frames of 1000 bytes; the fifth waits for room. */
function full() {
  const tx = makeRing(CAPACITY);
  const link = new RingLink(port, tx, makeRing(CAPACITY));
  const header = new Int32Array(tx, 0, DATA / 4);
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
  const data = new Int32Array(tx, DATA);
  return Atomics.load(header, TAIL) === 4 * 1004 + 80 + 1004 && data[0] === 1000 && new Uint8Array(tx, DATA + 4, 1000).every((b) => b === 5);
}

/** `Atomics.waitAsync`, not in the ES2022 typings. */
type WaitAsync = (a: Int32Array, index: number, value: number, timeout?: number) => { async: boolean; value: unknown };
const A = Atomics as unknown as { waitAsync: WaitAsync };

describe('the worker link\'s ring when it is full', () => {
  const { or } = Atomics;
  const { waitAsync } = A;
  let link: RingLink | null = null;
  afterEach(() => {
    Atomics.or = or;
    A.waitAsync = waitAsync;
    link?.close('done');
    link = null;
  });

  it('should write a frame that waited for room when the reader drains as ROOM goes up, before the writer looks again', async () => {
    // the reader drains the moment the writer raises ROOM, and does not notify (it saw no ROOM)
    let tx: SharedArrayBuffer | null = null;
    let raced = false;
    Atomics.or = ((a: Int32Array, index: number, value: number): number => {
      if (!raced && tx !== null && a.buffer === tx && index === FLAGS && value === ROOM) {
        raced = true;
        const header = new Int32Array(tx, 0, DATA / 4);
        Atomics.store(header, HEAD, Atomics.load(header, TAIL));
      }
      return or(a, index, value);
    }) as typeof Atomics.or;
    tx = makeRing(CAPACITY);
    const header = new Int32Array(tx, 0, DATA / 4);
    link = new RingLink(port, tx, makeRing(CAPACITY));
    for (let n = 1; n <= 5; n++) expect(link.send(new Uint8Array(1000).fill(n))).toBe(true);
    expect(raced).toBe(true);
    await tick();
    // a writer that took the value to wait on after the drain would wait for ever: no frame
    expect(fifthWritten(tx, header)).toBe(true);
  });

  it('should write a frame that waited for room when the reader drains between the writer\'s last look and its wait', async () => {
    // the reader drains just before the writer's Atomics.waitAsync on HEAD, and does not notify
    let tx: SharedArrayBuffer | null = null;
    let raced = false;
    A.waitAsync = (a, index, value, timeout) => {
      if (!raced && tx !== null && a.buffer === tx && index === HEAD) {
        raced = true;
        const header = new Int32Array(tx, 0, DATA / 4);
        Atomics.store(header, HEAD, Atomics.load(header, TAIL));
      }
      return waitAsync(a, index, value, timeout);
    };
    tx = makeRing(CAPACITY);
    const header = new Int32Array(tx, 0, DATA / 4);
    link = new RingLink(port, tx, makeRing(CAPACITY));
    for (let n = 1; n <= 5; n++) expect(link.send(new Uint8Array(1000).fill(n))).toBe(true);
    expect(raced).toBe(true);
    await tick();
    expect(fifthWritten(tx, header)).toBe(true);
  });

  it('should write a frame that waited for room when the reader drains later', async () => {
    const r = full();
    link = r.link;
    await tick();
    expect(fifthWritten(r.tx, r.header)).toBe(false);
    expect(Atomics.load(r.header, FLAGS) & ROOM).toBe(ROOM);
    drain(r.header);
    await tick();
    expect(fifthWritten(r.tx, r.header)).toBe(true);
  });
});
