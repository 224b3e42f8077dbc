// The NATS server itself restarted (a server of this spec's own). Back within the heartbeat
// bound: every peer was suspect and is up again, nothing lost (held batches go out, lost ones
// are sent again), a REPLY-blocked client is answered. Back too late: the peers go down at the
// bound and the blocked client gets EHOSTDOWN, never a hang.
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSystem, utf8, type ReceivedMessage, type System } from '../../src/index.js';
import { messages } from '../../src/operators/index.js';
import { joinNats, type NatsNetwork } from '../../src/link/nats/index.js';
import { startNatsServer, type NatsServer } from './natsServer.js';

let server: NatsServer;
beforeAll(async () => { server = await startNatsServer(); }, 20_000);
afterAll(async () => { await server?.stop(); });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, ok: () => boolean, ms = 5000): Promise<void> {
  for (const end = Date.now() + ms; !ok();) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(10);
  }
}

/** Nodes a and b on one domain; b serves 'hold' (its messages kept to be answered later). */
async function nodes(domain: string, net: { heartbeatMs: number; missed: number }) {
  const a = createSystem({ node: 'a', net });
  const b = createSystem({ node: 'b', net });
  const nets: NatsNetwork[] = await Promise.all([joinNats(a, { servers: server.url, domain }), joinNats(b, { servers: server.url, domain })]);
  const held: Array<ReceivedMessage<string, string>> = [];
  b.process().attach('hold', { global: true, codec: utf8 }).pipe(messages()).subscribe((m) => { held.push(m); m.release(); }); // kept, answered later
  await until('b seen by a', () => a.kernel.net!.names.providers('hold').length > 0);
  const events = (s: System) => {
    const seen: string[] = [];
    s.nodes$.subscribe((e) => seen.push(`${e.node} ${e.state} ${e.reason}`));
    return seen;
  };
  return { a, b, nets, held, events: { a: events(a), b: events(b) } };
}

describe('a NATS server restart', () => {
  it('should keep the peers through a restart within the heartbeat bound: suspect, then up; a blocked send answered, one sent meanwhile delivered', async () => {
    const { a, nets, held, events } = await nodes('back', { heartbeatMs: 500, missed: 8 });
    try {
      const conn = await firstValueFrom(a.process().open('hold', { global: true, codec: utf8 }));
      const first = firstValueFrom(conn.send('before'));
      await until('b holds the first message', () => held.length === 1);
      const restarted = server.restart();
      await until('a suspects b', () => events.a.includes('b suspect NATS connection lost'));
      const second = firstValueFrom(conn.send('during')); // held by the link until the server is back
      await restarted;
      await until('b holds the second message', () => held.length === 2, 8000);
      expect(held.map((m) => m.data)).toEqual(['before', 'during']);
      held[0]!.reply('one');
      held[1]!.reply('two');
      expect((await first).data).toBe('one');
      expect((await second).data).toBe('two');
      await until('both recovered', () => events.a.includes('b up recovered') && events.b.includes('a up recovered'));
      expect(events.a.filter((e) => e.includes('down'))).toEqual([]);
      expect(events.b.filter((e) => e.includes('down'))).toEqual([]);
      expect(a.nodes().find((n) => n.node === 'b')?.state).toBe('up');
    } finally {
      await Promise.all(nets.map((n) => n.close()));
    }
  }, 30_000);

  it('should take the peers down at the bound when the server stays away longer: EHOSTDOWN for a REPLY-blocked send, never a hang', async () => {
    const { a, nets, held, events } = await nodes('away', { heartbeatMs: 100, missed: 3 });
    try {
      const conn = await firstValueFrom(a.process().open('hold', { global: true, codec: utf8 }));
      const result = firstValueFrom(conn.send('wait')).then(() => 'answered', (e: { code: string }) => e.code);
      await until('b holds the message', () => held.length === 1);
      await server.restart(1500);
      expect(await result).toBe('EHOSTDOWN');
      expect(events.a[0]).toBe('b suspect NATS connection lost');
      expect(events.a.filter((e) => e.startsWith('b down'))).toEqual(['b down heartbeat']);
    } finally {
      await Promise.all(nets.map((n) => n.close()));
    }
  }, 30_000);
});
