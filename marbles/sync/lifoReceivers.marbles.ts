// Behaviour: receivers wait LIFO: the thread that started waiting last gets the next message.
import { map, switchMap, take } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, it } from 'vitest';
import { utf8 } from '../../src/index.js';
import { messages } from '../../src/operators/index.js';
import { MarbleHarness } from '../../src/testing/index.js';
import { createTestScheduler } from '../testScheduler.js';

describe('LIFO receivers', () => {
  let ts: TestScheduler;
  beforeEach(() => { ts = createTestScheduler(); });

  it('should serve the receiver that blocked last first', () => {
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const h = new MarbleHarness(ts);
      const ch = h.process('server').channel({ codec: utf8 });
      const conn = h.client(ch, { codec: utf8 });
      // three receiving threads start at frames 0, 1, 2; each answers one message and leaves
      const startA = cold('a|');
      const startB = cold('-b|');
      const startC = cold('--c|');
      const thread = (start: typeof startA, name: string) =>
        start.pipe(switchMap(() => ch.pipe(messages(), take(1), map((m) => { m.reply(name); return m.data; }))));
      const requests = cold('----xyz|');
      const expectedA = '   ------(z|)';
      const expectedB = '   -----(y|)';
      const expectedC = '   ----(x|)';
      expectObservable(thread(startA, 'A')).toBe(expectedA);
      expectObservable(thread(startB, 'B')).toBe(expectedB);
      expectObservable(thread(startC, 'C')).toBe(expectedC);
      expectObservable(h.replies(conn, requests)).toBe('----CBA|', { A: 'A', B: 'B', C: 'C' });
      expectSubscriptions(startA.subscriptions).toBe('^!');
      expectSubscriptions(startC.subscriptions).toBe('^--!');
      expectSubscriptions(requests.subscriptions).toBe('^------!');
    });
  });
});
