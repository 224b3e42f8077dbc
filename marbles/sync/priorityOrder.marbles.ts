// Behaviour: queued senders are received by priority, FIFO within a priority.
import { map, switchMap, timer } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, it } from 'vitest';
import { utf8 } from '../../src/index.js';
import { messages, replyWith } from '../../src/operators/index.js';
import { MarbleHarness } from '../../src/testing/index.js';
import { createTestScheduler } from '../testScheduler.js';

describe('priority order', () => {
  let ts: TestScheduler;
  beforeEach(() => { ts = createTestScheduler(); });

  it('should receive 20 before the earlier 10s, and the 10s in arrival order', () => {
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const h = new MarbleHarness(ts);
      const ch = h.process('server').channel({ codec: utf8 });
      const a = h.client(ch, { codec: utf8, priority: 10 });
      const b = h.client(ch, { codec: utf8, priority: 20 });
      const c = h.client(ch, { codec: utf8, priority: 10 });
      const server = cold('-----s|');
      const received = server.pipe(switchMap(() => ch.pipe(messages(), replyWith((s) => timer(1).pipe(map(() => s))), map((x) => x.message.data))));
      const sa = cold('a|');
      const sb = cold('-b|');
      const sc = cold('--c|');
      expectObservable(received).toBe('      ------abc', { a: 'b', b: 'a', c: 'c' });
      expectObservable(h.replies(a, sa)).toBe('-------(a|)');
      expectObservable(h.replies(b, sb)).toBe('------(b|)');
      expectObservable(h.replies(c, sc)).toBe('--------(c|)');
      expectSubscriptions(sb.subscriptions).toBe('^-!');
      expectSubscriptions(server.subscriptions).toBe('^-----!');
    });
  });
});
