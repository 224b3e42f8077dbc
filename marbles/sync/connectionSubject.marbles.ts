// Behaviour: a Connection is a Subject as RxJS's WebSocketSubject is one — next() sends, one at a
// time and in order, from the connection's own client thread; subscribers get the replies in
// order, multicast; complete() detaches after the queue; error() detaches at once.
import { map, take, timer } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { KernelError, utf8 } from '../../src/index.js';
import { messages, replyWith } from '../../src/operators/index.js';
import { MarbleHarness } from '../../src/testing/index.js';
import { createTestScheduler } from '../testScheduler.js';

const data = map((r: { data: string }) => r.data);

/** The kernel trace as `frame+letter` strings (send s, reply R, detach d), to assert after run(). */
function traced(h: MarbleHarness, ts: TestScheduler): string[] {
  const log: string[] = [];
  h.trace({ send: 's', reply: 'R', detach: 'd' }).subscribe((l) => log.push(`${ts.now()}${l}`));
  return log;
}

describe('Connection as a Subject', () => {
  let ts: TestScheduler;
  let log: string[] = [];
  beforeEach(() => { ts = createTestScheduler(); log = []; });

  /** A server answering each message after 2 frames, in upper case. */
  function upper(h: MarbleHarness) {
    const ch = h.process('server').channel({ codec: utf8 });
    ch.pipe(messages(), replyWith((s: string) => timer(2).pipe(map(() => s.toUpperCase())))).subscribe();
    return ch;
  }

  it('should send next() values one at a time, in order, and multicast the replies', () => {
    ts.run(({ cold, expectObservable }) => {
      const h = new MarbleHarness(ts);
      log = traced(h, ts);
      const conn = h.client(upper(h), { codec: utf8 });
      const input = cold('a(bc)|', { a: 'x', b: 'y', c: 'z' });
      // three sends queued at frames 0 and 1: answered at 2, 4, 6 (one in flight at a time)
      const replies = '--X-Y-(Z|)';
      input.subscribe(conn);
      expectObservable(conn.pipe(data)).toBe(replies, { X: 'X', Y: 'Y', Z: 'Z' });
      expectObservable(conn.pipe(data)).toBe(replies, { X: 'X', Y: 'Y', Z: 'Z' });
    });
    // one send in flight at a time; the connection detaches after the last reply (input completed)
    expect(log).toEqual(['0s', '2R', '2s', '4R', '4s', '6R', '6d']);
  });

  it('should send with nobody subscribed, and not detach when every subscriber leaves (take(1))', () => {
    ts.run(({ cold, expectObservable }) => {
      const h = new MarbleHarness(ts);
      const conn = h.client(upper(h), { codec: utf8 });
      conn.next('lost'); // its reply reaches no one, as a Subject's values do
      const first = conn.pipe(take(1), data);
      cold('----a|', { a: 'kept' }).subscribe((v) => conn.next(v));
      expectObservable(first, '---^').toBe('------(K|)', { K: 'KEPT' });
      expectObservable(conn.pipe(data), '-------^').toBe('--------', {});
    });
  });

  it('should detach on complete() only once the queued sends are answered; next() after it is ignored', () => {
    ts.run(({ cold, expectObservable }) => {
      const h = new MarbleHarness(ts);
      log = traced(h, ts);
      const ch = upper(h);
      const conn = h.client(ch, { codec: utf8 });
      cold('(ab|)', { a: 'p', b: 'q' }).subscribe(conn);
      cold('-x', { x: 'ignored' }).subscribe((v) => conn.next(v));
      expectObservable(conn.pipe(data)).toBe('--P-(Q|)', { P: 'P', Q: 'Q' });
      // a late subscriber re-attaches, as webSocket() re-connects (issue 21); R is its reply
      cold('-------r', { r: 'again' }).subscribe((v) => conn.next(v));
      expectObservable(conn.pipe(data), '------^').toBe('---------R', { R: 'AGAIN' });
    });
    expect(log).toEqual(['0s', '2R', '2s', '4R', '4d', '7s', '9R']);
  });

  it('should error (and detach) on a server MsgError, dropping the queue; a late subscriber re-attaches', () => {
    ts.run(({ cold, expectObservable }) => {
      const h = new MarbleHarness(ts);
      const ch = h.process('server').channel({ codec: utf8 });
      ch.pipe(messages(), replyWith((s: string) => {
        if (s === 'bad') throw new KernelError('EACCES', 'handler');
        return s;
      })).subscribe();
      log = traced(h, ts);
      const conn = h.client(ch, { codec: utf8 });
      cold('-a-(bc)', { a: 'ok', b: 'bad', c: 'never' }).subscribe((v) => conn.next(v));
      const err = new KernelError('EACCES', 'MsgSend');
      expectObservable(conn.pipe(data)).toBe('-a-#', { a: 'ok' }, err);
      // a late subscriber re-attaches (issue 21): 'again' is sent on the new coid
      cold('------a', { a: 'again' }).subscribe((v) => conn.next(v));
      expectObservable(conn.pipe(data), '-----^').toBe('------a', { a: 'again' });
    });
    // 'never' is dropped: two sends, then the detach; 'again' after the re-attach
    expect(log.filter((l) => !l.endsWith('R'))).toEqual(['1s', '3s', '3d', '6s']);
  });

  it('should detach at once on error(), dropping what is queued and cancelling what is in flight', () => {
    ts.run(({ cold, expectObservable }) => {
      const h = new MarbleHarness(ts);
      log = traced(h, ts);
      const conn = h.client(upper(h), { codec: utf8 });
      cold('(ab)', { a: 'x', b: 'y' }).subscribe((v) => conn.next(v));
      const boom = new Error('stop');
      cold('-e').subscribe(() => conn.error(boom));
      expectObservable(conn.pipe(data)).toBe('-#', {}, boom);
    });
    expect(log.filter((l) => l.endsWith('s') || l.endsWith('d'))).toEqual(['0s', '1d']);
  });
});
