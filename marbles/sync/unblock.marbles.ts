// Behaviour: unsubscribing from a send is an unblock request, with and without _NTO_CHF_UNBLOCK.
import { map, mergeMap, timer } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, it } from 'vitest';
import { utf8, type Received, type ReceivedMessage } from '../../src/index.js';
import { _NTO_CHF_UNBLOCK } from '../../src/constants/index.js';
import { MarbleHarness } from '../../src/testing/index.js';
import { createTestScheduler } from '../testScheduler.js';

describe('unblock', () => {
  let ts: TestScheduler;
  beforeEach(() => { ts = createTestScheduler(); });

  it('should release a REPLY-blocked client at once without _NTO_CHF_UNBLOCK (no pulse; a late reply is ESRCH)', () => {
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const h = new MarbleHarness(ts);
      const ch = h.process('server').channel({ codec: utf8, unblock: false });
      const conn = h.client(ch, { codec: utf8 });
      const seen = ch.pipe(mergeMap((x: Received<string>) => {
        if (x.kind === 'pulse') return [`p${x.code}`];
        // reply 5 frames later: by then the client has left
        return timer(5).pipe(map(() => { try { x.reply('late'); return 'replied'; } catch { return 'ESRCH'; } }));
      }));
      expectObservable(h.trace({ unblock: 'u', receive: 'r' })).toBe('r-u');
      expectObservable(seen).toBe('-----a', { a: 'ESRCH' });
      const requests = cold('x', { x: 'x' });
      const unsub = '        ^-!';
      expectObservable(h.replies(conn, requests), unsub).toBe('---');
      expectSubscriptions(requests.subscriptions).toBe('^-!');
    });
  });

  it('should turn the unsubscribe into an unblock pulse with _NTO_CHF_UNBLOCK; the server decides', () => {
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const h = new MarbleHarness(ts);
      const ch = h.process('server').channel({ codec: utf8, flags: _NTO_CHF_UNBLOCK });
      const conn = h.client(ch, { codec: utf8 });
      const held: Array<ReceivedMessage<string>> = [];
      const seen = ch.pipe(map((x: Received<string>) => {
        if (x.kind === 'message') { held.push(x); x.release(); return `m:${x.data}`; }
        // the unblock pulse names the rcvid: the server answers that request
        const m = held.find((h) => h.rcvid === x.value)!;
        m.error('EINTR');
        return `p${x.code}`;
      }));
      expectObservable(seen).toBe('a-b', { a: 'm:x', b: 'p-32' });
      const requests = cold('x', { x: 'x' });
      expectObservable(h.replies(conn, requests), '^-!').toBe('---');
      expectObservable(h.trace({ unblock: 'u', error: 'E' })).toBe('--(uE)');
      expectSubscriptions(requests.subscriptions).toBe('^-!');
    });
  });
});
