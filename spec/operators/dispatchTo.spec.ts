// dispatchTo: the dispatch_handler decision for every item of a source, in marbles (STYLE H17
// case list: never, empty, one, many, source error, kernel errnos, never-ending source, early
// unsubscription, the unsubscription chain through mergeMap, a throwing handler).
import { EMPTY, NEVER, map, mergeMap, of, throwError, timer, type Observable } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, it } from 'vitest';
import { DispatchTable, KernelError, RemoteError, type Received } from '../../src/index.js';
import { _NTO_CHF_UNBLOCK } from '../../src/constants/index.js';
import { dispatchTo, type Dispatched, type RouteHandler } from '../../src/operators/index.js';
import { MarbleHarness } from '../../src/testing/index.js';
import { createTestScheduler, kerr } from '../../marbles/testScheduler.js';

type H = RouteHandler<Uint8Array, Uint8Array>;
const typed = (t: number, body = 0): Uint8Array => new Uint8Array([t & 0xff, t >> 8, body]);
const letter = (d: Dispatched<Uint8Array, Uint8Array>): string =>
  `${d.item.kind === 'pulse' ? 'p' : 'm'}${d.code.toString(16)}:${d.handled ? 'h' : '-'}${d.errno}`;

function table(extra: (t: DispatchTable<H>) => void = () => {}): DispatchTable<H> {
  const t = new DispatchTable<H>();
  t.attach('message_attach', 0x5000, 0x50ff, false, { kind: 'message', fn: (d) => d.subarray(2) }, null, 0);
  t.attach('message_attach', 0x5100, 0x51ff, false, { kind: 'message', fn: (d) => timer(2).pipe(map(() => d.subarray(2))) }, null, 0);
  t.attach('pulse_attach', 7, 7, true, { kind: 'pulse', fn: () => undefined }, null, 0);
  extra(t);
  return t;
}

