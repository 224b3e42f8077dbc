// The worker link's reader polls before it parks (issue 23): once it found its ring empty it looks
// again at each turn of the event loop for `pollMicros` (setImmediate: timers and messages go on),
// and only then parks. A frame written while it polls is read without a doorbell (PARKED is not
// up: the writer rings nothing); a frame written once it parked rings it (PARKED must be up then,
// or the frame would wait for ever); polls that keep ending with nothing are skipped for a while.
import { afterEach, describe, expect, it } from 'vitest';
import { createSystem } from '../../src/index.js';
import { RingLink, joinParent, makeRing, startWorkerNode, type PortLike } from '../../src/link/worker/index.js';

/** Int32 slots of a ring's header (see ringLink.ts), and the FLAGS bit of a parked reader. */
const BELL = 32;
const FLAGS = 48;
const PARKED = 2;

const port = (): PortLike => ({ postMessage() {}, addEventListener() {}, start() {}, close() {} });
const tick = (ms = 10) => new Promise((resolve) => setTimeout(resolve, ms));
const frame = (n: number) => new Uint8Array(8).fill(n);

/** A writer link and a reader link (polling `pollMicros`) over one ring; the frames read, the doorbells rung, whether the reader is parked. */
function pair(pollMicros: number) {
  const ring = makeRing(4096);
  const header = new Int32Array(ring, 0, 64);
  const writer = new RingLink(port(), ring, makeRing(4096));
  const reader = new RingLink(port(), makeRing(4096), ring, { pollMicros });
  const got: number[] = [];
  reader.onFrame((f) => got.push(f[0]!));
  return { writer, reader, got, bells: () => Atomics.load(header, BELL), parked: () => (Atomics.load(header, FLAGS) & PARKED) !== 0 };
}

describe('the worker link\'s reader polls before it parks', () => {
  const open: RingLink[] = [];
  afterEach(() => {
    for (const l of open.splice(0)) l.close('done');
  });

  it('should take a frame written while it polls without a doorbell, and be rung for one written once it parked', async () => {
    const p = pair(30_000);
    open.push(p.writer, p.reader);
    await tick(5);
    // polling (30 ms): not parked, so the writer rings nothing
    expect(p.parked()).toBe(false);
    p.writer.send(frame(1));
    expect(p.bells()).toBe(0);
    await tick(5);
    expect(p.got).toEqual([1]);
    expect(p.bells()).toBe(0);
    // its poll over, the reader parked: the next frame rings it, and is read
    await tick(60);
    expect(p.parked()).toBe(true);
    p.writer.send(frame(2));
    expect(p.bells()).toBe(1);
    await tick(5);
    expect(p.got).toEqual([1, 2]);
  });

  it('should let timers run while it polls', async () => {
    const p = pair(50_000);
    open.push(p.writer, p.reader);
    const t0 = performance.now();
    await tick(1);
    expect(p.parked()).toBe(false);
    expect(performance.now() - t0).toBeLessThan(40);
  });

  it('should skip its polls for a while once they keep ending with nothing, and park at once', async () => {
    const p = pair(20_000);
    open.push(p.writer, p.reader);
    await tick(40); // the first poll, with nothing to read: a miss
    p.writer.send(frame(1));
    await tick(40); // the second miss: it backs off
    expect(p.parked()).toBe(true);
    p.writer.send(frame(2));
    await tick(5);
    // no poll now: parked at once, and rung for the next frame
    expect(p.got).toEqual([1, 2]);
    expect(p.parked()).toBe(true);
    const rung = p.bells();
    p.writer.send(frame(3));
    expect(p.bells()).toBe(rung + 1);
    await tick(5);
    expect(p.got).toEqual([1, 2, 3]);
  });

  it('should park at once with pollMicros 0', async () => {
    const p = pair(0);
    open.push(p.writer, p.reader);
    await tick(1);
    expect(p.parked()).toBe(true);
  });

  it('should refuse a pollMicros that is not a non-negative finite number', async () => {
    const ring = () => makeRing(4096);
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, '20' as unknown as number]) {
      expect(() => new RingLink(port(), ring(), ring(), { pollMicros: bad })).toThrow(/pollMicros must be a non-negative finite number/);
      expect(() => startWorkerNode(createSystem({ node: 'poller' }), new URL('./fixtures/finished.mjs', import.meta.url), { pollMicros: bad })).toThrow(RangeError);
      await expect(joinParent({ pollMicros: bad })).rejects.toThrow(RangeError);
    }
  });
});
