// Behaviour: a send timeout with the model's SEND / REPLY rules (TimerTimeout).
import { NEVER, map, mergeMap, switchMap, timer } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, it } from 'vitest';
import { utf8, type Received } from '../../src/index.js';
import { _NTO_CHF_UNBLOCK } from '../../src/constants/index.js';
import { messages, replyWith, sendTo } from '../../src/operators/index.js';
import { MarbleHarness } from '../../src/testing/index.js';
import { createTestScheduler, kerr } from '../testScheduler.js';

describe('send timeout', () => {
  let ts: TestScheduler;
  beforeEach(() => { ts = createTestScheduler(); });

  it('should withdraw a SEND-blocked message after the timeout: the server never sees it', () => {
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const h = new MarbleHarness(ts);
      const ch = h.process('server').channel({ codec: utf8 });
      const conn = h.client(ch, { codec: utf8 });
      const server = cold('-----s');
      const requests = cold('a|');
      expectObservable(requests.pipe(sendTo(conn, { timeout: 3 }))).toBe('---#', undefined, kerr('ETIMEDOUT'));
      expectObservable(server.pipe(switchMap(() => ch.pipe(messages())), map((m) => m.data))).toBe('------');
      expectSubscriptions(requests.subscriptions).toBe('^!');
    });
  });

  it('should fail a REPLY-blocked send at the timeout without _NTO_CHF_UNBLOCK', () => {
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const h = new MarbleHarness(ts);
      const ch = h.process('server').channel({ codec: utf8 });
      ch.pipe(messages(), replyWith(() => NEVER)).subscribe();
      const conn = h.client(ch, { codec: utf8 });
      const requests = cold('a|');
      expectObservable(requests.pipe(sendTo(conn, { timeout: 4, timeoutStates: 'reply' }))).toBe('----#', undefined, kerr('ETIMEDOUT'));
      expectSubscriptions(requests.subscriptions).toBe('^!');
    });
  });

  it('should leave the decision to the server with _NTO_CHF_UNBLOCK: a reply after the pulse still arrives', () => {
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const h = new MarbleHarness(ts);
      const ch = h.process('server').channel({ codec: utf8, flags: _NTO_CHF_UNBLOCK });
      const conn = h.client(ch, { codec: utf8 });
      const seen = ch.pipe(mergeMap((x: Received<string>) => {
        if (x.kind === 'pulse') return [`p${x.code}`];
        x.release();
        // finish the work 2 frames after the unblock request (timeout at 4)
        return timer(6).pipe(map(() => { x.reply('done'); return 'replied'; }));
      }));
      const requests = cold('a|');
      expectObservable(seen).toBe('----a-b', { a: 'p-32', b: 'replied' });
      expectObservable(requests.pipe(sendTo(conn, { timeout: 4 }), map((r) => r.data))).toBe('------(d|)', { d: 'done' });
      expectSubscriptions(requests.subscriptions).toBe('^!');
    });
  });
});