describe('dispatchTo', () => {
  let ts: TestScheduler;
  beforeEach(() => { ts = createTestScheduler(); });

  it('should emit nothing for a source that never emits, and complete with an empty one', () => {
    ts.run(({ expectObservable }) => {
      expectObservable((NEVER as Observable<Received<Uint8Array, Uint8Array>>).pipe(dispatchTo(table()))).toBe('-');
      expectObservable((EMPTY as Observable<Received<Uint8Array, Uint8Array>>).pipe(dispatchTo(table()))).toBe('|');
    });
  });

  it('should route one and many items in the dispatch order: range, then ENOSYS; pulses by code, unmatched dropped', () => {
    ts.run(({ cold, expectObservable }) => {
      const h = new MarbleHarness(ts);
      const ch = h.process('server').channel();
      const conn = h.client(ch);
      expectObservable(ch.pipe(dispatchTo(table()), map(letter))).toBe('-a-b-c-d', { a: 'm5001:h0', b: 'p7:h0', c: 'm6000:-89', d: 'p9:-0' });
      cold('-a---c|', { a: typed(0x5001, 1), c: typed(0x6000) }).pipe(mergeMap((m) => conn.sendBytes(m)), map(() => 0)).subscribe({ error: () => undefined });
      cold('---b---d|', { b: { code: 7, value: 0 }, d: { code: 9, value: 0 } }).subscribe((p) => conn.pulse(p));
    });
  });

  it('should answer EINVAL under 2 bytes and ENOSYS with no range, each to its own client', () => {
    ts.run(({ cold, expectObservable }) => {
      const h = new MarbleHarness(ts);
      const ch = h.process('server').channel();
      ch.pipe(dispatchTo(table())).subscribe();
      const conn = h.client(ch);
      expectObservable(cold('a|', { a: new Uint8Array([1]) }).pipe(mergeMap((m) => conn.sendBytes(m)))).toBe('#', undefined, kerr('EINVAL'));
      expectObservable(cold('-a|', { a: typed(0x7777) }).pipe(mergeMap((m) => conn.sendBytes(m)))).toBe('-#', undefined, kerr('ENOSYS'));
    });
  });

  it('should answer a handler that throws: KernelError with its errno, anything else EIO; a failing pulse handler reports EIO', () => {
    ts.run(({ cold, expectObservable }) => {
      const h = new MarbleHarness(ts);
      const ch = h.process('server').channel();
      const t = table((x) => {
        x.attach('message_attach', 0x6000, 0x6000, false, { kind: 'message', fn: () => { throw new KernelError('EACCES', 'h'); } }, null, 0);
        x.attach('message_attach', 0x6001, 0x6001, false, { kind: 'message', fn: () => { throw new Error('bug'); } }, null, 0);
        x.attach('pulse_attach', 8, 8, true, { kind: 'pulse', fn: () => throwError(() => new Error('pulse bug')) }, null, 0);
      });
      expectObservable(ch.pipe(dispatchTo(t), map(letter))).toBe('ab-c', { a: 'm6000:h13', b: 'm6001:h5', c: 'p8:h5' });
      const conn = h.client(ch);
      const conn2 = h.client(ch);
      expectObservable(cold('a|', { a: typed(0x6000) }).pipe(mergeMap((m) => conn.sendBytes(m)))).toBe('#', undefined, kerr('EACCES'));
      expectObservable(cold('-a|', { a: typed(0x6001) }).pipe(mergeMap((m) => conn2.sendBytes(m)))).toBe('-#', undefined, new RemoteError({ name: 'Error', message: 'bug' }));
      cold('---p|', { p: { code: 8, value: 0 } }).subscribe((p) => conn.pulse(p));
    });
  });

  it('should pass a source error through, after what was in hand', () => {
    ts.run(({ cold, expectObservable }) => {
      const source = cold<Received<Uint8Array, Uint8Array>>('-a-#', { a: { kind: 'pulse', code: 7, value: 0, scoid: 1 } }, new Error('gone'));
      expectObservable(source.pipe(dispatchTo(table()), map(letter))).toBe('-a-#', { a: 'p7:h0' }, new Error('gone'));
    });
  });

  it('should answer ECANCELED when unsubscribed with a message in hand, and keep the chain through mergeMap', () => {
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const h = new MarbleHarness(ts);
      const ch = h.process('server').channel({ flags: _NTO_CHF_UNBLOCK });
      const conn = h.client(ch);
      // 0x5100 answers after 2 frames; unsubscribing at frame 1 cancels it
      expectObservable(ch.pipe(dispatchTo(table()), map(letter)), '^!').toBe('-');
      expectObservable(cold('a|', { a: typed(0x5100) }).pipe(mergeMap((m) => conn.sendBytes(m)))).toBe('-#', undefined, kerr('ECANCELED'));
      // the unsubscription reaches an inner source through a mergeMap sandwich
      const inner = cold('--x');
      const outer = of(1).pipe(mergeMap(() => inner), map(() => ({ kind: 'pulse', code: 7, value: 0, scoid: 0 }) as Received<Uint8Array, Uint8Array>), dispatchTo(table()), mergeMap((d) => of(d)));
      expectObservable(outer, '-!').toBe('-');
      expectSubscriptions(inner.subscriptions).toBe('^!');
    });
  });

  it('should keep its receiver while an async pulse handler works (hold), then take the next item', () => {
    ts.run(({ cold, expectObservable }) => {
      const h = new MarbleHarness(ts);
      const ch = h.process('server').channel();
      const t = table((x) => x.attach('pulse_attach', 9, 9, true, { kind: 'pulse', fn: () => timer(3) }, null, 0));
      // the message sent at frame 1 waits SEND-blocked until the pulse handler is done at frame 3
      expectObservable(ch.pipe(dispatchTo(t), map(letter))).toBe('---(ab)', { a: 'p9:h0', b: 'm5001:h0' });
      const conn = h.client(ch);
      cold('p', { p: { code: 9, value: 0 } }).subscribe((p) => conn.pulse(p));
      cold('-a|', { a: typed(0x5001) }).pipe(mergeMap((m) => conn.sendBytes(m))).subscribe();
    });
  });
});
