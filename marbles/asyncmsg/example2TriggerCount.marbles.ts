// Technote Example 2: trigger_num_msg = 3, three puts, one get returns all three.
import type { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, it } from 'vitest';
import { MarbleHarness } from '../../src/testing/index.js';
import { createTestScheduler } from '../testScheduler.js';
import { asyncPair } from './helpers.js';

describe('asyncmsg Example 2: trigger by count', () => {
  let ts: TestScheduler;
  beforeEach(() => { ts = createTestScheduler(); });

  it('should make nothing visible before the third put, then one batch of three in put order', () => {
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const h = new MarbleHarness(ts);
      const { out, batches } = asyncPair(h, { count: 3 });
      const puts = cold('-0-1-2---3-4', { 0: 'msgid 0', 1: 'msgid 1', 2: 'msgid 2', 3: 'msgid 3', 4: 'msgid 4' });
      puts.subscribe((v) => out.next(v));
      expectObservable(batches).toBe('-----x------', { x: 'msgid 0+msgid 1+msgid 2' });
      expectSubscriptions(puts.subscriptions).toBe('^');
    });
  });
});
