// The worker link's doorbell (issue 23): the writer notifies only a parked reader, once for the
// frames written after it parked (at the first of them, or at the end of the tick after a burst),
// and no wake-up is lost. The reader parks by loading BELL, raising
// PARKED, looking at TAIL again and waiting on BELL for the value it loaded; the writer stores TAIL
// and, when it sees PARKED, clears it, adds 1 to BELL and notifies. One thread plays both sides:
// a writer link and a reader link over one ring, with the writer's frame written at the exact
// points of the race (between the reader's steps), where a wrong order would lose the frame.
// Then `spinMicros`: a frame written while the reader spins costs no doorbell, and the option is
// checked.
import { afterEach, describe, expect, it } from 'vitest';
import { createSystem } from '../../src/index.js';
import { RingLink, joinParent, makeRing, startWorkerNode, type PortLike } from '../../src/link/worker/index.js';

/** Int32 slots of a ring's header (see ringLink.ts), and the FLAGS bit of a parked reader. */
const BELL = 32;
const FLAGS = 48;
const PARKED = 2;

const port = (): PortLike => ({ postMessage() {}, addEventListener() {}, start() {}, close() {} });
const tick = (ms = 10) => new Promise((resolve) => setTimeout(resolve, ms));

/** A writer link and a reader link over one ring (`ring`, its header `header`); the frames read, and the doorbells rung on it. */
function pair(spinMicros = 0) {
  const ring = makeRing(4096);
  const header = new Int32Array(ring, 0, 64);
  const writer = new RingLink(port(), ring, makeRing(4096));
  const reader = new RingLink(port(), makeRing(4096), ring, { spinMicros });
  const got: number[] = [];
  reader.onFrame((f) => got.push(f[0]!));
  const bells = (): number => Atomics.load(header, BELL);
  return { ring, header, writer, reader, got, bells };
}

const frame = (n: number) => new Uint8Array(8).fill(n);
const parked = (header: Int32Array) => (Atomics.load(header, FLAGS) & PARKED) !== 0;

