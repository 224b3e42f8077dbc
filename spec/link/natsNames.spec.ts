// Global names through NATS queue groups: every provider of a name is a member of its group, so
// a node whose name table does not know a provider yet (it just joined) still opens it, and a
// name nobody provides is ENOENT at once (no responders).
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSystem, utf8 } from '../../src/index.js';
import { messages, replyWith } from '../../src/operators/index.js';
import { joinNats, type NatsNetwork } from '../../src/link/nats/index.js';
import { startNatsServer, type NatsServer } from './natsServer.js';

let server: NatsServer;
beforeAll(async () => { server = await startNatsServer(); }, 20_000);
afterAll(async () => { await server?.stop(); });

describe('global names through NATS queue groups', () => {
  it('should open a name at once from a node that just joined, and fail an unknown one with ENOENT at once', async () => {
    const nets: NatsNetwork[] = [];
    try {
      const b = createSystem({ node: 'b' });
      nets.push(await joinNats(b, { servers: server.url, domain: 'names' }));
      // a name a subject could not hold as it is
      b.process({ name: 'svc' }).attach('odd.name/*>', { global: true, codec: utf8 }).pipe(messages(), replyWith((s) => `${s} from b`)).subscribe();
      const d = createSystem({ node: 'd' });
      nets.push(await joinNats(d, { servers: server.url, domain: 'names' }));
      expect(d.kernel.net!.names.providers('odd.name/*>')).toEqual([]); // not heard of yet
      const conn = await firstValueFrom(d.process().open('odd.name/*>', { global: true, codec: utf8 }));
      expect((await firstValueFrom(conn.send('hi'))).data).toBe('hi from b');
      const t0 = Date.now();
      const missing = await firstValueFrom(d.process().open('nobody', { global: true })).then(() => 'opened', (e: { code: string }) => e.code);
      expect(missing).toBe('ENOENT');
      expect(Date.now() - t0).toBeLessThan(500);
    } finally {
      await Promise.all(nets.map((n) => n.close()));
    }
  }, 20_000);
});
