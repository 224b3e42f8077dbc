// Issue 21 item 4: a Connection that errored or completed re-attaches when subscribed again, as
// webSocket()'s Subject re-connects, so retry() fails over; a closed one says what closed it.
import { firstValueFrom, retry, timer, type SchedulerLike } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { VirtualClock, createSystem, utf8, type Connection, type KernelError, type RxProcess, type System } from '../../src/index.js';
import { messages } from '../../src/operators/index.js';
import { connectLoopback } from '../../src/testing/index.js';

function setup() {
  const clock = new VirtualClock() as VirtualClock & SchedulerLike;
  const system = createSystem({ scheduler: clock, onUnhandledError: (e) => { throw e; } });
  return { clock, system, client: system.process({ name: 'client' }) };
}

/** A server of `ch`-like sources: 'bad' is answered EACCES, anything else `<tag>:<msg>`. */
function serve(source: ReturnType<RxProcess['attach']>, tag: string): void {
  source.pipe(messages()).subscribe({
    next: (m) => {
      const s = new TextDecoder().decode(m.bytes);
      const answer = (): void => m.reply(new TextEncoder().encode(`${tag}:${s}`));
      if (s === 'bad') m.error('EACCES');
      // held until the client gives up: then answered anyway (a late reply)
      else if (s === 'hold') {
        m.signal.addEventListener('abort', answer);
        m.release();
      }
      else answer();
    },
    error: () => {}, // its process exited
  });
}

/** The coids the client process holds now. */
function coids(system: System, pid: number): number[] {
  return [...system.snapshot().processes.find((p) => p.pid === pid)!.coids];
}

