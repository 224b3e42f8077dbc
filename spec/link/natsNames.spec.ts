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

describe.each([
  ['', undefined],
  [' (a keyed domain: lookups and answers MACed, answers bound to their lookup)', 'a names domain key, 32 bytes ok'],
] as const)('global names through NATS queue groups%s', (_label, key) => {
  it('should open a name at once from a node that just joined, and fail an unknown one with ENOENT at once', async () => {
    const nets: NatsNetwork[] = [];
    const domain = key === undefined ? 'names' : 'keyednames';
    const o = { servers: server.url, domain, ...(key === undefined ? {} : { key }) };
    try {
      const b = createSystem({ node: 'b' });
      nets.push(await joinNats(b, o));
      // a name a subject could not hold as it is
      b.process({ name: 'svc' }).attach('odd.name/*>', { global: true, codec: utf8 }).pipe(messages(), replyWith((s) => `${s} from b`)).subscribe();
      const d = createSystem({ node: 'd' });
      nets.push(await joinNats(d, o));
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
