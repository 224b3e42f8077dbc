// Behaviour: _NTO_CHF_DISCONNECT channels get one pulse when a client's last connection goes.
import { map } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, it } from 'vitest';
import { utf8 } from '../../src/index.js';
import { _NTO_CHF_DISCONNECT, _PULSE_CODE_DISCONNECT, _PULSE_CODE_UNBLOCK } from '../../src/constants/index.js';
import { pulses } from '../../src/operators/index.js';
import { MarbleHarness } from '../../src/testing/index.js';
import { createTestScheduler } from '../testScheduler.js';

describe('disconnect pulses', () => {
  let ts: TestScheduler;
  beforeEach(() => { ts = createTestScheduler(); });

  it('should send a disconnect pulse when a connection completes and when a client process exits', () => {
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const h = new MarbleHarness(ts);
      const ch = h.process('server').channel({ codec: utf8, flags: _NTO_CHF_DISCONNECT });
      const a = h.client(ch, { codec: utf8 });
      const bProcess = h.process('b');
      bProcess.connect(ch, { codec: utf8 });
      const closeA = cold<string>('--|');
      const exitB = cold('----x|');
      closeA.subscribe(a);
      exitB.subscribe(() => bProcess.exit());
      expectObservable(ch.pipe(pulses(), map((p) => p.code))).toBe('--a-b', { a: _PULSE_CODE_DISCONNECT, b: _PULSE_CODE_DISCONNECT });
      expectSubscriptions(closeA.subscriptions).toBe('^-!');
      expectSubscriptions(exitB.subscriptions).toBe('^----!');
    });
  });

  it('should send nothing without the flag', () => {
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const h = new MarbleHarness(ts);
      const ch = h.process('server').channel({ codec: utf8 });
      const close = cold<string>('-|');
      close.subscribe(h.client(ch, { codec: utf8 }));
      expectObservable(ch.pipe(pulses([_PULSE_CODE_DISCONNECT, _PULSE_CODE_UNBLOCK]))).toBe('----');
      expectSubscriptions(close.subscriptions).toBe('^!');
    });
  });
});
