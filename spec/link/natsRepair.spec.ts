// Core NATS is at-most-once: a publish lost on the wire (here: the `lose` fault, after the
// stream numbered and kept it) is asked for again and sent again, so no caller sees it and no
// node goes down. A loss past repair (`drop`, before numbering) is conformance case #40.
import { firstValueFrom, forkJoin } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSystem, utf8 } from '../../src/index.js';
import { messages } from '../../src/operators/index.js';
import { joinNats, type NatsNetwork } from '../../src/link/nats/index.js';
import { startNatsServer, type NatsServer } from './natsServer.js';

let server: NatsServer;
beforeAll(async () => { server = await startNatsServer(); }, 20_000);
afterAll(async () => { await server?.stop(); });

async function nodes(domain: string) {
  const net = { heartbeatMs: 200, missed: 10 };
  const a = createSystem({ node: 'a', net });
  const b = createSystem({ node: 'b', net });
  const na = await joinNats(a, { servers: server.url, domain, probeMs: 100 });
  const nb = await joinNats(b, { servers: server.url, domain, probeMs: 100 });
  const echo = b.process().attach('echo', { global: true, codec: utf8 });
  for (let i = 0; i < 4; i++) echo.pipe(messages()).subscribe((m) => m.reply(`${m.data}!`)); // four server threads
  for (const end = Date.now() + 5000; a.kernel.net!.names.providers('echo').length === 0;) {
    if (Date.now() > end) throw new Error('b not seen');
    await new Promise((r) => setTimeout(r, 10));
  }
  const downs: string[] = [];
  a.nodes$.subscribe((e) => { if (e.state === 'down') downs.push(e.reason); });
  b.nodes$.subscribe((e) => { if (e.state === 'down') downs.push(e.reason); });
  return { a, nets: [na, nb] as NatsNetwork[], downs };
}

describe('the NATS link repairs lost publishes', () => {
  it('should answer every send of a burst though publishes were lost both ways, with no node down', async () => {
    const { a, nets, downs } = await nodes('repair');
    try {
      const conn = await firstValueFrom(a.process().open('echo', { global: true, codec: utf8 }));
      expect((await firstValueFrom(conn.send('warm'))).data).toBe('warm!');
      nets[0]!.faults.lose('b', 2);
      nets[1]!.faults.lose('a', 2);
      const sends = Array.from({ length: 40 }, (_, i) => conn.send(`m${i}`));
      const replies = await firstValueFrom(forkJoin(sends));
      expect(replies.map((r) => r.data)).toEqual(Array.from({ length: 40 }, (_, i) => `m${i}!`));
      expect(downs).toEqual([]);
    } finally {
      await Promise.all(nets.map((n) => n.close()));
    }
  }, 20_000);

  it('should find a lost last publish at the next probe (nothing follows it)', async () => {
    const { a, nets, downs } = await nodes('tail');
    try {
      const conn = await firstValueFrom(a.process().open('echo', { global: true, codec: utf8 }));
      nets[0]!.faults.lose('b', 1); // the SEND itself
      const t0 = Date.now();
      expect((await firstValueFrom(conn.send('solo'))).data).toBe('solo!');
      expect(Date.now() - t0).toBeLessThan(2000); // well within the liveness bound (2 s)
      expect(downs).toEqual([]);
    } finally {
      await Promise.all(nets.map((n) => n.close()));
    }
  }, 20_000);
});
