// The receiver's order and dedupe state (durableOrder.ts) alone: early seqs wait for the ones
// before them, duplicates under the mark are dropped, a gap that stays open is skipped and what
// comes after it is 'late', failures rewind a stream to its mark, idle streams and marks are bounded.
import { describe, expect, it } from 'vitest';
import type { DurableDelivery } from '../../src/kernel/net/durable.js';
import { DurableOrder } from '../../src/kernel/net/durableOrder.js';

const d = (seq: number, over: Partial<DurableDelivery> = {}): DurableDelivery => ({
  name: 'q', id: `p:1:${seq}`, producer: 'p', epoch: 1, seq, node: 'n', pid: 1, coid: 0, ttlMs: 0, data: new Uint8Array(0),
  deliveries: 1, stored: seq, expired: false, ...over,
});
const ready = (o: ReturnType<DurableOrder['offer']>): number[] => (o.kind === 'accepted' ? o.ready.map((i) => i.seq) : []);

describe('DurableOrder', () => {
  it('should hold early seqs until the ones before them arrive, and drop what is under the mark', () => {
    const o = new DurableOrder(new Map(), () => false, 16);
    expect(ready(o.offer(d(2), 0))).toEqual([]);
    expect(ready(o.offer(d(3), 0))).toEqual([]);
    expect(o.offer(d(3, { deliveries: 2 }), 0).kind).toBe('redelivery');
    expect(ready(o.offer(d(1), 0))).toEqual([1, 2, 3]);
    expect(o.settle('p:1', 2)).toEqual([]); // 1 not settled yet: the mark stays
    expect(o.settle('p:1', 1).map((i) => i.seq)).toEqual([1, 2]);
    expect(o.offer(d(1), 0).kind).toBe('duplicate');
    expect(o.currentMarks().get('p:1')).toBe(2);
    expect(o.outstanding()).toBe(1);
  });

  it('should skip a gap open for gapMs, report it, pass the mark over it, and call what comes after it late', () => {
    const o = new DurableOrder(new Map([['p:1', 1]]), () => false, 16);
    o.offer(d(4), 10);
    expect(o.gapsDue(100, 200)).toEqual([]);
    const [gap] = o.gapsDue(210, 200);
    expect(gap).toMatchObject({ from: 2, to: 3 });
    expect(gap!.ready.map((i) => i.seq)).toEqual([4]);
    expect(o.offer(d(3), 220).kind).toBe('late');
    expect(o.settle('p:1', 4).map((i) => i.seq)).toEqual([4]);
    expect(o.currentMarks().get('p:1')).toBe(4);
  });

  it('should mark a delivery past the limit dead, and rewind a failed stream to its mark', () => {
    const o = new DurableOrder(new Map(), (x) => x.deliveries > 3, 16);
    expect(o.offer(d(1, { deliveries: 4 }), 0)).toMatchObject({ kind: 'accepted', ready: [{ seq: 1, kind: 'dead' }] });
    o.offer(d(2), 0);
    o.offer(d(3), 0);
    // 1 was dead already, 3 fails for the last time: both stay (dead), 2 goes back
    const { back, ready: now } = o.rewind('p:1', 0, (it) => it.seq === 3);
    expect(back.map((x) => x.seq)).toEqual([2]);
    expect(now.map((i) => `${i.seq} ${i.kind}`)).toEqual(['1 dead']);
    expect(o.offer(d(2, { deliveries: 2 }), 0)).toMatchObject({ kind: 'accepted', ready: [{ seq: 2, kind: 'message' }, { seq: 3, kind: 'dead' }] });
    expect(o.rewind('nobody', 0, () => false)).toEqual({ back: [], ready: [] });
    expect(o.settle('nobody', 1)).toEqual([]);
  });

  it('should keep at most maxStreams streams (idle ones go) and four times as many marks', () => {
    const o = new DurableOrder(new Map(), () => false, 2);
    for (let e = 1; e <= 12; e++) {
      o.offer(d(1, { epoch: e, id: `p:${e}:1` }), e);
      o.settle(`p:${e}`, 1);
    }
    expect(o.streams.size).toBeLessThanOrEqual(3);
    expect(o.currentMarks().size).toBeLessThanOrEqual(8);
  });
});
