// Behaviour: a send is SEND-blocked until a server receives, REPLY-blocked until it replies.
import { map, switchMap, timer } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, it } from 'vitest';
import { utf8 } from '../../src/index.js';
import { messages, replyWith } from '../../src/operators/index.js';
import { MarbleHarness } from '../../src/testing/index.js';
import { createTestScheduler } from '../testScheduler.js';

describe('send-blocked → received → replied', () => {
  let ts: TestScheduler;
  beforeEach(() => { ts = createTestScheduler(); });

  it('should hold the client until the server receives (frame 3) and replies (frame 5)', () => {
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const h = new MarbleHarness(ts);
      const ch = h.process('server').channel({ codec: utf8 });
      const conn = h.client(ch, { codec: utf8 });
      const server = cold('---a|');
      const requests = cold('a|', { a: 'ping' });
      const trace = '     s--r-R';
      const replies = '   -----(A|)';
      const requestSubs = '^!';
      const serverSubs = ' ^---!';
      server.pipe(switchMap(() => ch.pipe(messages(), replyWith((s) => timer(2).pipe(map(() => s.toUpperCase())))))).subscribe();
      expectObservable(h.trace({ send: 's', receive: 'r', reply: 'R' })).toBe(trace);
      expectObservable(h.replies(conn, requests)).toBe(replies, { A: 'PING' });
      expectSubscriptions(requests.subscriptions).toBe(requestSubs);
      expectSubscriptions(server.subscriptions).toBe(serverSubs);
    });
  });

  it('should go straight to REPLY-blocked when a server is already receiving', () => {
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const h = new MarbleHarness(ts);
      const byte = { name: 'byte', encode: (n: number) => new Uint8Array([n]), decode: (b: Uint8Array) => b[0]! };
      const ch = h.process('server').channel({ codec: utf8, replyCodec: byte });
      ch.pipe(messages(), replyWith((s) => timer(1).pipe(map(() => s.length)))).subscribe();
      const conn = h.client(ch, { codec: utf8, replyCodec: byte });
      const requests = cold('-a--b|', { a: 'one', b: 'three' });
      const expected = '     --A--(B|)';
      expectObservable(h.replies(conn, requests)).toBe(expected, { A: 3, B: 5 });
      expectSubscriptions(requests.subscriptions).toBe('^----!');
    });
  });
});