describe('the worker link\'s doorbell', () => {
  const { or, load } = Atomics;
  const open: RingLink[] = [];
  afterEach(() => {
    Atomics.or = or;
    Atomics.load = load;
    for (const l of open.splice(0)) l.close('done');
  });

  it('should ring once for a parked reader, at once for a frame alone in its tick, at the end of the tick after a burst', async () => {
    const p = pair();
    open.push(p.writer, p.reader);
    await tick();
    expect(parked(p.header)).toBe(true);
    expect(p.bells()).toBe(0);
    p.writer.send(frame(1));
    expect(p.bells()).toBe(1);
    expect(parked(p.header)).toBe(false);
    // the reader was woken and has not read yet: no more doorbells
    p.writer.send(frame(2));
    p.writer.send(frame(3));
    expect(p.bells()).toBe(1);
    await tick();
    expect(p.got).toEqual([1, 2, 3]);
    // parked again; that tick was a burst: the next frame rings at the end of its tick, once
    expect(parked(p.header)).toBe(true);
    p.writer.send(frame(4));
    p.writer.send(frame(5));
    expect(p.bells()).toBe(1);
    await null;
    expect(p.bells()).toBe(2);
    await tick();
    expect(p.got).toEqual([1, 2, 3, 4, 5]);
    // a burst again (2 frames): the next frame, alone in its tick, rings at its end; the one after at once
    p.writer.send(frame(6));
    expect(p.bells()).toBe(2);
    await tick();
    expect(p.bells()).toBe(3);
    p.writer.send(frame(7));
    expect(p.bells()).toBe(4);
    await tick();
    expect(p.got).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('should read a frame written after the reader loaded BELL and before it raised PARKED (the writer saw no PARKED, rang nothing)', async () => {
    let p: ReturnType<typeof pair> | null = null;
    let raced = false;
    Atomics.or = ((a: Int32Array, index: number, value: number): number => {
      if (!raced && p !== null && a.buffer === p.ring && index === FLAGS && value === PARKED && p.got.length === 1) {
        raced = true;
        p.writer.send(frame(2));
      }
      return or(a, index, value);
    }) as typeof Atomics.or;
    p = pair();
    open.push(p.writer, p.reader);
    await tick();
    p.writer.send(frame(1));
    await tick();
    expect(raced).toBe(true);
    expect(p.bells()).toBe(1);
    // the reader's second look at TAIL found it
    expect(p.got).toEqual([1, 2]);
  });

  it('should read a frame written after the reader looked at TAIL again and before it waits (the doorbell changed BELL)', async () => {
    // the reader's last step before its wait is a look at FLAGS (a close?) with PARKED up: write then
    let p: ReturnType<typeof pair> | null = null;
    let raced = false;
    Atomics.load = ((a: Int32Array, index: number): number => {
      const v = load(a, index);
      if (!raced && p !== null && a.buffer === p.ring && index === FLAGS && (v & PARKED) !== 0 && p.got.length === 1) {
        raced = true;
        // PARKED is up: the writer clears it, adds 1 to BELL and notifies (nobody waits yet)
        p.writer.send(frame(2));
      }
      return v;
    }) as typeof Atomics.load;
    p = pair();
    open.push(p.writer, p.reader);
    await tick();
    p.writer.send(frame(1));
    await tick();
    expect(raced).toBe(true);
    expect(p.bells()).toBe(2);
    // the wait is for the BELL loaded before PARKED went up: 'not-equal' at once
    expect(p.got).toEqual([1, 2]);
  });

  it('should wake a reader parked on the doorbell, and see the peer close', async () => {
    const p = pair();
    open.push(p.reader);
    const down: string[] = [];
    p.reader.onState((state, reason) => down.push(`${state}: ${reason}`));
    await tick();
    p.writer.send(frame(7));
    await tick();
    expect(p.got).toEqual([7]);
    p.writer.close('bye');
    await tick();
    expect(down).toEqual(['down: the peer closed the link']);
  });

  it('should take frames written while the reader spins without a doorbell, then park', async () => {
    const p = pair(2000);
    open.push(p.writer, p.reader);
    await tick();
    expect(parked(p.header)).toBe(true);
    // the first frame rings (the reader was parked); the second is written as the first is read
    p.reader.onFrame((f) => {
      p.got.push(f[0]!);
      if (f[0] === 1) p.writer.send(frame(2));
    });
    p.writer.send(frame(1));
    expect(p.bells()).toBe(1);
    await tick(50);
    expect(p.got).toEqual([1, 2]);
    expect(p.bells()).toBe(1);
    // after its spin the reader parked: the next frame rings again
    expect(parked(p.header)).toBe(true);
    p.writer.send(frame(3));
    expect(p.bells()).toBe(2);
    await tick();
    expect(p.got).toEqual([1, 2, 3]);
  });

  it('should skip its spin for a while once spins keep ending with nothing', async () => {
    const p = pair(100_000);
    open.push(p.writer, p.reader);
    // a spin holds the thread (microtasks, no task): a timer set now fires once it is over
    const spun = async (n: number): Promise<number> => {
      const t0 = performance.now();
      p.writer.send(frame(n));
      await tick(0);
      return performance.now() - t0;
    };
    await tick(150); // the first spin, with nothing to read: a miss
    expect(await spun(1)).toBeGreaterThanOrEqual(90); // the second miss: it backs off
    await tick(10);
    expect(await spun(2)).toBeLessThan(90); // no spin now: parked at once
    await tick(10);
    expect(p.got).toEqual([1, 2]);
  });

  it('should refuse a spinMicros that is not a non-negative finite number', async () => {
    const ring = () => makeRing(4096);
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, '20' as unknown as number]) {
      expect(() => new RingLink(port(), ring(), ring(), { spinMicros: bad })).toThrow(/spinMicros must be a non-negative finite number/);
      expect(() => startWorkerNode(createSystem({ node: 'spinner' }), new URL('./fixtures/finished.mjs', import.meta.url), { spinMicros: bad })).toThrow(RangeError);
      await expect(joinParent({ spinMicros: bad })).rejects.toThrow(RangeError);
    }
    open.push(new RingLink(port(), ring(), ring(), { spinMicros: 0 }), new RingLink(port(), ring(), ring(), { spinMicros: 12.5 }));
  });
});
