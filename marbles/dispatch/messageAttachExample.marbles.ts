// The seed's message_attach example (001) through the RxJS router, in virtual time: a resource
// manager on /dev/mynull, the private range 0x5000–0x5fff, a timer pulse every second on an
// allocated code, and a pool of receivers shaped lo 2 / hi 4 / inc 1 / max 50.
import { concat, concatMap, filter, map, of, toArray } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { Router, utf8 } from '../../src/index.js';
import { O_RDWR, S_IFNAM, _NTO_CHF_DISCONNECT, _NTO_CHF_UNBLOCK } from '../../src/constants/index.js';
import { MarbleHarness } from '../../src/testing/index.js';
import { createTestScheduler, kerr } from '../testScheduler.js';

describe('message_attach example: resource manager, private range and timer pulse', () => {
  let ts: TestScheduler;
  beforeEach(() => { ts = createTestScheduler(); });

  function server(h: MarbleHarness) {
    const proc = h.process('mynull');
    const ch = proc.channel({ flags: _NTO_CHF_UNBLOCK | _NTO_CHF_DISCONNECT });
    const router = new Router(ch, { loWater: 2, hiWater: 4, increment: 1, maximum: 50 });
    router.resmgr('/dev/mynull', { mode: S_IFNAM | 0o660 });
    router.message(0x5000, 0x5fff, (_data, m) => utf8.encode(`received private message, type ${m.type}`));
    const code = router.allocPulse(() => undefined);
    const timer = proc.timer(proc.connect(ch), { code, delay: 1000, period: 1000 });
    // a periodic timer never runs out: end the run at 3.6 s, as killing the server would
    h.scheduler.schedule(() => { timer.unsubscribe(); running.unsubscribe(); }, 3600);
    const running = router.start();
    return { proc, ch, router, code };
  }

  it('should handle a timer pulse every second on the allocated code', () => {
    ts.run(({ expectObservable }) => {
      const h = new MarbleHarness(ts);
      const { router, code } = server(h);
      const ticks = router.handled.pipe(filter((d) => d.item.kind === 'pulse' && d.code === code), map(() => 't'));
      expectObservable(ticks, '^ 3500ms !').toBe('1000ms t 999ms t 999ms t');
      expect(code).toBe(0);
    });
  });

  it('should let a client open /dev/mynull, write (swallowed), read (end of file) and close', () => {
    ts.run(({ cold, expectObservable }) => {
      const h = new MarbleHarness(ts);
      const { router } = server(h);
      const client = h.process('client');
      const session = cold('1500ms a').pipe(
        concatMap(() => client.openFile('/dev/mynull', O_RDWR)),
        concatMap((f) => concat(
          f.write(utf8.encode('hello')).pipe(map((n) => `wrote ${n}`)),
          f.read(16).pipe(map((b) => `read ${b.length}`)),
          f.stat().pipe(map((s) => `mode ${(s.st_mode & 0o777).toString(8)}`)),
          concat(f.close(), of('closed')),
        ).pipe(toArray())),
      );
      expectObservable(session).toBe('1500ms a', { a: ['wrote 5', 'read 0', 'mode 660', 'closed'] });
      // the layer sees open, write, read, stat, close, then the disconnect pulse of the last connection
      const io = router.handled.pipe(filter((d) => d.item.kind === 'message' || d.code === -33), map((d) => d.code.toString(16)));
      expectObservable(io, '^ 2000ms !').toBe('1500ms (abcdef)', { a: '100', b: '102', c: '101', d: '104', e: '116', f: '-21' });
    });
  });

  it('should route the private range and answer other types ENOSYS', () => {
    ts.run(({ cold, expectObservable }) => {
      const h = new MarbleHarness(ts);
      const { ch } = server(h);
      const conn = h.client(ch);
      const typed = (t: number) => new Uint8Array([t & 0xff, t >> 8]);
      const ok = cold('2500ms a').pipe(concatMap(() => conn.sendBytes(typed(0x5abc))), map((r) => utf8.decode(r.bytes)));
      const bad = cold('2500ms a').pipe(concatMap(() => conn.sendBytes(typed(0x6000))));
      expectObservable(ok).toBe('2500ms a', { a: 'received private message, type 23228' });
      expectObservable(bad).toBe('2500ms #', undefined, kerr('ENOSYS'));
    });
  });

  it('should keep lo_water receivers idle, grow while busy, and refuse a non-root client (EACCES)', () => {
    ts.run(({ cold, expectObservable }) => {
      const h = new MarbleHarness(ts);
      const { router } = server(h);
      const idle = router.threads;
      expect([idle.created, idle.waiting]).toEqual([2, 2]);
      const stranger = h.process('stranger', { uid: 500, gid: 500 });
      const denied = cold('10ms a').pipe(concatMap(() => stranger.openFile('/dev/mynull', O_RDWR)));
      expectObservable(denied).toBe('10ms #', undefined, kerr('EACCES'));
    });
  });
});
