// Technote Example 3: no trigger; asyncmsg_flush pushes everything out.
import { switchMap } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, it } from 'vitest';
import { MarbleHarness } from '../../src/testing/index.js';
import { createTestScheduler } from '../testScheduler.js';
import { asyncPair } from './helpers.js';

describe('asyncmsg Example 3: flush', () => {
  let ts: TestScheduler;
  beforeEach(() => { ts = createTestScheduler(); });

  it('should deliver nothing until the flush, then both puts; a blocking flush completes after the get', () => {
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const h = new MarbleHarness(ts);
      const { out, batches } = asyncPair(h, { count: 0 });
      const puts = cold('-0-1', { 0: 'msgid 0', 1: 'msgid 1' });
      puts.subscribe((v) => out.next(v));
      expectObservable(batches).toBe('-----x', { x: 'msgid 0+msgid 1' });
      expectObservable(out.flush(), '-----^').toBe('-----|'); // flush at frame 5: done when the get took both
      expectObservable(out).toBe('-----(ab)', { a: { handle: 1, err: 0, value: 'msgid 0' }, b: { handle: 2, err: 0, value: 'msgid 1' } }); // both callbacks, after delivery
      expectSubscriptions(puts.subscriptions).toBe('^');
    });
  });

  it('should complete a blocking flush only when the receiver takes the messages', () => {
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const h = new MarbleHarness(ts);
      const { out, inbox } = asyncPair(h, { count: 0 });
      out.next('late');
      const receiver = cold('----r|');
      receiver.pipe(switchMap(() => inbox)).subscribe();
      expectObservable(out.flush()).toBe('----|');
      expectObservable(out.flush({ wait: false })).toBe('|');
      expectSubscriptions(receiver.subscriptions).toBe('^----!');
    });
  });
});
