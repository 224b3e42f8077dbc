// The map of a peer's sends in flight by xid (issue 23): it behaves as a Map (the same answers,
// the same insertion order when iterated) whatever the keys and the order of sets and deletes,
// and a call's set and delete allocate nothing once it is warm (no table per call, as a Map has).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { XidMap } from '../../../src/kernel/net/xidMap.js';

type Op = { op: 'set'; k: number; v: number } | { op: 'delete'; k: number } | { op: 'clear' };

const key = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 0x7fffffff }), fc.constantFrom(8, 16, 24, 32, 64, 1 << 20));
const ops = fc.array(
  fc.oneof(
    { weight: 6, arbitrary: fc.record({ op: fc.constant('set' as const), k: key, v: fc.integer() }) },
    { weight: 5, arbitrary: fc.record({ op: fc.constant('delete' as const), k: key }) },
    { weight: 1, arbitrary: fc.constant({ op: 'clear' as const }) },
  ),
  { maxLength: 300 },
);

describe('the map of sends in flight by xid', () => {
  it('should answer as a Map does, in insertion order, after any sets and deletes', () => {
    fc.assert(fc.property(ops, (list: Op[]) => {
      const x = new XidMap<number>();
      const m = new Map<number, number>();
      for (const o of list) {
        if (o.op === 'set') {
          x.set(o.k, o.v);
          m.set(o.k, o.v);
        } else if (o.op === 'delete') {
          expect(x.delete(o.k)).toBe(m.delete(o.k));
        } else {
          x.clear();
          m.clear();
        }
        expect(x.size).toBe(m.size);
      }
      for (const o of list) if (o.op !== 'clear') {
        expect(x.get(o.k)).toBe(m.get(o.k));
        expect(x.has(o.k)).toBe(m.has(o.k));
      }
      expect([...x]).toEqual([...m]);
      expect([...x.values()]).toEqual([...m.values()]);
      expect([...x.keys()]).toEqual([...m.keys()]);
      const seen: Array<[number, number]> = [];
      x.forEach((v, k) => seen.push([k, v]));
      expect(seen).toEqual([...m.entries()]);
    }), { numRuns: 500 });
  });

  it('should keep sequential xids, 64 in flight, in order through many calls', () => {
    const x = new XidMap<number>();
    let next = 1;
    for (let round = 0; round < 100; round++) {
      for (let i = 0; i < 64; i++) x.set(next + i, next + i);
      expect([...x.keys()]).toEqual(Array.from({ length: 64 }, (_, i) => next + i));
      for (let i = 0; i < 64; i++) expect(x.delete(next + i)).toBe(true);
      expect(x.size).toBe(0);
      next += 64;
    }
  });
});
