// A process whose durable sender closed its NATS connection ends by itself (a real nats-server
// -js, the built package): the stored reports' readers stop retrying once the connection is
// closed for good (their timers kept `npm run bench` alive after its last row).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNatsServer, type NatsServer } from '../link/natsServer.js';

let server: NatsServer;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rxnto-exits-'));
  server = await startNatsServer(['-js', '-sd', dir]);
}, 20_000);
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a durable sender\'s process after its NATS connection closed', () => {
  it('should end by itself', async () => {
    const child = spawn(process.execPath, [new URL('./fixtures/closeExits.mjs', import.meta.url).pathname, server.url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { err += d; });
    const ended = await new Promise<{ code: number | null; closedAt: number }>((resolve) => {
      let closedAt = 0;
      child.stdout.on('data', () => { if (closedAt === 0 && out.includes('closed')) closedAt = Date.now(); });
      // a generous bound for a loaded machine: a process kept alive never ends
      const timer = setTimeout(() => { child.kill('SIGKILL'); resolve({ code: null, closedAt }); }, 30_000);
      child.once('exit', (code) => { clearTimeout(timer); resolve({ code, closedAt }); });
    });
    expect(out, err).toContain('closed');
    expect(ended.code, `still alive 30 s after it started; stderr: ${err}`).toBe(0);
  }, 40_000);
});
