// joinNats takes the NATS client's own connection options (here: user and password against a
// server that requires them) with its defaults where they set none, or a connection of yours
// (then `servers` is optional, in the types too); a domain key shorter than 16 bytes is EINVAL.
import { connect } from '@nats-io/transport-node';
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSystem, utf8 } from '../../src/index.js';
import { messages } from '../../src/operators/index.js';
import { joinNats, type NatsNetwork, type NatsOptions } from '../../src/link/nats/index.js';
import { startNatsServer, type NatsServer } from './natsServer.js';

let server: NatsServer;
beforeAll(async () => { server = await startNatsServer(['--user', 'u', '--pass', 'p']); }, 20_000);
afterAll(async () => { await server?.stop(); });

describe('joinNats with the NATS client\'s options', () => {
  it('should join a user/password-protected server with { servers, user, pass }, and be refused without them', async () => {
    const a = createSystem({ node: 'a', net: { heartbeatMs: 200, missed: 5 } });
    const b = createSystem({ node: 'b', net: { heartbeatMs: 200, missed: 5 } });
    const nets: NatsNetwork[] = [];
    try {
      nets.push(await joinNats(a, { servers: server.url, user: 'u', pass: 'p', domain: 'auth', name: 'node a', maxReconnectAttempts: 3 }));
      nets.push(await joinNats(b, { servers: server.url, user: 'u', pass: 'p', domain: 'auth' }));
      b.process().attach('echo', { global: true, codec: utf8 }).pipe(messages()).subscribe((m) => m.reply(`${m.data}!`));
      for (const end = Date.now() + 5000; a.kernel.net!.names.providers('echo').length === 0;) {
        if (Date.now() > end) throw new Error('b not seen by a');
        await new Promise((r) => setTimeout(r, 10));
      }
      const conn = await firstValueFrom(a.process().open('echo', { global: true, codec: utf8 }));
      expect((await firstValueFrom(conn.send('hi'))).data).toBe('hi!');
      const c = createSystem({ node: 'c' });
      const refused = await joinNats(c, { servers: server.url, domain: 'auth', maxReconnectAttempts: 0 }).then(
        (n) => { nets.push(n); return 'joined'; },
        (e: Error) => e.message,
      );
      expect(refused).toMatch(/authorization/i);
    } finally {
      await Promise.all(nets.map((n) => n.close()));
    }
  }, 20_000);

  it('should take a connection of yours without servers, and refuse a key shorter than 16 bytes', async () => {
    const nc = await connect({ servers: server.url, user: 'u', pass: 'p' });
    const a = createSystem({ node: 'a' });
    try {
      const options: NatsOptions = { connection: nc, domain: 'own', key: 'sixteen byte key' };
      const net = await joinNats(a, options);
      await net.close();
      expect(nc.isClosed()).toBe(false);
      const short = await joinNats(a, { connection: nc, key: 'too short' }).then(() => 'joined', (e: { code: string }) => e.code);
      expect(short).toBe('EINVAL');
      // @ts-expect-error: servers or a connection, one of them
      const neither: NatsOptions = { domain: 'x' };
      expect(neither).toBeDefined();
    } finally {
      await nc.close();
    }
  }, 20_000);
});
