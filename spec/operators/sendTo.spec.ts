import { NEVER, map, mergeMap, of, timer } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, it } from 'vitest';
import { utf8 } from '../../src/index.js';
import { messages, replyWith, sendTo } from '../../src/operators/index.js';
import { MarbleHarness } from '../../src/testing/index.js';
import { createTestScheduler, kerr } from '../../marbles/testScheduler.js';

describe('sendTo', () => {
  let ts: TestScheduler;
  beforeEach(() => { ts = createTestScheduler(); });

  const echoIn = (h: MarbleHarness, delay: number) => {
    const ch = h.process('server').channel({ codec: utf8 });
    // two receiving threads, so concurrent sends can overlap
    for (let i = 0; i < 2; i++) ch.pipe(messages(), replyWith((s) => timer(delay).pipe(map(() => s)))).subscribe();
    return h.client(ch, { codec: utf8 });
  };

  it('should send one value at a time by default, in order', () => {
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const h = new MarbleHarness(ts);
      const conn = echoIn(h, 3);
      const source = cold('ab|');
      expectObservable(source.pipe(sendTo(conn), map((r) => r.data))).toBe('---a--(b|)');
      expectSubscriptions(source.subscriptions).toBe('^-!');
    });
  });

  it('should overlap sends with concurrency', () => {
    ts.run(({ cold, expectObservable }) => {
      const h = new MarbleHarness(ts);
      const conn = echoIn(h, 3);
      expectObservable(cold('ab|').pipe(sendTo(conn, { concurrency: 2 }), map((r) => r.data))).toBe('---a(b|)');
    });
  });

  it('should complete for an empty source and never emit for a never source', () => {
    ts.run(({ cold, expectObservable }) => {
      const h = new MarbleHarness(ts);
      const conn = echoIn(h, 1);
      expectObservable(cold('|').pipe(sendTo(conn))).toBe('|');
      expectObservable(NEVER.pipe(sendTo(conn))).toBe('----');
    });
  });

  it('should pass a source error through', () => {
    ts.run(({ cold, expectObservable }) => {
      const h = new MarbleHarness(ts);
      const conn = echoIn(h, 1);
      expectObservable(cold('#').pipe(sendTo(conn))).toBe('#');
    });
  });

  it('should withdraw the in-flight send on early unsubscription (the server never answers it)', () => {
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const h = new MarbleHarness(ts);
      const ch = h.process('server').channel({ codec: utf8 });
      const conn = h.client(ch, { codec: utf8 });
      const late = cold('----s');
      const source = cold('a');
      expectObservable(source.pipe(sendTo(conn)), '^-!').toBe('---');
      expectObservable(late.pipe(mergeMap(() => ch.pipe(messages())), map((m) => m.data))).toBe('-----');
      expectSubscriptions(source.subscriptions).toBe('^-!');
    });
  });

  it('should not break the unsubscription chain (mergeMap sandwich)', () => {
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const h = new MarbleHarness(ts);
      const conn = echoIn(h, 5);
      const source = cold('a');
      expectObservable(of(null).pipe(mergeMap(() => source.pipe(sendTo(conn))), mergeMap((r) => of(r))), '^--!').toBe('---');
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('should fail with EBADF on a detached connection', () => {
    ts.run(({ cold, expectObservable }) => {
      const h = new MarbleHarness(ts);
      const conn = echoIn(h, 1);
      conn.complete();
      expectObservable(cold('a|').pipe(sendTo(conn))).toBe('#', undefined, kerr('EBADF'));
    });
  });
});
