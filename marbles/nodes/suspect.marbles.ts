// Behaviour (qnet.md §3.6): a transport that loses its connection and gets it back (NATS
// reconnecting; `link.suspend()` / `link.resume()` here) turns the peer suspect on nodes$; frames
// are held, none lost: back within the heartbeat bound, the peer is up again ('recovered') and a
// send made meanwhile is answered; back too late, the peer is down and the send fails EHOSTDOWN.
import { map, switchMap } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, it } from 'vitest';
import { utf8 } from '../../src/index.js';
import { messages, replyWith } from '../../src/operators/index.js';
import { createTestScheduler, kerr } from '../testScheduler.js';
import { twoNodes } from './twoNodes.js';

describe('nodes: a suspect peer', () => {
  let ts: TestScheduler;
  beforeEach(() => { ts = createTestScheduler(); });

  /** Nodes a and b (see twoNodes); b answers in upper case. */
  function served() {
    const { a, b, link } = twoNodes(ts);
    const ch = b.process({ name: 'server' }).channel({ codec: utf8 });
    ch.pipe(messages(), replyWith((s) => s.toUpperCase())).subscribe();
    const conn = a.process({ name: 'client' }).connect(ch.address, { codec: utf8 });
    return { a, link, conn };
  }

  it('should hold a send while suspect and answer it once the link is back within the bound', () => {
    ts.run(({ cold, expectObservable }) => {
      const { a, link, conn } = served();
      cold('--s-------r').subscribe((c) => (c === 's' ? link.suspend('reconnecting') : link.resume()));
      // up at 1 (the HELLOs), suspect at 2, back at 10: the SEND held since 4 reaches b then, its reply a at 11
      expectObservable(a.nodes$.pipe(map((e) => `${e.state} ${e.reason}`)), '^ 50ms !').toBe('-ab-------c', {
        a: 'up hello', b: 'suspect reconnecting', c: 'up recovered',
      });
      expectObservable(cold('----(x|)').pipe(switchMap(() => conn.send('held')), map((r) => r.data))).toBe('-----------(H|)', { H: 'HELD' });
    });
  });

  it('should take the peer down at the bound when the link stays away, failing a send made meanwhile', () => {
    ts.run(({ cold, expectObservable }) => {
      const { a, link, conn } = served();
      cold('--s').subscribe(() => link.suspend());
      // b was last heard at 1 (its HELLO): down at 1 + 10 × 3
      expectObservable(a.nodes$.pipe(map((e) => `${e.state} ${e.reason}`)), '^ 50ms !').toBe('-ab 28ms c', {
        a: 'up hello', b: 'suspect loopback suspended', c: 'down heartbeat',
      });
      expectObservable(cold('----x').pipe(switchMap(() => conn.send('lost')))).toBe('31ms #', undefined, kerr('EHOSTDOWN'));
    });
  });
});
