// Behaviour (issue 21): a handler that returns a Promise cannot be specified in a marble run (a
// Promise settles in a microtask, after the run's virtual time is over). The harness fails the run
// at once, at the frame the handler returned it, and says what to do instead; an Observable
// handler takes its place.
import { defer, map, of, timer } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { utf8 } from '../../src/index.js';
import { messages, replyWith } from '../../src/operators/index.js';
import { MarbleHarness } from '../../src/testing/index.js';
import { createTestScheduler, kerr } from '../testScheduler.js';

describe('Promise handlers in marble specs', () => {
  let ts: TestScheduler;
  beforeEach(() => { ts = createTestScheduler(); });

  it('should fail the run at the frame a handler returned a Promise, saying what to do', () => {
    expect(() =>
      ts.run(({ cold, expectObservable }) => {
        const h = new MarbleHarness(ts);
        const ch = h.process('server').channel({ codec: utf8 });
        ch.pipe(messages(), replyWith(async (s: string) => s.toUpperCase())).subscribe();
        const conn = h.client(ch, { codec: utf8 });
        expectObservable(h.replies(conn, cold('--a|', { a: 'x' }))).toBe('--A|', { A: 'X' });
      }),
    ).toThrow(/^MarbleHarness: a handler returned a Promise at frame 2; .*Return an Observable instead/);
  });

  it('should answer the same handler written as an Observable, in virtual time', () => {
    ts.run(({ cold, expectObservable }) => {
      const h = new MarbleHarness(ts);
      const ch = h.process('server').channel({ codec: utf8 });
      ch.pipe(messages(), replyWith((s: string) => (s === 'x' ? defer(() => of(s.toUpperCase())) : timer(2).pipe(map(() => s.toUpperCase()))))).subscribe();
      const conn = h.client(ch, { codec: utf8 });
      expectObservable(h.replies(conn, cold('-a-b|', { a: 'x', b: 'y' }))).toBe('-A---(B|)', { A: 'X', B: 'Y' });
    });
  });

  it('should let a harness made with allowPromises take a Promise it never waits for', () => {
    ts.run(({ expectObservable }) => {
      const h = new MarbleHarness(ts, { allowPromises: true });
      const ch = h.process('server').channel({ codec: utf8 });
      ch.pipe(messages(), replyWith((_q, m) => new Promise<string>((_resolve, reject) => m.signal.addEventListener('abort', () => reject(m.signal.reason))))).subscribe();
      const conn = h.client(ch, { codec: utf8 });
      expectObservable(conn.send('q', { timeout: 2 }).pipe(map((r) => r.data))).toBe('--#', undefined, kerr('ETIMEDOUT'));
    });
  });

  it('should leave Promise handlers alone outside a run', async () => {
    // made in a run that is over: later Promises are real asynchronous code
    let h: MarbleHarness | undefined;
    ts.run(() => { h = new MarbleHarness(ts); });
    const { createSystem, VirtualClock } = await import('../../src/index.js');
    const system = createSystem({ scheduler: new VirtualClock() });
    const ch = system.process().channel({ codec: utf8 });
    ch.pipe(messages(), replyWith(async (s: string) => s.toUpperCase())).subscribe();
    const { firstValueFrom } = await import('rxjs');
    const reply = await firstValueFrom(system.process().connect(ch, { codec: utf8 }).send('x'));
    expect([reply.data, h !== undefined]).toEqual(['X', true]);
  });
});
