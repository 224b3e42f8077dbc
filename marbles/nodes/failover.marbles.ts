// Behaviour (issue 21): a Connection subscribed again after an error re-attaches, as webSocket()'s
// Subject re-connects; one from open(name) opens the name again. So conn.pipe(retry({ delay }))
// fails over from a provider of a global name that died to another node's provider, and
// open(name, { wait: true }) emits once a provider's NAME_ADD has crossed the link.
import { map, retry, switchMap, timer } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, it } from 'vitest';
import { createSystem, utf8, type System } from '../../src/index.js';
import { messages, replyWith } from '../../src/operators/index.js';
import { connectLoopback } from '../../src/testing/index.js';
import { createTestScheduler, kerr } from '../testScheduler.js';

/** Nodes a (clients), b and c (providers), a joined to each, 1 frame apart; links closed at 100. */
function threeNodes(ts: TestScheduler) {
  const onUnhandledError = (e: unknown): void => { throw e; };
  const net = { heartbeatMs: 10, missed: 3 };
  const [a, b, c] = ['a', 'b', 'c'].map((node, i) => createSystem({ node, scheduler: ts, onUnhandledError, net: { ...net, incarnation: i + 1 } })) as [System, System, System];
  const links = [connectLoopback(a, b, { latency: 1 }), connectLoopback(a, c, { latency: 1 })];
  ts.schedule(() => { for (const l of links) l.close('end of test'); }, 100);
  return { a, b, c };
}

/** A provider of the global name 'svc' on `s`, answering `<node>:<msg>`; its process, to end it. */
function provide(s: System) {
  const p = s.process({ name: 'svc' });
  p.attach('svc', { global: true, codec: utf8 }).pipe(messages(), replyWith((m: string) => `${s.node}:${m}`)).subscribe({ error: () => {} });
  return p;
}

describe('nodes: failing over to another provider of a global name', () => {
  let ts: TestScheduler;
  beforeEach(() => { ts = createTestScheduler(); });

  it('should re-open the name under retry({ delay }) when the provider in use dies', () => {
    ts.run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const { a, b, c } = threeNodes(ts);
      const pb = provide(b);
      // c provides it later: b is the provider a's open binds
      cold('---p').subscribe(() => provide(c));
      cold('-----------------k').subscribe(() => pb.exit());
      const input = hot('   ----------x---------y---------z---------w');
      const inputSubs = '   ----^';
      // b's name is known on a at 1 (with the HELLO), opened at 4; x answered by b (one frame
      // each way); b dies at 17, so y fails at 20 (EBADF); re-opened at 25 (the delay), reaching
      // c: z and w are c's
      const expected = '    ------------X-------------------Z---------W';
      const conn$ = a.process({ name: 'client' }).open('svc', { global: true, wait: true, codec: utf8 });
      const replies = conn$.pipe(switchMap((conn) => {
        input.subscribe((v) => conn.next(v));
        return conn.pipe(retry({ delay: () => timer(5) }));
      }), map((r) => r.data));
      expectObservable(replies, '^ 60ms !').toBe(expected, { X: 'b:x', Z: 'c:z', W: 'c:w' });
      expectSubscriptions(input.subscriptions).toBe(inputSubs);
    });
  });

  it('should error without retry, and say EBADF at the send after the provider died', () => {
    ts.run(({ hot, expectObservable, expectSubscriptions }) => {
      const { a, b, c } = threeNodes(ts);
      const pb = provide(b);
      hot('---p').subscribe(() => provide(c));
      hot('-----------------k').subscribe(() => pb.exit());
      const input = hot('   ----------x---------y');
      const inputSubs = '   ----^';
      const expected = '    ------------X-------#';
      const conn$ = a.process({ name: 'client' }).open('svc', { global: true, wait: true, codec: utf8 });
      const replies = conn$.pipe(switchMap((conn) => {
        input.subscribe((v) => conn.next(v));
        return conn;
      }), map((r) => r.data));
      expectObservable(replies).toBe(expected, { X: 'b:x' }, kerr('EBADF'));
      expectSubscriptions(input.subscriptions).toBe(inputSubs);
    });
  });
});
