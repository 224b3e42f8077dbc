import type { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, it } from 'vitest';
import { triggerBatch } from '../../src/operators/index.js';
import { createTestScheduler } from '../../marbles/testScheduler.js';

describe('triggerBatch', () => {
  let ts: TestScheduler;
  beforeEach(() => { ts = createTestScheduler(); });

  it('should be bufferCount for a count trigger alone', () => {
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b-----c-d-e-f-|');
      expectObservable(source.pipe(triggerBatch({ count: 3 }))).toBe('---------x-----y-|', { x: ['a', 'b', 'c'], y: ['d', 'e', 'f'] });
      expectSubscriptions(source.subscriptions).toBe('^----------------!');
    });
  });

  it('should start the time trigger at the first value of a batch, not at subscription', () => {
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b-----c-d-e-f-|');
      expectObservable(source.pipe(triggerBatch({ time: 4, scheduler: ts }))).toBe('-----x-------y---(z|)', { x: ['a', 'b'], y: ['c', 'd', 'e'], z: ['f'] });
      expectSubscriptions(source.subscriptions).toBe('^----------------!');
    });
  });

  it('should close early on flush and on count, and keep a running timer', () => {
    ts.run(({ cold, hot, expectObservable }) => {
      const source = cold('-a-b-c-d---|');
      const flush = hot('  --x---------');
      // flush closes [a]; the count closes [b, c]; the timer armed by a (frame 1 + 6) closes [d]
      expectObservable(source.pipe(triggerBatch({ count: 2, time: 6, flush, scheduler: ts }))).toBe('--x--y-z---|', { x: ['a'], y: ['b', 'c'], z: ['d'] });
    });
  });

  it('should pass errors through, emit nothing for empty or never sources, and unsubscribe cleanly', () => {
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      expectObservable(cold('-a-#').pipe(triggerBatch({ time: 5, scheduler: ts }))).toBe('---#');
      expectObservable(cold('|').pipe(triggerBatch({ count: 2, time: 1, scheduler: ts }))).toBe('|');
      expectObservable(cold('-').pipe(triggerBatch({ count: 2, time: 1, scheduler: ts }))).toBe('----');
      const source = cold('-a-b-c-d');
      expectObservable(source.pipe(triggerBatch({ time: 10, scheduler: ts })), '^--!').toBe('----');
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('should keep per-subscription state apart', () => {
    ts.run(({ cold, expectObservable }) => {
      const batched = cold('-a-b-c|').pipe(triggerBatch({ count: 2, flush: cold('------') }));
      expectObservable(batched).toBe('---x--(y|)', { x: ['a', 'b'], y: ['c'] });
      expectObservable(batched).toBe('---x--(y|)', { x: ['a', 'b'], y: ['c'] });
    });
  });
});
