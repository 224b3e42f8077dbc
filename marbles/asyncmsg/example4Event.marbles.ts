// Technote Example 4: the receiver waits for the "messages available" notification, then gets.
import { switchMap } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, it } from 'vitest';
import { MarbleHarness } from '../../src/testing/index.js';
import { createTestScheduler } from '../testScheduler.js';
import { asyncPair } from './helpers.js';

describe('asyncmsg Example 4: delivery wakes a waiting receiver', () => {
  let ts: TestScheduler;
  beforeEach(() => { ts = createTestScheduler(); });

  it('should wake a receiver blocked in get when the put triggers', () => {
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const h = new MarbleHarness(ts);
      const { out, batches } = asyncPair(h, { count: 1 });
      const puts = cold('---a', { a: 'AsyncMsg Passing' });
      puts.subscribe((v) => out.next(v));
      expectObservable(h.trace({ send: 's' })).toBe('---s'); // the trigger (MsgSendAsync)
      expectObservable(batches).toBe('---a', { a: 'AsyncMsg Passing' });
      expectSubscriptions(puts.subscriptions).toBe('^');
    });
  });

  it('should keep messages for a receiver that starts late (store and forward)', () => {
    ts.run(({ cold, expectObservable }) => {
      const h = new MarbleHarness(ts);
      const { out, batches } = asyncPair(h, { count: 1 });
      out.next('early');
      expectObservable(cold('---r').pipe(switchMap(() => batches))).toBe('---a', { a: 'early' });
    });
  });
});
