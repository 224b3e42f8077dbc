// Behaviour: a server that dies mid-call releases its clients with ESRCH.
import { NEVER, switchMap } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, it } from 'vitest';
import { utf8 } from '../../src/index.js';
import { messages, replyWith } from '../../src/operators/index.js';
import { MarbleHarness } from '../../src/testing/index.js';
import { createTestScheduler, kerr } from '../testScheduler.js';

describe('server death mid-call', () => {
  let ts: TestScheduler;
  beforeEach(() => { ts = createTestScheduler(); });

  it('should fail the REPLY-blocked and the SEND-blocked client with ESRCH, and later sends with EBADF', () => {
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const h = new MarbleHarness(ts);
      const server = h.process('server');
      const ch = server.channel({ codec: utf8 });
      const served = ch.pipe(messages(), replyWith(() => NEVER)); // one thread, busy forever
      const a = h.client(ch, { codec: utf8 });
      const b = h.client(ch, { codec: utf8 });
      const death = cold('---x|');
      death.subscribe(() => server.exit());
      const ra = cold('a|');
      const rb = cold('-b|');
      const rc = cold('-----c|');
      expectObservable(served).toBe('---#', undefined, kerr('ESRCH', 'MsgReceive')); // the server learns too
      expectObservable(h.replies(a, ra)).toBe('---#', undefined, kerr('ESRCH'));
      expectObservable(h.replies(b, rb)).toBe('---#', undefined, kerr('ESRCH'));
      expectObservable(rc.pipe(switchMap((x) => a.send(x)))).toBe('-----#', undefined, kerr('EBADF'));
      expectSubscriptions(ra.subscriptions).toBe('^!');
      expectSubscriptions(rb.subscriptions).toBe('^-!');
      expectSubscriptions(death.subscriptions).toBe('^---!');
    });
  });
});
