// Technote Example 5: trigger_time = 2 s: four puts become visible together 2 s after the first.
import type { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, it } from 'vitest';
import { MarbleHarness } from '../../src/testing/index.js';
import { createTestScheduler } from '../testScheduler.js';
import { asyncPair } from './helpers.js';

describe('asyncmsg Example 5: trigger by time', () => {
  let ts: TestScheduler;
  beforeEach(() => { ts = createTestScheduler(); });

  it('should deliver the four puts 2000 ms after the first one (a timer armed by the first put, not a window)', () => {
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const h = new MarbleHarness(ts);
      const { out, batches } = asyncPair(h, { count: 0, time: 2000 });
      const puts = cold('100ms 0 99ms 1 99ms 2 99ms 3 2000ms 4', { 0: 'm0', 1: 'm1', 2: 'm2', 3: 'm3', 4: 'm4' });
      puts.subscribe((v) => out.next(v));
      // puts at 100, 200, 300, 400 ms: visible at 2100; the fifth (2401) starts a new timer: 4401
      expectObservable(batches).toBe('2100ms x 2300ms y', { x: 'm0+m1+m2+m3', y: 'm4' });
      expectSubscriptions(puts.subscriptions).toBe('^');
    });
  });
});
