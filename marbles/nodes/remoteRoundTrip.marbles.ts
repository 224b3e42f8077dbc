// Behaviour (qnet.md §3.3): a send to a server on another node crosses the link (1 frame each
// way), is received, replied and answered; an unsubscribe crosses as an unblock request; a node
// lost under a REPLY-blocked client fails it with EHOSTDOWN at the liveness bound.
import { map, takeUntil, timer } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { utf8 } from '../../src/index.js';
import { messages, replyWith } from '../../src/operators/index.js';
import { createTestScheduler, kerr } from '../testScheduler.js';
import { twoNodes } from './twoNodes.js';

describe('nodes: send → receive → reply across a link', () => {
  let ts: TestScheduler;
  beforeEach(() => { ts = createTestScheduler(); });

  it('should answer a remote send one frame after the reply leaves b (the server takes 2 frames)', () => {
    ts.run(({ expectObservable }) => {
      const { a, b } = twoNodes(ts);
      const ch = b.process({ name: 'server' }).channel({ codec: utf8 });
      // the HELLOs cross at 1; the SEND (held for b's HELLO) reaches b at 2; the reply is made
      // at 4 and reaches a at 5
      ch.pipe(messages(), replyWith((s) => timer(2).pipe(map(() => s.toUpperCase())))).subscribe();
      const conn = a.process({ name: 'client' }).connect(ch.address, { codec: utf8 });
      expectObservable(conn.send('ping').pipe(map((r) => r.data))).toBe('-----(A|)', { A: 'PING' });
    });
  });

  it('should carry an unsubscribe to the server as an unblock: its work is cancelled one frame later', () => {
    const cancelled: number[] = [];
    ts.run(({ cold, expectObservable }) => {
      const { a, b } = twoNodes(ts);
      const ch = b.process({ name: 'server' }).channel({ codec: utf8 });
      ch.pipe(messages()).subscribe((m) => m.signal.addEventListener('abort', () => { cancelled.push(ts.now()); m.error(-1); }));
      const conn = a.process({ name: 'client' }).connect(ch.address, { codec: utf8 });
      const stop = cold('-----x');
      expectObservable(conn.send('slow').pipe(takeUntil(stop))).toBe('-----|');
    });
    expect(cancelled).toEqual([6]);
  });

  it('should fail a REPLY-blocked client with EHOSTDOWN when b goes silent (30 frames after it was last heard)', () => {
    ts.run(({ cold, expectObservable }) => {
      const { a, b, link } = twoNodes(ts);
      const ch = b.process({ name: 'server' }).channel({ codec: utf8 });
      ch.subscribe(); // takes the message and never answers
      const conn = a.process({ name: 'client' }).connect(ch.address, { codec: utf8 });
      cold('-----x').subscribe(() => link.sever());
      // b was last heard at frame 3 (its RECEIVED), so a quarantines it at 3 + 10 × 3
      expectObservable(conn.send('x')).toBe('33ms #', undefined, kerr('EHOSTDOWN'));
    });
  });
});
