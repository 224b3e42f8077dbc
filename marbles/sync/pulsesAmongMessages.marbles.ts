// Behaviour: pulses share the send queue with messages, by priority; they never block the sender.
import { map, switchMap } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, it } from 'vitest';
import { utf8, type Received } from '../../src/index.js';
import { MarbleHarness } from '../../src/testing/index.js';
import { createTestScheduler } from '../testScheduler.js';

const label = (x: Received<string>): string => {
  if (x.kind === 'pulse') return `p${x.code}`;
  x.reply();
  return x.data;
};

describe('pulses among messages', () => {
  let ts: TestScheduler;
  beforeEach(() => { ts = createTestScheduler(); });

  it('should receive a priority-30 pulse before an earlier priority-10 message', () => {
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const h = new MarbleHarness(ts);
      const ch = h.process('server').channel({ codec: utf8 });
      const msgConn = h.client(ch, { codec: utf8, priority: 10 });
      const pulser = h.client(ch, { codec: utf8 });
      const requests = cold('a|', { a: 'msg' });
      const pulses = cold('-x|', { x: { code: 7, priority: 30 } });
      const server = cold('---s|');
      pulses.subscribe((p) => pulser.pulse(p));
      expectObservable(h.replies(msgConn, requests)).toBe('---(r|)', { r: '' });
      expectObservable(server.pipe(switchMap(() => ch.pipe(map(label))))).toBe('---(ab)', { a: 'p7', b: 'msg' });
      expectSubscriptions(pulses.subscriptions).toBe('^-!');
      expectSubscriptions(server.subscriptions).toBe('^---!');
    });
  });

  it('should hand a pulse straight to a waiting receiver, interleaved with messages', () => {
    ts.run(({ cold, expectObservable }) => {
      const h = new MarbleHarness(ts);
      const ch = h.process('server').channel({ codec: utf8 });
      const conn = h.client(ch, { codec: utf8 });
      cold('-1---2', { 1: 1, 2: 2 }).subscribe((p) => conn.pulse(p));
      const requests = cold('---a|', { a: 'm' });
      expectObservable(ch.pipe(map(label))).toBe('-a-b-c', { a: 'p1', b: 'm', c: 'p2' });
      expectObservable(h.replies(conn, requests)).toBe('---r|', { r: '' });
    });
  });
});
