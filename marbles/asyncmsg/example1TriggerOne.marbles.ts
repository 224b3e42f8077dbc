// Technote Example 1: trigger_num_msg = 1, one put, one get.
import type { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, it } from 'vitest';
import { MarbleHarness } from '../../src/testing/index.js';
import { createTestScheduler } from '../testScheduler.js';
import { asyncPair } from './helpers.js';

describe('asyncmsg Example 1: trigger by one message', () => {
  let ts: TestScheduler;
  beforeEach(() => { ts = createTestScheduler(); });

  it('should deliver each put at once, and tell the sender after delivery', () => {
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const h = new MarbleHarness(ts);
      const { out, batches } = asyncPair(h, { count: 1 });
      const puts = cold('-a--b', { a: 'AsyncMsg Passing', b: 'again' });
      puts.subscribe((v) => out.next(v));
      expectObservable(batches).toBe('-a--b', { a: 'AsyncMsg Passing', b: 'again' });
      expectObservable(out).toBe('-a--b', { a: { handle: 1, err: 0, value: 'AsyncMsg Passing' }, b: { handle: 2, err: 0, value: 'again' } }); // the callbacks, after delivery
      expectSubscriptions(puts.subscriptions).toBe('^');
    });
  });
});
