// Issue 10 (hardening), RxJS binding: async puts and flushes end on any death, a failed answer
// never costs a server its receiving thread, a stale reply never lands, misuse changes nothing.
import { merge, timer, map, type SchedulerLike, type Subscription } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { Router, VirtualClock, createSystem, utf8 } from '../../src/index.js';
import { messages, replyWith, type Answered } from '../../src/operators/index.js';
import type { ReceivedMessage } from '../../src/rx/Received.js';

function setup() {
  // the kernel's clock also drives RxJS timers here (it is a SchedulerLike in all but its handle type)
  const clock = new VirtualClock() as VirtualClock & SchedulerLike;
  const system = createSystem({ scheduler: clock, onUnhandledError: (e) => { throw e; } });
  return { clock, system, server: system.process({ name: 'server' }), client: system.process({ name: 'client' }) };
}

const codeOf = (e: unknown): string => (e as { code?: string }).code ?? String(e);

/** Everything an Observable did, as strings. */
function watch(o: { subscribe(observer: object): Subscription }): { log: string[]; sub: Subscription } {
  const log: string[] = [];
  const sub = o.subscribe({
    next: (v: unknown) => log.push(`next:${typeof v === 'object' && v !== null && 'data' in v ? String((v as { data: unknown }).data) : String(v)}`),
    error: (e: unknown) => log.push(`error:${codeOf(e)}`),
    complete: () => log.push('complete'),
  });
  return { log, sub };
}

const threadsOf = (system: ReturnType<typeof setup>['system'], pid: number) =>
  system.snapshot().processes.find((p) => p.pid === pid)?.threads ?? [];

describe('issue 10: AsyncConnection puts and flushes end on a death', () => {
  it('should error a waiting put() and a flush() with EBADF when the receiver dies', () => {
    const { server, client } = setup();
    const inbox = server.asyncChannel({ codec: utf8 });
    const out = client.asyncConnect(inbox, { codec: utf8, ringSize: 2, count: 0 });
    const first = watch(out.put('a'));
    const second = watch(out.put('b'));
    const flush = watch(out.flush());
    expect([first.log, second.log, flush.log]).toEqual([[], [], []]);
    server.exit();
    expect(first.log).toEqual(['error:EBADF']);
    expect(second.log).toEqual(['error:EBADF']);
    expect(flush.log).toEqual(['error:EBADF']);
    expect(watch(out.put('c')).log).toEqual(['error:EBADF']);
  });

  it('should error put() and flush() with ESRCH when their own process exits', () => {
    const { server, client } = setup();
    const inbox = server.asyncChannel({ codec: utf8 });
    const out = client.asyncConnect(inbox, { codec: utf8, ringSize: 2, count: 0 });
    const admitted = watch(out.put('a'));
    const waiting = watch(out.put('b'));
    const flush = watch(out.flush());
    client.exit();
    expect(admitted.log).toEqual(['error:ESRCH']);
    expect(waiting.log).toEqual(['error:ESRCH']);
    expect(flush.log).toEqual(['error:ESRCH']);
  });

  it('should deliver a put admitted after a get freed a slot only in the next get (ringSize 4, count 1)', () => {
    const { server, client } = setup();
    const inbox = server.asyncChannel({ codec: utf8, maxNumBuffer: 16 });
    const out = client.asyncConnect(inbox, { codec: utf8, ringSize: 4, count: 1 });
    for (const s of ['a', 'b', 'c']) out.next(s);
    const d = watch(out.put('d'));
    const batches: string[][] = [];
    inbox.subscribe((batch) => batches.push(batch.map((m) => m.data)));
    expect(batches).toEqual([['a', 'b', 'c'], ['d']]);
    expect(d.log).toEqual(['complete']);
  });
});

describe('issue 10: other blocking calls of the binding end on their own death', () => {
  it('should error open() with ESRCH when the opening process exits while its _IO_CONNECT waits', () => {
    const { server, client } = setup();
    server.attach('slow'); // nobody receives: the _IO_CONNECT stays SEND-blocked
    server.attach('slow2');
    const named = watch(client.open('slow'));
    const other = watch(client.open('slow2'));
    client.exit();
    expect(named.log).toEqual(['error:ESRCH']);
    expect(other.log).toEqual(['error:ESRCH']);
  });
});

