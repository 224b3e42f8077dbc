// Issue 21 item 5: open(name, { wait }) waits for a provider (here or on another node) instead of
// polling the name table; item 7 (part): a global open on a system that is not a node is ENOTSUP.
import { describe, expect, it } from 'vitest';
import { VirtualClock, createSystem, utf8, type Connection, type KernelError, type System } from '../../src/index.js';
import { messages } from '../../src/operators/index.js';
import { connectLoopback } from '../../src/testing/index.js';

function setup() {
  const clock = new VirtualClock();
  const system = createSystem({ scheduler: clock, onUnhandledError: (e) => { throw e; } });
  return { clock, system, client: system.process({ name: 'client' }) };
}

/** What an open did: `<time> open` with the connection, or `<time> <code>`. */
function watch(clock: VirtualClock, log: string[], conns: Array<Connection<string, string>> = []) {
  return {
    next: (c: Connection<string, string>) => { conns.push(c); log.push(`${clock.now()} open`); },
    error: (e: KernelError) => log.push(`${clock.now()} ${e.code}`),
  };
}

function upper(system: System, name: string, global = false): void {
  system.process({ name }).attach(name, { codec: utf8, global }).pipe(messages()).subscribe((m) => m.reply(m.data.toUpperCase()));
}

/** Threads of `pid` blocked in the kernel, and timers still pending. */
function leftovers(system: System, clock: VirtualClock, pid: number) {
  const threads = system.snapshot().processes.find((p) => p.pid === pid)!.threads.filter((t) => t.state === 'SEND' || t.state === 'REPLY');
  return { blocked: threads.length, timers: clock.pending, coids: system.snapshot().processes.find((p) => p.pid === pid)!.coids.length };
}

describe('RxProcess.open', () => {
  describe('wait', () => {
    it('should fail ENOENT at once without wait', () => {
      const { clock, client } = setup();
      const log: string[] = [];
      client.open('later', { codec: utf8 }).subscribe(watch(clock, log));
      expect(log).toEqual(['0 ENOENT']);
    });

    it('should emit once a local provider attaches (wait: true), and the connection works', () => {
      const { clock, system, client } = setup();
      const log: string[] = [];
      const conns: Array<Connection<string, string>> = [];
      client.open('later', { codec: utf8, wait: true }).subscribe(watch(clock, log, conns));
      clock.advanceBy(25);
      expect(log).toEqual([]);
      upper(system, 'later');
      clock.advanceBy(100);
      expect(log).toEqual(['30 open']);
      const replies: string[] = [];
      conns[0]!.send('hi').subscribe((r) => replies.push(r.data));
      expect(replies).toEqual(['HI']);
    });

    it('should emit at once when the provider is there already', () => {
      const { clock, system, client } = setup();
      upper(system, 'now');
      const log: string[] = [];
      client.open('now', { codec: utf8, wait: 50 }).subscribe(watch(clock, log));
      expect(log).toEqual(['0 open']);
      expect(clock.pending).toBe(0);
    });

    it('should fail ETIMEDOUT when wait is a number of ms that passes, saying what it waited for', () => {
      const { clock, system, client } = setup();
      const log: string[] = [];
      let error: KernelError | undefined;
      client.open('never', { codec: utf8, wait: 45 }).subscribe({ ...watch(clock, log), error: (e: KernelError) => { error = e; log.push(`${clock.now()} ${e.code}`); } });
      clock.advanceBy(200);
      expect(log).toEqual(['45 ETIMEDOUT']);
      expect(error!.message).toBe('name_open: ETIMEDOUT: nobody served "never" within 45 ms');
      expect(leftovers(system, clock, client.pid)).toEqual({ blocked: 0, timers: 0, coids: 0 });
    });

    it('should stop waiting when unsubscribed: no timer left, no connection made later', () => {
      const { clock, system, client } = setup();
      const log: string[] = [];
      const sub = client.open('later', { codec: utf8, wait: true }).subscribe(watch(clock, log));
      clock.advanceBy(15);
      sub.unsubscribe();
      expect(clock.pending).toBe(0);
      upper(system, 'later');
      clock.advanceBy(100);
      expect(log).toEqual([]);
      expect(leftovers(system, clock, client.pid)).toEqual({ blocked: 0, timers: 0, coids: 0 });
    });

    it('should stop waiting with EINTR when its signal aborts', () => {
      const { clock, system, client } = setup();
      const log: string[] = [];
      const controller = new AbortController();
      client.open('later', { codec: utf8, wait: true, signal: controller.signal }).subscribe(watch(clock, log));
      clock.advanceBy(15);
      controller.abort();
      upper(system, 'later');
      clock.advanceBy(100);
      expect(log).toEqual(['15 EINTR']);
      expect(leftovers(system, clock, client.pid)).toEqual({ blocked: 0, timers: 0, coids: 0 });
    });

    it('should end with ESRCH when its process exits while it waits', () => {
      const { clock, client } = setup();
      const log: string[] = [];
      client.open('later', { codec: utf8, wait: true }).subscribe(watch(clock, log));
      clock.advanceBy(15);
      client.exit();
      clock.advanceBy(100);
      expect(log).toEqual(['20 ESRCH']);
      expect(clock.pending).toBe(0);
    });

    it('should refuse a wait that is not a boolean or a number of ms (EINVAL)', () => {
      const { clock, client } = setup();
      const log: string[] = [];
      client.open('x', { wait: -1 }).subscribe(watch(clock, log) as never);
      client.open('x', { wait: Number.NaN }).subscribe(watch(clock, log) as never);
      expect(log).toEqual(['0 EINVAL', '0 EINVAL']);
    });

    it('should emit once another node attaches the global name (its NAME_ADD crosses the link)', () => {
      const clock = new VirtualClock();
      const onUnhandledError = (e: unknown): void => { throw e; };
      const net = { heartbeatMs: 10, missed: 3 };
      const a = createSystem({ node: 'a', scheduler: clock, onUnhandledError, net });
      const b = createSystem({ node: 'b', scheduler: clock, onUnhandledError, net });
      const link = connectLoopback(a, b, { latency: 1 });
      const log: string[] = [];
      const conns: Array<Connection<string, string>> = [];
      a.process().open('upper', { codec: utf8, global: true, wait: 500 }).subscribe(watch(clock, log, conns));
      clock.advanceBy(40);
      upper(b, 'upper', true);
      clock.advanceBy(20);
      // attached at 40, known on a at 41, found at the next try (every heartbeat / 10 = 1 ms), open at 43
      expect(log).toEqual(['43 open']);
      const replies: string[] = [];
      conns[0]!.send('far').subscribe((r) => replies.push(r.data));
      clock.advanceBy(5);
      link.close('end');
      expect(replies).toEqual(['FAR']);
    });
  });

  describe('global', () => {
    it('should fail ENOTSUP on a system that is not a node (with or without wait)', () => {
      const { clock, client } = setup();
      const log: string[] = [];
      let error: KernelError | undefined;
      client.open('x', { global: true }).subscribe({ error: (e: KernelError) => { error = e; log.push(e.code); } });
      client.open('x', { global: true, wait: true }).subscribe(watch(clock, log) as never);
      expect(log).toEqual(['ENOTSUP', '0 ENOTSUP']);
      expect(error!.message).toMatch(/^name_open: ENOTSUP: a global name needs a node/);
      expect(clock.pending).toBe(0);
    });
  });
});
