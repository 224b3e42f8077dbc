// Behaviour: cancellation reaches the server. On the binding's channels (_NTO_CHF_UNBLOCK by
// default) a client that gives up — RxJS timeout(), switchMap, takeUntil, an AbortSignal, a
// kernel timeout — makes the server unsubscribe the handler's work at that frame and answer the
// message error(-1): the client gets EINTR (ETIMEDOUT after a kernel timeout).
import { TimeoutError, switchMap, takeUntil, timeout } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { Router, json, utf8 } from '../../src/index.js';
import { messages, replyWith, serveProtocol } from '../../src/operators/index.js';
import { MarbleHarness } from '../../src/testing/index.js';
import { createTestScheduler, kerr } from '../testScheduler.js';

describe('cancellation reaches the server', () => {
  let ts: TestScheduler;
  beforeEach(() => { ts = createTestScheduler(); });

  it('should end the handler at the client timeout() frame, not at its own end', () => {
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const h = new MarbleHarness(ts);
      const ch = h.process('server').channel({ codec: utf8 });
      const work = cold('-----w', { w: 'slow' });
      const answered = ch.pipe(messages(), replyWith(() => work));
      const conn = h.client(ch, { codec: utf8 });
      const reply = conn.send('q').pipe(timeout(3));
      expectObservable(reply).toBe('---#', {}, new TimeoutError());
      expectSubscriptions(work.subscriptions).toBe('^--!');
      expectObservable(answered.pipe(switchMap((a) => [a.errno]))).toBe('---e', { e: -1 });
    });
  });

  it('should cancel the previous request under switchMap, and the work under takeUntil', () => {
    ts.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const h = new MarbleHarness(ts);
      const ch = h.process('server').channel({ codec: utf8 });
      const work = cold('----w', { w: 'W' });
      ch.pipe(messages(), replyWith(() => work, 4)).subscribe();
      const conn = h.client(ch, { codec: utf8 });
      const typed = cold('a-b', { a: 'a', b: 'b' });
      const stop = hot('-------s');
      const replies = typed.pipe(switchMap((q) => conn.send(q)), takeUntil(stop));
      expectObservable(replies.pipe(switchMap((r) => [r.data]))).toBe('------W|', { W: 'W' });
      // a: cancelled at frame 2 by switchMap; b: replied at frame 6
      expectSubscriptions(work.subscriptions).toBe(['^-!', '--^---!']);
    });
  });

  it('should time out a kernel send timeout with ETIMEDOUT after the server gave the work up', () => {
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const h = new MarbleHarness(ts);
      const ch = h.process('server').channel({ codec: utf8 });
      const work = cold('------w', { w: 'slow' });
      ch.pipe(messages(), replyWith(() => work)).subscribe();
      const conn = h.client(ch, { codec: utf8 });
      expectObservable(conn.send('q', { timeout: 2 })).toBe('--#', {}, kerr('ETIMEDOUT'));
      expectSubscriptions(work.subscriptions).toBe('^-!');
    });
  });

  it('should abort a Promise handler message.signal, and cancel through serveProtocol and a Router', () => {
    const reasons: unknown[] = [];
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const h = new MarbleHarness(ts, { allowPromises: true });
      const ch = h.process('server').channel({ codec: utf8 });
      ch.pipe(messages(), replyWith((_q, m) => new Promise<string>((_resolve, reject) => {
        m.signal.addEventListener('abort', () => { reasons.push(m.signal.reason); reject(m.signal.reason); });
      }))).subscribe();
      const conn = h.client(ch, { codec: utf8 });
      const controller = new AbortController();
      cold('--x').subscribe(() => controller.abort());
      expectObservable(conn.send('q', { signal: controller.signal })).toBe('--#', {}, new DOMException('aborted', 'AbortError')); // the signal's reason, as fetch

      const raw = h.process('protocol-server').channel();
      const work = cold('-----r', { r: 1 });
      raw.pipe(messages(), serveProtocol<{ 0x10: { request: number; reply: number } }>(json(), { 0x10: () => work })).subscribe();
      const pc = h.client(raw);
      expectObservable(pc.sendBytes(new Uint8Array([0x10, 0, 0x31]), { timeout: 3 })).toBe('---#', {}, kerr('ETIMEDOUT'));
      expectSubscriptions(work.subscriptions).toBe('^--!');

      const routed = h.process('router').channel();
      const routeWork = cold('----r', { r: new Uint8Array([1]) });
      new Router(routed).message(0x220, 0x220, () => routeWork).start();
      const rc = h.client(routed);
      expectObservable(rc.sendBytes(new Uint8Array([0x20, 0x02]), { timeout: 1 })).toBe('-#', {}, kerr('ETIMEDOUT'));
      expectSubscriptions(routeWork.subscriptions).toBe('^!');
    });
    expect(reasons).toHaveLength(1);
  });
});