describe('issue 10: a failed answer never costs the server its thread', () => {
  it('should keep replyWith receiving after a late reply fails ESRCH (no _NTO_CHF_UNBLOCK), and report ESRCH', () => {
    const { clock, server, client } = setup();
    const ch = server.channel({ codec: utf8, unblock: false });
    const answered: Array<Answered<string, string>> = [];
    ch.pipe(messages(), replyWith((s: string) => timer(5, clock).pipe(map(() => s.toUpperCase())))).subscribe((a) => answered.push(a));
    const conn = client.connect(ch, { codec: utf8 });
    const first = watch(conn.send('late', { timeout: 3 }));
    clock.advanceBy(3);
    expect(first.log).toEqual(['error:ETIMEDOUT']);
    clock.advanceBy(2);
    expect(answered.map((a) => a.errno)).toEqual([3]); // ESRCH: the reply reached nobody
    const second = watch(conn.send('next'));
    clock.advanceBy(5);
    expect(second.log).toEqual(['next:NEXT', 'complete']);
    expect(answered.map((a) => a.errno)).toEqual([3, 0]);
  });

  it('should keep a plain subscriber receiving after m.reply() throws ESRCH', () => {
    const { clock, server, client } = setup();
    const ch = server.channel({ codec: utf8, unblock: false });
    const held: Array<ReceivedMessage<string, string>> = [];
    const got: string[] = [];
    ch.pipe(messages()).subscribe((m) => {
      got.push(m.data);
      if (m.data === 'a') held.push(m);
      else m.reply(m.data);
    });
    const conn = client.connect(ch, { codec: utf8 });
    watch(conn.send('a', { timeout: 1 }));
    clock.advanceBy(1);
    expect(() => held[0]!.reply('too late')).toThrow(/ESRCH/);
    const b = watch(conn.send('b'));
    expect(got).toEqual(['a', 'b']);
    expect(b.log).toEqual(['next:b', 'complete']);
  });

  it('should keep a Router with maximum 1 serving after a late reply fails', () => {
    const { clock, server, client } = setup();
    const ch = server.channel({ codec: utf8 });
    const router = new Router(ch, { loWater: 1, hiWater: 1, increment: 1, maximum: 1 }).otherwise((s) => timer(5, clock).pipe(map(() => `r:${s}`)));
    router.start();
    const conn = client.connect(ch, { codec: utf8 });
    const late = watch(conn.send('xx', { timeout: 3 }));
    clock.advanceBy(5);
    expect(late.log).toEqual(['error:ETIMEDOUT']);
    const ok = watch(conn.send('yy'));
    clock.advanceBy(5);
    expect(ok.log).toEqual(['next:r:yy', 'complete']);
  });
});

describe('issue 10: a stale reply never reaches another request', () => {
  it('should fail the reply to a released message whose client timed out and sent again', () => {
    const { clock, server, client } = setup();
    const ch = server.channel({ codec: utf8, unblock: false });
    const held: Array<ReceivedMessage<string, string>> = [];
    ch.pipe(messages()).subscribe((m) => { held.push(m); m.release(); });
    const conn = client.connect(ch, { codec: utf8 });
    const first = watch(conn.send('first', { timeout: 3 }));
    clock.advanceBy(3);
    expect(first.log).toEqual(['error:ETIMEDOUT']);
    const second = watch(conn.send('second'));
    expect(held.map((m) => m.data)).toEqual(['first', 'second']);
    expect(() => held[0]!.reply('for first')).toThrow(/ESRCH/);
    expect(second.log).toEqual([]);
    held[1]!.reply('for second');
    expect(second.log).toEqual(['next:for second', 'complete']);
  });
});

describe('issue 10: misuse of the binding changes nothing', () => {
  it('should throw a RangeError at the caller of pulse() with a bad pulse, and keep the connection and its sends', () => {
    const { server, client } = setup();
    const ch = server.channel({ codec: utf8 });
    const held: Array<ReceivedMessage<string, string>> = [];
    const pulses: number[] = [];
    ch.subscribe((m) => { if (m.kind === 'message') held.push(m); else pulses.push(m.code); });
    const conn = client.connect(ch, { codec: utf8 });
    const inFlight = watch(conn.send('x'));
    const subj = watch(conn);
    for (const bad of [{ code: 200 }, 'pulse', null, { code: 1, priority: 0 }, { code: 1.5 }, Number.NaN, -33, { code: 1, value: 2 ** 40 }]) {
      expect(() => conn.pulse(bad as never)).toThrow(RangeError);
    }
    expect(subj.log).toEqual([]);
    held[0]!.reply('ok');
    expect(inFlight.log).toEqual(['next:ok', 'complete']);
    conn.pulse(3);
    expect(pulses).toEqual([3]);
  });

  it('should refuse bad send options with an EINVAL notification and leak no logical thread', () => {
    const { system, server, client } = setup();
    const ch = server.channel({ codec: utf8 });
    const conn = client.connect(ch, { codec: utf8 });
    const before = threadsOf(system, client.pid).length;
    for (const options of [{ priority: 0 }, { priority: 256 }, { replySize: 1e12 }, { replySize: -1 }, { timeout: Number.NaN }, { timeoutStates: 'never' }]) {
      for (let i = 0; i < 5; i++) expect(watch(conn.send('x', options as never)).log).toEqual(['error:EINVAL']);
    }
    expect(threadsOf(system, client.pid).length).toBe(before);
    expect(() => client.connect(ch, { codec: utf8, priority: 0 })).toThrow(/EINVAL/);
    expect(system.snapshot().processes.find((p) => p.pid === client.pid)!.coids).toEqual([conn.coid]);
  });

  it('should keep several subscribers (merge) serving when one answer fails', () => {
    const { clock, server, client } = setup();
    const ch = server.channel({ codec: utf8 });
    merge(ch, ch).pipe(messages(), replyWith((s: string) => timer(2, clock).pipe(map(() => s)))).subscribe();
    const conn = client.connect(ch, { codec: utf8 });
    watch(conn.send('a', { timeout: 1 }));
    watch(conn.send('b', { timeout: 1 }));
    clock.advanceBy(3);
    const c = watch(conn.send('c'));
    clock.advanceBy(2);
    expect(c.log).toEqual(['next:c', 'complete']);
  });
});
