import { concatMap, endWith, from, map, range, timer, type Observable, type OperatorFunction } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { utf8, type AsyncBatch, type AsyncConnection } from '../../src/index.js';
import { holdMap, putTo } from '../../src/operators/index.js';
import { MarbleHarness } from '../../src/testing/index.js';
import { createTestScheduler, kerr } from '../../marbles/testScheduler.js';

describe('putTo', () => {
  let ts: TestScheduler;
  beforeEach(() => { ts = createTestScheduler(); });

  it('should keep ringSize − 1 puts in flight and emit each value once delivered, in put order', () => {
    ts.run(({ cold, expectObservable }) => {
      const h = new MarbleHarness(ts);
      const inbox = h.process('receiver').asyncChannel({ codec: utf8, maxNumBuffer: 3 });
      const out = h.process('sender').asyncConnect(inbox, { codec: utf8, ringSize: 4, count: 3, time: 9 });
      inbox.subscribe();
      // a, b, c fill the 3-message ring and reach the count trigger; so do d, e, f; g and h wait
      // for the time trigger their first put armed (frame 0 + 9)
      expectObservable(cold('(abcdefgh|)').pipe(putTo(out, { ringSize: 4 }))).toBe('(abcdef)-(gh|)');
    });
  });

  it('should (for contrast) deliver one message a batch, each at the time trigger, with concatMap(put)', () => {
    ts.run(({ cold, expectObservable }) => {
      const h = new MarbleHarness(ts);
      const inbox = h.process('receiver').asyncChannel({ codec: utf8, maxNumBuffer: 3 });
      const out = h.process('sender').asyncConnect(inbox, { codec: utf8, ringSize: 4, count: 3, time: 9 });
      inbox.subscribe();
      // put() completes on delivery, not on acceptance: the next put starts only then
      expectObservable(cold('(abc|)').pipe(concatMap((v) => out.put(v).pipe(endWith(v))))).toBe('9ms a 8ms b 8ms (c|)');
    });
  });

  it('should deliver nothing with concatMap(put) and a count trigger alone, where putTo fills the ring', () => {
    const delivered = { concat: 0, putTo: 0 };
    ts.run(() => {
      const h = new MarbleHarness(ts);
      const inbox = h.process('receiver').asyncChannel({ codec: utf8, maxNumBuffer: 4 });
      const one = h.process('one').asyncConnect(inbox, { codec: utf8, ringSize: 8, count: 4 });
      const other = h.process('other').asyncConnect(inbox, { codec: utf8, ringSize: 8, count: 4 });
      inbox.subscribe();
      from(['a', 'b', 'c', 'd']).pipe(concatMap((v) => one.put(v))).subscribe({ complete: () => delivered.concat++ });
      from(['a', 'b', 'c', 'd']).pipe(putTo(other, { ringSize: 8 })).subscribe(() => delivered.putTo++);
    });
    expect(delivered).toEqual({ concat: 0, putTo: 4 });
  });

  it('should pass a put\'s error on (EBADF once detached)', () => {
    ts.run(({ cold, expectObservable }) => {
      const h = new MarbleHarness(ts);
      const inbox = h.process('receiver').asyncChannel({ codec: utf8 });
      const out = h.process('sender').asyncConnect(inbox, { codec: utf8 });
      inbox.subscribe();
      out.complete();
      expectObservable(cold('a|').pipe(putTo(out))).toBe('#', undefined, kerr('EBADF', 'asyncmsg_put'));
    });
  });

  it('should deliver 100 values many times faster than concatMap(put), in full batches', () => {
    /** Puts 0…99 at once with `pipe` on an 8-slot ring (count 4, time 5); the receiver stores ≤ 4 a batch in 1 ms. */
    const run = (pipe: (out: AsyncConnection<string>) => OperatorFunction<string, unknown>) => {
      const scheduler = createTestScheduler();
      const sizes: number[] = [];
      let doneAt = -1;
      scheduler.run(() => {
        const h = new MarbleHarness(scheduler);
        const inbox = h.process('receiver').asyncChannel({ codec: utf8, maxNumBuffer: 4 });
        const out = h.process('sender').asyncConnect(inbox, { codec: utf8, ringSize: 8, count: 4, time: 5 });
        inbox.pipe(holdMap((batch: AsyncBatch<string>) => {
          sizes.push(batch.length);
          return timer(1);
        })).subscribe();
        range(0, 100).pipe(map(String), pipe(out)).subscribe({ complete: () => { doneAt = scheduler.now(); } });
      });
      return { doneAt, batches: sizes.length, largest: Math.max(...sizes) };
    };
    const piped = run((out) => putTo(out, { ringSize: 8 }));
    const serial = run((out) => concatMap((v: string): Observable<void> => out.put(v)));
    // putTo: the ring stays full, so a batch of 4 is ready whenever the receiver gets again (every
    // 1 ms); the 25th is taken at frame 24. concatMap: one message in the ring, so each batch is
    // 1 message delivered by the 5 ms time trigger: 100 × 5 ms
    expect(piped).toEqual({ doneAt: 24, batches: 25, largest: 4 });
    expect(serial).toEqual({ doneAt: 500, batches: 100, largest: 1 });
    expect(serial.doneAt / piped.doneAt).toBeGreaterThan(20);
  });
});
