import { EMPTY, NEVER, Observable, map, mergeMap, of, throwError, timer } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { KernelError, RemoteError, utf8, type ReceivedMessage } from '../../src/index.js';
import { messages, replyWith } from '../../src/operators/index.js';
import { MarbleHarness } from '../../src/testing/index.js';
import { createTestScheduler, kerr } from '../../marbles/testScheduler.js';

/** A server answering with `project`, a client sending `requests`; returns both streams. */
function setup(h: MarbleHarness, project: (s: string, m: ReceivedMessage<string>) => string | PromiseLike<string> | Observable<string>, unblock = true) {
  const ch = h.process('server').channel({ codec: utf8, unblock });
  const answered = ch.pipe(messages(), replyWith(project), map((a) => (a.errno === 0 ? `ok:${a.reply}` : `errno:${a.errno}`)));
  return { ch, answered, conn: h.client(ch, { codec: utf8 }) };
}

describe('replyWith', () => {
  let ts: TestScheduler;
  beforeEach(() => { ts = createTestScheduler(); });

  it('should reply with a plain value at once', () => {
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const h = new MarbleHarness(ts);
      const { answered, conn } = setup(h, (s) => s.toUpperCase());
      const requests = cold('-a-b|', { a: 'x', b: 'y' });
      expectObservable(answered).toBe('-a-b', { a: 'ok:X', b: 'ok:Y' });
      expectObservable(h.replies(conn, requests)).toBe('-A-B|', { A: 'X', B: 'Y' });
      expectSubscriptions(requests.subscriptions).toBe('^---!');
    });
  });

  it('should reply when an Observable emits (its first value) and when a Promise resolves', async () => {
    ts.run(({ cold, expectObservable }) => {
      const h = new MarbleHarness(ts);
      const { conn, answered } = setup(h, (s) => timer(2).pipe(mergeMap(() => of(`${s}1`, `${s}2`))));
      answered.subscribe();
      expectObservable(h.replies(conn, cold('a|', { a: 'v' }))).toBe('--(r|)', { r: 'v1' });
    });
    const { firstValueFrom } = await import('rxjs');
    const { createSystem, VirtualClock } = await import('../../src/index.js');
    const system = createSystem({ scheduler: new VirtualClock() });
    const ch = system.process().channel({ codec: utf8 });
    ch.pipe(messages(), replyWith(async (s) => `${s}!`)).subscribe();
    expect((await firstValueFrom(system.process().connect(ch, { codec: utf8 }).send('p'))).data).toBe('p!');
  });

  it('should give an empty reply for an Observable that completes without a value', () => {
    ts.run(({ cold, expectObservable }) => {
      const h = new MarbleHarness(ts);
      const { answered, conn } = setup(h, () => EMPTY);
      expectObservable(answered).toBe('a', { a: 'ok:undefined' });
      expectObservable(h.replies(conn, cold('a|'))).toBe('r|', { r: '' });
    });
  });

  it('should turn a thrown KernelError into MsgError with its errno, and other errors into EIO (a RemoteError for the client)', () => {
    ts.run(({ cold, expectObservable }) => {
      const h = new MarbleHarness(ts);
      const { answered, conn } = setup(h, (s) => {
        if (s === 'k') throw new KernelError('EACCES', 'handler');
        throw new Error('bug');
      });
      expectObservable(answered).toBe('ab', { a: 'errno:13', b: 'errno:5' });
      expectObservable(cold('k|').pipe(mergeMap((x) => conn.send(x)))).toBe('#', undefined, kerr('EACCES'));
      expectObservable(cold('-x|').pipe(mergeMap((x) => conn.send(x)))).toBe('-#', undefined, new RemoteError({ name: 'Error', message: 'bug' }));
    });
  });

  it('should turn a rejected or erroring result into MsgError', () => {
    ts.run(({ cold, expectObservable }) => {
      const h = new MarbleHarness(ts);
      const { conn, answered } = setup(h, () => throwError(() => new KernelError('EPERM', 'h')));
      answered.subscribe();
      expectObservable(cold('a|').pipe(mergeMap((x) => conn.send(x)))).toBe('#', undefined, kerr('EPERM'));
    });
  });

  it('should leave alone a message the project answered itself', () => {
    ts.run(({ cold, expectObservable }) => {
      const h = new MarbleHarness(ts);
      const { answered, conn } = setup(h, (s, m) => { m.reply('by hand'); return s; });
      expectObservable(answered).toBe('a', { a: 'ok:a' });
      expectObservable(h.replies(conn, cold('a|', { a: 'a' }))).toBe('r|', { r: 'by hand' });
    });
  });

  it('should answer ECANCELED for messages in hand when unsubscribed, leaving no client blocked', () => {
    ts.run(({ cold, expectObservable }) => {
      const h = new MarbleHarness(ts);
      const { answered, conn } = setup(h, () => NEVER);
      expectObservable(answered, '^--!').toBe('---');
      expectObservable(cold('a|').pipe(mergeMap((x) => conn.send(x)))).toBe('---#', undefined, kerr('ECANCELED'));
    });
  });

  it('should not break the unsubscription chain (mergeMap sandwich)', () => {
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const h = new MarbleHarness(ts);
      const ch = h.process('server').channel({ codec: utf8 });
      const conn = h.client(ch, { codec: utf8 });
      const work = cold('-----w');
      const served = of(null).pipe(mergeMap(() => ch.pipe(messages(), replyWith(() => work))), mergeMap((a) => of(a.errno)));
      expectObservable(served, '^--!').toBe('---');
      expectObservable(cold('a|').pipe(mergeMap((x) => conn.send(x)))).toBe('---#', undefined, kerr('ECANCELED'));
      expectSubscriptions(work.subscriptions).toBe('^--!');
    });
  });

  it('should cancel the work of a client that left on an _NTO_CHF_UNBLOCK channel (error -1), at the frame it left', () => {
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const h = new MarbleHarness(ts);
      const work = cold('---w', { w: 'done' });
      const { answered, conn } = setup(h, () => work);
      expectObservable(answered).toBe('-a', { a: 'errno:-1' });
      expectObservable(h.replies(conn, cold('x|', { x: 'x' })), '^!').toBe('-');
      expectSubscriptions(work.subscriptions).toBe('^!');
    });
  });

  it('should find nobody to answer for a client that left without _NTO_CHF_UNBLOCK (ESRCH)', () => {
    ts.run(({ cold, expectObservable }) => {
      const h = new MarbleHarness(ts);
      const { answered, conn } = setup(h, (s) => timer(3).pipe(map(() => s)), false);
      expectObservable(answered).toBe('---a', { a: 'errno:3' });
      expectObservable(h.replies(conn, cold('x|', { x: 'x' })), '^!').toBe('-');
    });
  });

  it('should never emit and never answer for a channel with no messages', () => {
    ts.run(({ expectObservable }) => {
      const h = new MarbleHarness(ts);
      const { answered } = setup(h, (s) => s);
      expectObservable(answered).toBe('-----');
    });
  });
});
