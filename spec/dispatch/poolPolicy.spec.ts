// The thread-pool arithmetic on its own: the §6.7 table, normalisation, and a property run of
// random arrivals and completions (never above maximum, never more than hi_water idle, lo_water
// idle whenever the maximum allows).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PoolPolicy, normaliseLimits } from '../../src/index.js';

/** A pool simulated on the policy alone: threads are counters, work is a queue. */
function simulate(limits: { lo_water: number; hi_water: number; increment: number; maximum: number }, events: boolean[]) {
  const p = new PoolPolicy(limits);
  let busy = 0;
  let queued = 0;
  const spawn = (n: number): void => {
    for (let i = 0; i < n; i++) spawn(p.blocking(true));
  };
  p.added();
  spawn(1);
  const serve = (): void => {
    while (queued > 0 && p.waiting > 0) {
      queued--;
      busy++;
      spawn(p.workArrived());
    }
  };
  for (const arrive of events) {
    if (arrive) queued++;
    else if (busy > 0) {
      busy--;
      if (p.shouldExit()) p.exited();
      else spawn(p.blocking(false));
    }
    serve();
    const l = p.limits;
    if (p.created > l.maximum) throw new Error(`created ${p.created} > maximum ${l.maximum}`);
    // the thread start creates waits even with hi_water 0 (it exits after its first work)
    if (p.waiting > Math.max(l.hi_water, 1)) throw new Error(`waiting ${p.waiting} > hi_water ${l.hi_water}`);
    if (p.created !== p.waiting + busy) throw new Error('lost a thread');
    if (p.waiting < l.lo_water && p.created < l.maximum) throw new Error(`only ${p.waiting} idle below lo_water ${l.lo_water}`);
  }
}

describe('PoolPolicy', () => {
  it('should normalise hi_water to maximum and lo_water to hi_water', () => {
    expect(normaliseLimits({ lo_water: 2, hi_water: 10, increment: 1, maximum: 5 })).toMatchObject({ hi_water: 5, lo_water: 2 });
    expect(normaliseLimits({ lo_water: 8, hi_water: 4, increment: 1, maximum: 50 })).toMatchObject({ hi_water: 4, lo_water: 4 });
  });

  it('should follow the §6.7 moments for lo 2 / hi 4 / inc 1 / max 50', () => {
    const p = new PoolPolicy({ lo_water: 2, hi_water: 4, increment: 1, maximum: 50 });
    p.added();
    expect(p.blocking(true)).toBe(1); // first thread: up to lo_water (counted at once)
    expect(p.created).toBe(2);
    expect(p.blocking(true)).toBe(0);
    expect(p.workArrived()).toBe(1); // one busy, one idle: add increment
    expect(p.blocking(true)).toBe(0);
    expect(p.shouldExit()).toBe(false);
    expect(p.blocking(false)).toBe(0);
    expect([p.created, p.waiting]).toEqual([3, 3]);
  });

  it('should keep its invariants over random work', () => {
    const limits = fc.record({ lo_water: fc.nat(6), hi_water: fc.nat(8), increment: fc.integer({ min: 1, max: 3 }), maximum: fc.integer({ min: 1, max: 12 }) });
    fc.assert(fc.property(limits, fc.array(fc.boolean(), { maxLength: 200 }), (l, events) => simulate(l, events)), { numRuns: 2000 });
  });
});
