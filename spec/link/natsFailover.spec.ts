// Issue 21 items 4 and 5 over a real nats-server: a connection to a global name with two
// providers fails over under retry({ delay }) when the provider it uses dies, and open(name,
// { global: true, wait }) emits once a provider joins (or ETIMEDOUT when it never does).
import { firstValueFrom, retry, type Subscription } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSystem, utf8, type KernelError, type System } from '../../src/index.js';
import { messages, replyWith } from '../../src/operators/index.js';
import { joinNats, type NatsNetwork } from '../../src/link/nats/index.js';
import { startNatsServer, type NatsServer } from './natsServer.js';
import { HB, MISSED, sleep, until } from './natsPair.js';

let server: NatsServer;
beforeAll(async () => { server = await startNatsServer(); }, 20_000);
afterAll(async () => { await server?.stop(); });

const net = { heartbeatMs: HB, missed: MISSED };

/** Nodes joined to `domain` (closed by the returned function). */
async function nodes(domain: string, names: readonly string[]): Promise<{ systems: System[]; close: () => Promise<void> }> {
  const systems = names.map((node) => createSystem({ node, net }));
  const nets: NatsNetwork[] = [];
  for (const s of systems) nets.push(await joinNats(s, { servers: server.url, domain }));
  return { systems, close: async () => { await Promise.all(nets.map((n) => n.close())); } };
}

/** A provider of the global name 'svc' on `s`, answering `<node>:<msg>`. */
function provide(s: System) {
  const p = s.process({ name: 'svc' });
  p.attach('svc', { global: true, codec: utf8 }).pipe(messages(), replyWith((m: string) => `${s.node}:${m}`)).subscribe({ error: () => {} });
  return p;
}

describe('global names over NATS', () => {
  it('should fail over to the other provider under retry({ delay }) when the one in use dies', async () => {
    const { systems: [a, b, c], close } = await nodes('failover', ['a', 'b', 'c']);
    const subs: Subscription[] = [];
    try {
      const providers = new Map([b!, c!].map((s) => [s.node!, provide(s)]));
      const conn = await firstValueFrom(a!.process({ name: 'client' }).open('svc', { global: true, wait: 5000, codec: utf8 }));
      const got: string[] = [];
      const errors: string[] = [];
      subs.push(conn.pipe(retry({ delay: (e: KernelError) => { errors.push(e.code); return sleep(100); } })).subscribe((r) => got.push(r.data)));
      let n = 0;
      const tick = setInterval(() => conn.next(String(n++)), 20);
      subs.push({ unsubscribe: () => clearInterval(tick) } as Subscription);
      await until('a first reply', () => got.length > 0);
      const first = got[0]!.split(':')[0]!;
      const other = first === 'b' ? 'c' : 'b';
      providers.get(first)!.exit();
      await until(`a reply from ${other}`, () => got.some((s) => s.startsWith(`${other}:`)), 10_000);
      const switched = got.findIndex((s) => s.startsWith(`${other}:`));
      // every reply before the switch is the first provider's, every one after it the other's
      expect(got.slice(0, switched).every((s) => s.startsWith(`${first}:`))).toBe(true);
      await until('more replies from the other', () => got.length > switched + 3);
      expect(got.slice(switched).every((s) => s.startsWith(`${other}:`))).toBe(true);
      expect(errors.length).toBeGreaterThan(0);
    } finally {
      for (const s of subs) s.unsubscribe();
      await close();
    }
  }, 30_000);

  it('should wait for a provider that joins later (wait: true), and time out with ETIMEDOUT (wait: ms)', async () => {
    const { systems: [a, b], close } = await nodes('waiting', ['a', 'b']);
    try {
      const opened = firstValueFrom(a!.process().open('later', { global: true, wait: true, codec: utf8 }));
      const t0 = Date.now();
      const timedOut = await firstValueFrom(a!.process().open('never', { global: true, wait: 300 })).then(() => 'opened', (e: KernelError) => e.code);
      expect(timedOut).toBe('ETIMEDOUT');
      expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
      b!.process({ name: 'later' }).attach('later', { global: true, codec: utf8 }).pipe(messages(), replyWith((m: string) => m.toUpperCase())).subscribe();
      const conn = await opened;
      expect((await firstValueFrom(conn.send('hi'))).data).toBe('HI');
    } finally {
      await close();
    }
  }, 30_000);
});