describe('Connection', () => {
  describe('subscribed again after it closed', () => {
    it('should re-attach a connect() connection that errored, and send again', () => {
      const { system, client } = setup();
      const ch = system.process({ name: 'server' }).channel();
      serve(ch, 's');
      const conn = client.connect(ch, { codec: utf8 });
      const first: string[] = [];
      conn.subscribe({ next: (r) => first.push(r.data), error: (e: KernelError) => first.push(e.code) });
      conn.next('a');
      conn.next('bad');
      expect(first).toEqual(['s:a', 'EACCES']);
      expect(conn.closed).toBe(true);
      const old = conn.coid;
      expect(coids(system, client.pid)).not.toContain(old);

      const second: string[] = [];
      conn.subscribe({ next: (r) => second.push(r.data), error: (e: KernelError) => second.push(e.code) });
      expect(conn.closed).toBe(false);
      expect(coids(system, client.pid)).toContain(conn.coid);
      conn.next('b');
      expect(second).toEqual(['s:b']);
    });

    it('should re-attach a completed connection, and complete it again', () => {
      const { system, client } = setup();
      const ch = system.process({ name: 'server' }).channel();
      serve(ch, 's');
      const conn = client.connect(ch, { codec: utf8 });
      conn.next('a');
      conn.complete();
      expect(coids(system, client.pid)).toEqual([]);
      const got: string[] = [];
      conn.subscribe({ next: (r) => got.push(r.data), complete: () => got.push('|') });
      conn.next('b');
      conn.complete();
      expect(got).toEqual(['s:b', '|']);
      expect(coids(system, client.pid)).toEqual([]);
    });

    it('should error the new subscribers when the channel is gone (and try again at the next subscribe)', () => {
      const { system, client } = setup();
      const server = system.process({ name: 'server' });
      const ch = server.channel();
      const conn = client.connect(ch, { codec: utf8 });
      conn.complete();
      server.exit();
      const codes: string[] = [];
      conn.subscribe({ error: (e: KernelError) => codes.push(e.code) });
      conn.subscribe({ error: (e: KernelError) => codes.push(e.code) });
      expect(codes).toHaveLength(2);
      expect(codes[0]).toMatch(/^E/);
      expect(coids(system, client.pid)).toEqual([]);
    });

    it('should re-attach under retry() at once, and ignore the late answer to a send of the old attachment', () => {
      const { system, client } = setup();
      const ch = system.process({ name: 'server' }).channel();
      serve(ch, 's');
      const conn = client.connect(ch, { codec: utf8 });
      const got: string[] = [];
      conn.pipe(retry(2)).subscribe({ next: (r) => got.push(r.data), error: (e: KernelError) => got.push(e.code) });
      conn.next('a');
      conn.next('bad'); // errors the Subject inside the kernel's answer; retry() re-attaches there
      conn.next('b');
      conn.next('hold'); // REPLY-blocked
      // inside the answer to a send() (a kernel continuation): error(), retry() re-attaches, next()
      conn.send('now').subscribe(() => { conn.error(new Error('stop')); conn.next('after'); });
      // the server was told of the unblock and answered 'hold' late: nobody gets that reply
      expect(got).toEqual(['s:a', 's:b', 's:after']);
      expect(coids(system, client.pid)).toEqual([conn.coid]);
      const blocked = system.snapshot().processes.find((p) => p.pid === client.pid)!.threads.filter((t) => t.state === 'SEND' || t.state === 'REPLY');
      expect(blocked).toEqual([]);
    });
  });

  describe('closed', () => {
    it('should say it errored (with what) when send() or pulse() is refused, not that it was completed', async () => {
      const { system, client } = setup();
      const ch = system.process({ name: 'server' }).channel();
      serve(ch, 's');
      const conn = client.connect(ch, { codec: utf8 });
      conn.subscribe({ error: () => {} });
      conn.next('bad');
      const e = await firstValueFrom(conn.send('x')).then(() => { throw new Error('sent'); }, (x: KernelError) => x);
      expect(e).toMatchObject({ code: 'EBADF', call: 'send' });
      expect(e.message).toMatch(/^send: EBADF: the connection errored \(MsgSend: EACCES/);
      expect(e.message).not.toMatch(/completed/);
      expect((e.cause as KernelError).code).toBe('EACCES');
      expect(() => conn.pulse(1)).toThrow(/the connection errored/);
    });

    it('should say it was completed after complete()', async () => {
      const { system, client } = setup();
      const ch = system.process({ name: 'server' }).channel();
      const conn = client.connect(ch, { codec: utf8 });
      conn.complete();
      await expect(firstValueFrom(conn.send('x'))).rejects.toThrow('send: EBADF: the connection was completed');
    });

    it('should say it errored when error() was called', async () => {
      const { system, client } = setup();
      const conn = client.connect(system.process().channel(), { codec: utf8 });
      conn.subscribe({ error: () => {} });
      conn.error(new Error('stop'));
      await expect(firstValueFrom(conn.send('x'))).rejects.toThrow('send: EBADF: the connection errored (stop)');
    });
  });

  describe('from open(name)', () => {
    it('should re-open the name, reaching the provider that replaced a dead one (retry with a delay)', () => {
      const { clock, system, client } = setup();
      const p1 = system.process({ name: 'p1' });
      serve(p1.attach('svc'), 'p1');
      const conn = firstOf(client.open('svc', { codec: utf8 }));
      const got: string[] = [];
      const errors: string[] = [];
      conn.pipe(retry({ delay: (e: KernelError) => { errors.push(`${clock.now()} ${e.code}`); return timer(100, clock); } })).subscribe((r) => got.push(`${clock.now()} ${r.data}`));
      for (let t = 50; t <= 400; t += 50) clock.schedule(() => conn.next(String(t)), t);
      clock.schedule(() => p1.exit(), 120);
      clock.schedule(() => serve(system.process({ name: 'p2' }).attach('svc'), 'p2'), 200);
      clock.advanceBy(400);
      // 150 finds p1 gone; the re-open at 250 reaches p2
      expect(errors).toEqual(['150 EBADF']);
      expect(got).toEqual(['50 p1:50', '100 p1:100', '300 p2:300', '350 p2:350', '400 p2:400']);
    });

    it('should fail a re-open when nobody serves the name, and succeed at a later retry', () => {
      const { clock, system, client } = setup();
      const p1 = system.process({ name: 'p1' });
      serve(p1.attach('svc'), 'p1');
      const conn = firstOf(client.open('svc', { codec: utf8 }));
      const errors: string[] = [];
      const got: string[] = [];
      conn.pipe(retry({ delay: (e: KernelError) => { errors.push(`${clock.now()} ${e.code} ${e.call}`); return timer(100, clock); } })).subscribe((r) => got.push(r.data));
      p1.exit();
      conn.next('lost');
      clock.advanceBy(150); // the re-open at 100 finds nobody
      serve(system.process({ name: 'p2' }).attach('svc'), 'p2');
      clock.advanceBy(100); // the one at 200 finds p2
      conn.next('x');
      expect(errors).toEqual(['0 EBADF MsgSend', '100 ENOENT name_open']);
      expect(got).toEqual(['p2:x']);
    });

    it('should queue next() while it re-opens a name it waits for, and send it once open', () => {
      const { clock, system, client } = setup();
      const p1 = system.process({ name: 'p1' });
      serve(p1.attach('svc'), 'p1');
      const conn = firstOf(client.open('svc', { codec: utf8, wait: true }));
      conn.complete();
      p1.exit();
      const got: string[] = [];
      conn.subscribe((r) => got.push(`${clock.now()} ${r.data}`));
      expect(conn.closed).toBe(false);
      conn.next('queued');
      expect(() => conn.pulse(1)).toThrow('MsgSendPulse: EBADF: the connection is re-attaching');
      clock.advanceBy(35);
      serve(system.process({ name: 'p2' }).attach('svc'), 'p2');
      clock.advanceBy(10);
      expect(got).toEqual(['40 p2:queued']);
    });

    it('should fail over to another node\'s provider of a global name when its own dies (loopback link)', () => {
      const clock = new VirtualClock() as VirtualClock & SchedulerLike;
      const onUnhandledError = (e: unknown): void => { throw e; };
      const net = { heartbeatMs: 10, missed: 3 };
      const [a, b, c] = ['a', 'b', 'c'].map((node) => createSystem({ node, scheduler: clock, onUnhandledError, net })) as [System, System, System];
      const links = [connectLoopback(a, b, { latency: 1 }), connectLoopback(a, c, { latency: 1 })];
      const providers = new Map([b, c].map((s) => {
        const p = s.process({ name: 'provider' });
        serve(p.attach('svc', { global: true }), s.node!);
        return [s.node!, p];
      }));
      clock.advanceBy(5); // the HELLOs and NAME_ADDs have crossed
      let conn: Connection<string, string> | null = null;
      a.process().open('svc', { global: true, codec: utf8 }).subscribe((x) => { conn = x; });
      clock.advanceBy(5);
      const got: string[] = [];
      const errors: string[] = [];
      conn!.pipe(retry({ delay: (e: KernelError) => { errors.push(e.code); return timer(20, clock); } })).subscribe((r) => got.push(r.data));
      for (let t = 20; t <= 120; t += 20) clock.schedule(() => conn!.next(String(t)), t - 10);
      clock.advanceBy(35);
      const first = got[0]!.slice(0, 1);
      // the provider that answered dies (its NAME_DEL crosses); the retry reaches the other node's
      providers.get(first)!.exit();
      clock.advanceBy(80);
      for (const l of links) l.close('end');
      const other = first === 'b' ? 'c' : 'b';
      expect(got).toEqual([`${first}:20`, `${first}:40`, `${other}:100`, `${other}:120`]);
      expect(errors).toHaveLength(1);
    });
  });
});

/** The connection an open emits at once (it must). */
function firstOf<T>(o: import('rxjs').Observable<T>): T {
  let v: T | undefined;
  o.subscribe((x) => { v = x; });
  if (v === undefined) throw new Error('the open did not emit at once');
  return v;
}
