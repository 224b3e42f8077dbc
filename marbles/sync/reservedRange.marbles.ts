// Behaviour: on a named channel (attach) the binding answers only the _IO_CONNECT of name_open
// itself; data whose first two bytes read 0x100..0x1FF reaches the subscriber and is replied to.
import { map, switchMap } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, it } from 'vitest';
import { utf8 } from '../../src/index.js';
import { messages, replyWith } from '../../src/operators/index.js';
import { MarbleHarness } from '../../src/testing/index.js';
import { createTestScheduler } from '../testScheduler.js';

describe('named channel: no reserved-range trap', () => {
  let ts: TestScheduler;
  beforeEach(() => { ts = createTestScheduler(); });

  it('should hand raw [7, 1, 0] (type 0x107) to the subscriber and deliver its reply', () => {
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const h = new MarbleHarness(ts);
      const ch = h.process('server').attach('svc');
      const served = ch.pipe(messages(), replyWith((b: Uint8Array) => Uint8Array.of(b.length, b[0]!)), map((a) => [...a.message.data]));
      const requests = cold('-a-b|', { a: Uint8Array.of(7, 1, 0), b: Uint8Array.of(0xff, 0x01) });
      const seen = '        -a-b';
      const replies = '     -A-B|';
      const requestSubs = ' ^---!';
      const opened = h.process('client').open('svc');
      expectObservable(served).toBe(seen, { a: [7, 1, 0], b: [0xff, 0x01] });
      expectObservable(opened.pipe(switchMap((conn) => h.replies(conn, requests)))).toBe(replies, { A: Uint8Array.of(3, 7), B: Uint8Array.of(2, 0xff) });
      expectSubscriptions(requests.subscriptions).toBe(requestSubs);
    });
  });

  it("should hand utf8 'a\\u0001' (type 0x161) to the subscriber and deliver its reply", () => {
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const h = new MarbleHarness(ts);
      const ch = h.process('server').attach('text', { codec: utf8 });
      const served = ch.pipe(messages(), replyWith((s: string) => s.toUpperCase()), map((a) => a.message.data));
      const requests = cold('--a|', { a: 'a\u0001' });
      const seen = '        --a';
      const replies = '     --A|';
      const requestSubs = ' ^--!';
      const opened = h.process('client').open('text', { codec: utf8 });
      expectObservable(served).toBe(seen, { a: 'a\u0001' });
      expectObservable(opened.pipe(switchMap((conn) => h.replies(conn, requests)))).toBe(replies, { A: 'A\u0001' });
      expectSubscriptions(requests.subscriptions).toBe(requestSubs);
    });
  });
});
