import { map } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, it } from 'vitest';
import { ERRNO, json, utf8, type PulseInit } from '../../src/index.js';
import { decode, messages, pulses, replyWith, split } from '../../src/operators/index.js';
import { MarbleHarness } from '../../src/testing/index.js';
import { createTestScheduler, kerr } from '../../marbles/testScheduler.js';

describe('messages, pulses, split, decode', () => {
  let ts: TestScheduler;
  beforeEach(() => { ts = createTestScheduler(); });

  it('should split one receiving thread into messages and pulses', () => {
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const h = new MarbleHarness(ts);
      const ch = h.process('server').channel({ codec: utf8 });
      const conn = h.client(ch, { codec: utf8 });
      const [m$, p$] = split(ch);
      const beats = cold<PulseInit>('-1--2', { 1: 1, 2: 2 });
      beats.subscribe((p) => conn.pulse(p));
      const requests = cold('--a-|', { a: 'msg' });
      expectObservable(m$.pipe(replyWith((s) => s), map((a) => a.message.data))).toBe('--a', { a: 'msg' });
      expectObservable(p$.pipe(map((p) => p.code))).toBe('-1--2', { 1: 1, 2: 2 });
      expectObservable(h.replies(conn, requests)).toBe('--a-|', { a: 'msg' });
      expectSubscriptions(beats.subscriptions).toBe('^');
      expectSubscriptions(requests.subscriptions).toBe('^---!');
    });
  });

  it('should keep only the pulse codes asked for', () => {
    ts.run(({ cold, expectObservable }) => {
      const h = new MarbleHarness(ts);
      const ch = h.process('server').channel();
      const pulser = h.client(ch);
      cold<PulseInit>('123', { 1: 1, 2: 2, 3: 3 }).subscribe((p) => pulser.pulse(p));
      expectObservable(ch.pipe(pulses([1, 3]), map((p) => p.code))).toBe('a-b', { a: 1, b: 3 });
    });
  });

  it('should decode a raw channel lazily, and answer EBADMSG for a payload the codec cannot read', () => {
    ts.run(({ cold, expectObservable }) => {
      const h = new MarbleHarness(ts);
      const ch = h.process('server').channel();
      const served = ch.pipe(messages(), decode(json<{ n: number }>()), replyWith((v) => ({ n: v.n + 1 })), map((a) => a.errno));
      const conn = h.client(ch, { codec: utf8, replyCodec: json<{ n: number }>() });
      expectObservable(served).toBe('ab', { a: 0, b: ERRNO.EBADMSG });
      expectObservable(h.replies(conn, cold('ab|', { a: '{"n":1}', b: 'not json' }))).toBe('a#', { a: { n: 2 } }, kerr('EBADMSG'));
    });
  });
});
