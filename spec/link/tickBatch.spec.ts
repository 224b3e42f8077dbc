// TickBatch: the frames of one tick leave as one batch, never past the limit, in order.
import { describe, expect, it } from 'vitest';
import { TickBatch } from '../../src/link/TickBatch.js';

const frame = (n: number, fill: number): Uint8Array => new Uint8Array(n).fill(fill);

describe('TickBatch', () => {
  it('should send every frame of a tick in one batch at the end of the tick, in order', async () => {
    const out: Array<[number[], number]> = [];
    const b = new TickBatch((frames, bytes) => out.push([frames.map((f) => f[0]!), bytes]), Number.POSITIVE_INFINITY, 4);
    for (let i = 1; i <= 3; i++) b.add(frame(10, i));
    expect(out).toEqual([]);
    await Promise.resolve();
    expect(out).toEqual([[[1, 2, 3], 42]]);
  });

  it('should start a new batch when a frame would pass the limit, and drop what clear() drops', async () => {
    const out: number[][] = [];
    const b = new TickBatch((frames) => out.push(frames.map((f) => f[0]!)), 25);
    b.add(frame(10, 1));
    b.add(frame(10, 2));
    b.add(frame(10, 3)); // 30 > 25: 1 and 2 leave now
    expect(out).toEqual([[1, 2]]);
    b.add(frame(10, 4));
    b.clear();
    await Promise.resolve();
    expect(out).toEqual([[1, 2]]);
  });
});
