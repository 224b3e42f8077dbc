// Behaviour: a kernel timer sends a pulse per period through a connection to one's own channel.
import { map } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, it } from 'vitest';
import type { Received } from '../../src/index.js';
import { MarbleHarness } from '../../src/testing/index.js';
import { createTestScheduler } from '../testScheduler.js';

describe('timer pulses', () => {
  let ts: TestScheduler;
  beforeEach(() => { ts = createTestScheduler(); });

  it('should pulse at 1000 ms, then every 500 ms, until the timer is destroyed', () => {
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const h = new MarbleHarness(ts);
      const server = h.process('server');
      const ch = server.channel();
      const self = server.connect(ch);
      const timerSub = server.timer(self, { code: 3, value: 42, delay: 1000, period: 500 });
      const stop = cold('2100ms x|');
      stop.subscribe(() => timerSub.unsubscribe());
      const ticks = ch.pipe(map((x: Received<Uint8Array>) => (x.kind === 'pulse' ? `${x.code}:${x.value}` : 'msg')));
      expectObservable(ticks).toBe('1000ms a 499ms a 499ms a', { a: '3:42' });
      expectSubscriptions(stop.subscriptions).toBe('^ 2100ms !');
    });
  });
});
