// The NATS server itself restarted (a server of this spec's own): frames in flight are lost
// (core NATS is at-most-once), so the nodes quarantine each other — a sequence gap or missed
// beats — and a REPLY-blocked client gets EHOSTDOWN, never a hang.
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSystem, utf8 } from '../../src/index.js';
import { joinNats, type NatsNetwork } from '../../src/link/nats/index.js';
import { startNatsServer, type NatsServer } from './natsServer.js';

let server: NatsServer;
beforeAll(async () => { server = await startNatsServer(); }, 20_000);
afterAll(async () => { await server?.stop(); });

describe('a NATS server restart', () => {
  it('should end a REPLY-blocked send with EHOSTDOWN and report the peer down, never hang', async () => {
    const net = { heartbeatMs: 200, missed: 3 };
    const a = createSystem({ node: 'a', net });
    const b = createSystem({ node: 'b', net });
    const nets: NatsNetwork[] = await Promise.all([joinNats(a, { servers: server.url, domain: 'restart' }), joinNats(b, { servers: server.url, domain: 'restart' })]);
    try {
      b.process().attach('hold', { global: true, codec: utf8 }).subscribe(() => {});
      for (const end = Date.now() + 5000; a.kernel.net!.names.providers('hold').length === 0;) {
        if (Date.now() > end) throw new Error('b was not seen');
        await new Promise((r) => setTimeout(r, 10));
      }
      const downs: string[] = [];
      a.nodes$.subscribe((e) => { if (e.state === 'down') downs.push(e.reason); });
      const conn = await firstValueFrom(a.process().open('hold', { global: true, codec: utf8 }));
      const result = firstValueFrom(conn.send('wait')).then(() => 'answered', (e: { code: string }) => e.code);
      await new Promise((r) => setTimeout(r, 100));
      await server.restart();
      expect(await result).toBe('EHOSTDOWN');
      expect(downs).toHaveLength(1);
      expect(downs[0]).toMatch(/^(sequence gap|heartbeat|closed: .+)$/);
    } finally {
      await Promise.all(nets.map((n) => n.close()));
    }
  }, 30_000);
});
