// joinNats on a connection of the user's own: the node works over it, and leaving the domain
// drains only what joinNats subscribed: the connection stays open and the user's.
import { connect } from '@nats-io/transport-node';
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSystem, utf8 } from '../../src/index.js';
import { messages } from '../../src/operators/index.js';
import { joinNats } from '../../src/link/nats/index.js';
import { startNatsServer, type NatsServer } from './natsServer.js';

let server: NatsServer;
beforeAll(async () => { server = await startNatsServer(); }, 20_000);
afterAll(async () => { await server?.stop(); });

describe('joinNats on a connection of your own', () => {
  it('should message over it, and leave it open (its own subscriptions untouched) after close', async () => {
    const nc = await connect({ servers: server.url });
    const a = createSystem({ node: 'a', net: { heartbeatMs: 200, missed: 5 } });
    const b = createSystem({ node: 'b', net: { heartbeatMs: 200, missed: 5 } });
    const na = await joinNats(a, { servers: 'ignored', connection: nc, domain: 'own' });
    const nb = await joinNats(b, { servers: server.url, domain: 'own' });
    try {
      b.process().attach('echo', { global: true, codec: utf8 }).pipe(messages()).subscribe((m) => m.reply(`${m.data}!`));
      const conn = await firstValueFrom(a.process().open('echo', { global: true, codec: utf8 }));
      // the subjects are the contract: frames to b are plain publishes on rxnto.<domain>.f.b
      const seen: number[] = [];
      const tap = nc.subscribe('rxnto.own.f.b', { callback: (_e, m) => { seen.push(m.data.length); } });
      await nc.flush();
      expect((await firstValueFrom(conn.send('hi'))).data).toBe('hi!');
      await nc.flush();
      tap.unsubscribe();
      expect(seen.length).toBeGreaterThan(0);
      const mine = nc.subscribe('user.echo', { callback: (_e, m) => { m.respond(m.data); } });
      const downs: string[] = [];
      b.nodes$.subscribe((e) => { if (e.state === 'down') downs.push(e.reason); });
      await na.close();
      expect(nc.isClosed()).toBe(false);
      expect(new TextDecoder().decode((await nc.request('user.echo', 'still mine', { timeout: 1000 })).data)).toBe('still mine');
      for (const end = Date.now() + 2000; downs.length === 0 && Date.now() < end;) await new Promise((r) => setTimeout(r, 10));
      expect(downs).toEqual(['closed: left the NATS domain']);
      mine.unsubscribe();
    } finally {
      await na.close();
      await nb.close();
      await nc.close();
    }
  }, 20_000);
});
