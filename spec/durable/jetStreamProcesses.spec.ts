// Durable asyncmsg on a real nats-server -js (file storage) between real Node processes running
// the BUILT package (`npm run build` first): the fixtures are spec/durable/fixtures/*.mjs. Each
// run is checked the Jepsen way (spec/durable/jepsen.ts): every put the log acknowledged is
// delivered once and in order, or the test fails naming how it was not.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startNatsServer, type NatsServer } from '../link/natsServer.js';
import { classify, type AckedPut } from './jepsen.js';
import { pubAckProxy } from './pubAckProxy.js';

// the built package to run: this one (default), or a copy built elsewhere (RXNTO_PKG_DIR, with its fixtures)
const pkg = process.env.RXNTO_PKG_DIR ?? process.cwd();

let server: NatsServer;
let dir: string;
beforeAll(async () => {
  if (!existsSync(join(pkg, 'dist/esm/link/nats/jetStreamLog.js'))) throw new Error('build the package first: npm run build');
  dir = mkdtempSync(join(tmpdir(), 'rxnto-durable-'));
  server = await startNatsServer(['-js', '-sd', join(dir, 'store')]);
}, 20_000);
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let runs = 0;

/** A fixture process and the lines it printed. */
interface Proc {
  readonly child: ChildProcess;
  readonly lines: string[];
  until(pred: (lines: string[]) => boolean, ms?: number): Promise<void>;
  exited(): Promise<void>;
}

function start(fixture: 'durableSender' | 'durableReceiver', options: Record<string, unknown>): Proc {
  const child = spawn(process.execPath, [join(pkg, `spec/durable/fixtures/${fixture}.mjs`), JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const lines: string[] = [];
  let rest = '';
  // what it printed to stderr (the end of it), for the error when it dies
  let errs = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { errs = (errs + d).slice(-2000); });
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    const parts = (rest + d).split('\n');
    rest = parts.pop()!;
    lines.push(...parts);
  });
  return {
    child,
    lines,
    async until(pred, ms = 20_000) {
      for (const end = Date.now() + ms; !pred(lines);) {
        if (Date.now() > end) throw new Error(`${fixture}: timed out; last lines: ${lines.slice(-5).join(' | ')}`);
        if (child.exitCode !== null && !pred(lines)) throw new Error(`${fixture} exited ${child.exitCode}; last lines: ${lines.slice(-5).join(' | ')}; stderr: ${errs}`);
        await sleep(20);
      }
    },
    exited: () => new Promise((resolve) => { if (child.exitCode !== null || child.signalCode !== null) resolve(); else child.once('exit', () => resolve()); }),
  };
}

/** Names of a fresh stream for one test. */
function names(): { stream: string; prefix: string; name: string; state: string } {
  const n = ++runs;
  return { stream: `P${n}`, prefix: `p${n}`, name: 'orders', state: join(dir, `state${n}.json`) };
}

/** The puts the sender says the log stored (`stored <producer>:<epoch>:<seq> <dup>`), once each. */
function acked(lines: readonly string[]): AckedPut[] {
  const seen = new Set<string>();
  const out: AckedPut[] = [];
  for (const l of lines) {
    const m = /^stored (.+):(\d+):(\d+) /.exec(l);
    if (m === null || seen.has(`${m[1]}:${m[2]}:${m[3]}`)) continue;
    seen.add(`${m[1]}:${m[2]}:${m[3]}`);
    out.push({ stream: `${m[1]}:${m[2]}`, seq: Number(m[3]) });
  }
  return out;
}

/** What the app committed (its state file), in commit order. */
function committed(state: string): AckedPut[] {
  const s = JSON.parse(readFileSync(state, 'utf8')) as { got: string[] };
  return s.got.map((id) => { const i = id.lastIndexOf(':'); return { stream: id.slice(0, i), seq: Number(id.slice(i + 1)) }; });
}

function expectAllOnceInOrder(puts: AckedPut[], got: AckedPut[]): void {
  const { counts } = classify(puts, got, new Map());
  expect(counts).toEqual({ ok: puts.length, duplicate: 0, 'lost-prefix': 0, 'lost-middle': 0, 'lost-postfix': 0, reordered: 0, dead: 0, expired: 0 });
  expect(got).toHaveLength(puts.length);
}

