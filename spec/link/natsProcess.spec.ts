// NATS between separate Node processes, against a real nats-server: a node process killed with
// SIGKILL under a REPLY-blocked client (EHOSTDOWN within the liveness bound), and one that leaves
// cleanly (its peers know at once: the blocked client EHOSTDOWN, a new attach EHOSTUNREACH).
import { spawn, type ChildProcess } from 'node:child_process';
import { firstValueFrom } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSystem, utf8, type System } from '../../src/index.js';
import { joinNats, type NatsNetwork } from '../../src/link/nats/index.js';
import { startNatsServer, type NatsServer } from './natsServer.js';

let server: NatsServer;
beforeAll(async () => { server = await startNatsServer(); }, 20_000);
afterAll(async () => { await server?.stop(); });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let domains = 0;

describe('NATS nodes in separate processes', () => {
  let child: ChildProcess | null = null;
  let net: NatsNetwork | null = null;
  afterEach(async () => {
    child?.kill('SIGKILL');
    child = null;
    await net?.close();
    net = null;
  });

  async function start(probeMs = 60_000): Promise<{ client: System; domain: string }> {
    const domain = `p${++domains}`;
    child = spawn(process.execPath, ['spec/link/fixtures/natsNode.mjs', server.url, domain], { stdio: ['pipe', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child!.stdout!.once('data', () => resolve()));
    const client = createSystem({ node: 'cli', net: { heartbeatMs: 200, missed: 3 } });
    net = await joinNats(client, { servers: server.url, domain, probeMs });
    for (const end = Date.now() + 5000; client.kernel.net!.names.providers('hold').length === 0;) {
      if (Date.now() > end) throw new Error('the server node was not seen');
      await sleep(10);
    }
    return { client, domain };
  }

  /**
   * A client REPLY-blocked on the server node's 'hold', then `act` (a kill, a leave): the error
   * the send ends with, and how long after `act` it came.
   */
  async function blockedThen(client: System, act: () => void): Promise<{ error: string | null; after: number }> {
    const conn = await firstValueFrom(client.process().open('hold', { global: true, codec: utf8 }));
    let error: string | null = null;
    let at = 0;
    conn.send('wait').subscribe({ error: (e: { code: string }) => { error = e.code; at = Date.now(); } });
    await sleep(100);
    const t0 = Date.now();
    act();
    for (const end = Date.now() + 5000; error === null && Date.now() < end;) await sleep(5);
    return { error, after: at - t0 };
  }

  it('should serve a global name across processes', async () => {
    const { client } = await start();
    const conn = await firstValueFrom(client.process().open('upper', { global: true, codec: utf8 }));
    expect((await firstValueFrom(conn.send('across'))).data).toBe('ACROSS');
  }, 20_000);

  it('should fail a REPLY-blocked client with EHOSTDOWN within the liveness bound when the server process is killed', async () => {
    const { client } = await start();
    const { error, after } = await blockedThen(client, () => child!.kill('SIGKILL'));
    expect(error).toBe('EHOSTDOWN');
    // heartbeat 200 ms × 3 missed, plus the last beat's age and timer jitter
    expect(after).toBeLessThan(1000);
  }, 20_000);

  it('should take a killed node down at once through its probe (no responders), well before the liveness bound', async () => {
    const { client } = await start(50);
    const events: string[] = [];
    client.nodes$.subscribe((e) => events.push(`${e.node} ${e.state} ${e.reason}`));
    const { error, after } = await blockedThen(client, () => child!.kill('SIGKILL'));
    expect(error).toBe('EHOSTDOWN');
    expect(after).toBeLessThan(400);
    expect(events).toEqual(['srv down closed: no responders']);
  }, 20_000);

  it('should know at once that a node left cleanly: EHOSTDOWN for the blocked, EHOSTUNREACH for a new attach', async () => {
    const { client } = await start();
    const { error, after } = await blockedThen(client, () => child!.stdin!.write('exit\n'));
    expect(error).toBe('EHOSTDOWN');
    expect(after).toBeLessThan(200);
    const fresh = client.process().connect({ node: 'srv', pid: 1, chid: 1 });
    const again = await firstValueFrom(fresh.send(new Uint8Array(1))).then(() => 'answered', (e: { code: string }) => e.code);
    expect(again).toBe('EHOSTUNREACH');
  }, 20_000);
});
