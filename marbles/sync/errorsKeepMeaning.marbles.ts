// Behaviour (issue 21): errors keep their meaning. What a server's handler throws or emits reaches
// its client as a RemoteError (EIO, with the server error's name and message) at the frame of the
// failure, also across nodes; a send aborted by its AbortSignal fails with signal.reason at the
// abort's frame, and the server's message.signal says the client aborted (ECANCELED).
import { map, tap, timer } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { RemoteError, isRemoteError, utf8, type KernelError } from '../../src/index.js';
import { messages, replyWith } from '../../src/operators/index.js';
import { MarbleHarness } from '../../src/testing/index.js';
import { twoNodes } from '../nodes/twoNodes.js';
import { createTestScheduler, kerr } from '../testScheduler.js';

const failed = (name: string, message: string): RemoteError => new RemoteError({ name, message });

describe('errors keep their meaning', () => {
  let ts: TestScheduler;
  beforeEach(() => { ts = createTestScheduler(); });

  it("should fail the client with a RemoteError at the frame the handler's work fails", () => {
    const errors: unknown[] = [];
    ts.run(({ cold, expectObservable }) => {
      const h = new MarbleHarness(ts);
      const ch = h.process('server').channel({ codec: utf8 });
      const served = ch.pipe(messages(), replyWith((s) => {
        if (s === 'now') throw new Error('bus glitch');
        return timer(2).pipe(map(() => { throw new RangeError('too hot'); }));
      }));
      // two receiving threads: both messages are in hand at once
      served.subscribe();
      served.subscribe();
      const conn = h.client(ch, { codec: utf8 });
      const at1 = cold('-x|').pipe(map(() => 'now'));
      expectObservable(h.replies(conn, at1)).toBe('-#', undefined, failed('Error', 'bus glitch'));
      const later = conn.send('later').pipe(tap({ error: (e: unknown) => errors.push(e) }));
      expectObservable(later).toBe('--#', undefined, failed('RangeError', 'too hot'));
    });
    expect(errors.map((e) => isRemoteError(e) && [e.remoteName, e.remoteMessage, e.message])).toEqual([
      ['RangeError', 'too hot', 'MsgSend: EIO: the server failed with RangeError: too hot'],
    ]);
  });

  it('should carry the description across a link: the ERROR frame arrives one frame after the failure', () => {
    ts.run(({ expectObservable }) => {
      const { a, b } = twoNodes(ts);
      const ch = b.process({ name: 'server' }).channel({ codec: utf8 });
      // the SEND reaches b at 2 (after the HELLOs); the handler fails at 4; the ERROR reaches a at 5
      ch.pipe(messages(), replyWith(() => timer(2).pipe(map(() => { throw new Error('disk full'); })))).subscribe();
      const conn = a.process({ name: 'client' }).connect(ch.address, { codec: utf8 });
      expectObservable(conn.send('write')).toBe('-----#', undefined, failed('Error', 'disk full'));
    });
  });

  it("should fail an aborted send with signal.reason at the abort's frame; the server hears ECANCELED", () => {
    const reasons: string[] = [];
    ts.run(({ cold, expectObservable }) => {
      const h = new MarbleHarness(ts);
      const ch = h.process('server').channel({ codec: utf8 });
      const served = ch.pipe(messages(), replyWith((_q, m) => {
        m.signal.addEventListener('abort', () => reasons.push(`${ts.now()} ${(m.signal.reason as KernelError).code}`));
        return cold('-----r', { r: 'late' });
      }));
      // two receiving threads: both messages are in hand at once
      served.subscribe();
      served.subscribe();
      const conn = h.client(ch, { codec: utf8 });
      const controller = new AbortController();
      const why = new Error('user left');
      cold('---x').subscribe(() => controller.abort(why));
      expectObservable(conn.send('q', { signal: controller.signal })).toBe('---#', undefined, why);
      // a kernel timeout still says ETIMEDOUT
      expectObservable(conn.send('q', { timeout: 2 })).toBe('--#', undefined, kerr('ETIMEDOUT'));
    });
    expect(reasons).toEqual(['2 ETIMEDOUT', '3 ECANCELED']);
  });
});