describe('durable asyncmsg on a real nats-server -js, real processes', () => {
  it('should give a receiver started after the puts all of them, once, in order', async () => {
    const n = names();
    const sender = start('durableSender', { url: server.url, ...n, n: 300 });
    await sender.until((l) => l.includes('done'));
    await sender.exited();
    const receiver = start('durableReceiver', { url: server.url, ...n });
    await receiver.until((l) => l.filter((x) => x.startsWith('got ')).length >= 300);
    await sleep(300);
    expectAllOnceInOrder(acked(sender.lines), committed(n.state));
  }, 60_000);

  it('should give a receiver SIGKILLed mid-batch and restarted the unacknowledged ones again, and its app each once', async () => {
    const n = names();
    const sender = start('durableSender', { url: server.url, ...n, n: 200 });
    await sender.until((l) => l.includes('done'));
    const opts = { url: server.url, ...n, holdMs: 150, batch: 10, ackWaitMs: 1000 };
    const first = start('durableReceiver', opts);
    // killed while it holds a batch it has not committed (seen, not got)
    await first.until((l) => l.filter((x) => x.startsWith('got ')).length >= 50 && l.at(-1)!.startsWith('seen '));
    first.child.kill('SIGKILL');
    await first.exited();
    const seenFirst = new Set(first.lines.filter((l) => l.startsWith('seen ')).map((l) => l.split(' ')[1]));
    const gotFirst = new Set(first.lines.filter((l) => l.startsWith('got ')).map((l) => l.split(' ')[1]));
    const second = start('durableReceiver', opts);
    await second.until(() => committed(n.state).length >= 200, 30_000);
    await sleep(500);
    // the batch it held uncommitted came again (delivered more than once), the committed ones did not reach the app again
    const again = second.lines.filter((l) => l.startsWith('seen ') && seenFirst.has(l.split(' ')[1]!) && !gotFirst.has(l.split(' ')[1]!));
    expect(again.length).toBeGreaterThan(0);
    expect(again.every((l) => Number(l.split(' ')[2]) >= 2)).toBe(true);
    expectAllOnceInOrder(acked(sender.lines), committed(n.state));
  }, 90_000);

  it('should lose nothing it acknowledged when nats-server is SIGKILLed and restarted mid-stream (file storage)', async () => {
    const n = names();
    const receiver = start('durableReceiver', { url: server.url, ...n });
    const sender = start('durableSender', { url: server.url, ...n, n: 400, paceMs: 2, publishTimeoutMs: 1000 });
    await sender.until((l) => l.filter((x) => x.startsWith('stored ')).length >= 100);
    await server.restart(500);
    await sender.until((l) => l.includes('done'), 60_000);
    await receiver.until(() => existsSync(n.state) && committed(n.state).length >= 400, 60_000);
    await sleep(500);
    expectAllOnceInOrder(acked(sender.lines), committed(n.state));
  }, 120_000);

  it('should give the app no duplicate when PubAcks are lost (a proxy drops them; retries are duplicate: true)', async () => {
    const n = names();
    const proxy = await pubAckProxy(server.url);
    try {
      const receiver = start('durableReceiver', { url: server.url, ...n });
      proxy.dropping = true;
      const sender = start('durableSender', { url: proxy.url, ...n, n: 100, publishTimeoutMs: 500 });
      await sender.until(() => proxy.dropped >= 20, 20_000);
      proxy.dropping = false;
      await sender.until((l) => l.includes('done'), 30_000);
      await receiver.until(() => existsSync(n.state) && committed(n.state).length >= 100, 30_000);
      await sleep(500);
      expect(sender.lines.some((l) => / true$/.test(l) && l.startsWith('stored '))).toBe(true);
      expectAllOnceInOrder(acked(sender.lines), committed(n.state));
    } finally {
      await proxy.close();
    }
  }, 90_000);

  it('should move a poison message to the dead-letter subject and report EIO to its sender', async () => {
    const n = names();
    const receiver = start('durableReceiver', { url: server.url, ...n, batch: 1, poison: 'bad', maxDeliver: 3 });
    const sender = start('durableSender', { url: server.url, ...n, values: ['ok1', 'bad', 'ok2'], stay: true });
    await sender.until((l) => l.includes('report 2 5'), 30_000);
    await receiver.until(() => existsSync(n.state) && committed(n.state).length >= 2, 30_000);
    await sender.until((l) => l.includes('report 3 0'), 30_000);
    const got = committed(n.state).map((p) => p.seq);
    expect(got).toEqual([1, 3]);
    expect(sender.lines.filter((l) => l.startsWith('report ')).sort()).toEqual(['report 1 0', 'report 2 5', 'report 3 0']);
    const dead = receiver.lines.filter((l) => l.startsWith('event ') && l.includes('"dead-letter"'));
    expect(dead).toHaveLength(1);
    expect(receiver.lines.filter((l) => /^seen \S+:2 /.test(l))).toHaveLength(3);
    // the dead-letter stream holds it
    const { connect } = await import('@nats-io/transport-node');
    const { jetstreamManager } = await import('@nats-io/jetstream');
    const nc = await connect({ servers: server.url });
    try {
      const info = await (await jetstreamManager(nc)).streams.info(`${n.stream}_DLQ`);
      expect(info.state.messages).toBe(1);
    } finally {
      await nc.close();
    }
  }, 60_000);
});
