// The JetStream DurableLog against a real nats-server -js (file storage in a temporary dir), in
// one Node process: puts while no receiver exists, a receiver later gets them all once in order;
// lost PubAcks are retried with the same ids (duplicate: true) and reach the app once; a lost
// consumer is made again; a MaxAckPending stall shows in stalls$.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSystem, utf8, type DurableAck, type DurableEvent, type Stall, type System } from '../../src/index.js';
import { jetStreamLog, type JetStreamLog } from '../../src/link/nats/index.js';
import { startNatsServer, type NatsServer } from '../link/natsServer.js';
import { pubAckProxy } from './pubAckProxy.js';

let server: NatsServer;
let dir: string;
const conns: NatsConnection[] = [];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rxnto-js-'));
  server = await startNatsServer(['-js', '-sd', dir]);
}, 20_000);
afterAll(async () => {
  for (const nc of conns) await nc.close().catch(() => {});
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let streams = 0;

async function log(over: Parameters<typeof jetStreamLog>[1] = {}): Promise<JetStreamLog> {
  const nc = await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
  conns.push(nc);
  return jetStreamLog(nc, { stream: `T${++streams}`, prefix: `t${streams}`, ...over });
}

function node(name: string, l: JetStreamLog, extra: Record<string, number> = {}): System {
  return createSystem({ node: name, net: { durable: { log: l, ackWaitMs: 1000, maxDeliver: 3, fetchWaitMs: 200, ...extra } } });
}

async function until(what: () => boolean, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; !what();) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(20);
  }
}

describe('jetStreamLog setting up while the server is away', () => {
  it('should wait for a nats-server that is restarting, then work', async () => {
    const own = mkdtempSync(join(tmpdir(), 'rxnto-js-'));
    const srv = await startNatsServer(['-js', '-sd', own]);
    const nc = await connect({ servers: srv.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    try {
      const restarting = srv.restart(1500);
      await sleep(50);
      const l = await jetStreamLog(nc, { stream: 'R1', prefix: 'r1' });
      await restarting;
      expect(l.stream).toBe('R1');
      const stored = await new Promise<readonly DurableAck[]>((resolve) => l.append([{ name: 'x', id: 'p:1:1', producer: 'p', epoch: 1, seq: 1, node: 'a', pid: 1, coid: 1, ttlMs: 0, data: new Uint8Array([1]) }], resolve));
      expect(stored.map((a) => a.err)).toEqual([0]);
    } finally {
      await nc.close().catch(() => {});
      await srv.stop();
      rmSync(own, { recursive: true, force: true });
    }
  }, 30_000);

  it('should reject EHOSTUNREACH by setupTimeoutMs when the server has no JetStream, and EINVAL for a bad timeout', async () => {
    const srv = await startNatsServer([]);
    const nc = await connect({ servers: srv.url });
    try {
      const started = Date.now();
      const e = await jetStreamLog(nc, { setupTimeoutMs: 800 }).catch((x: unknown) => x) as { code?: string; message?: string };
      expect(e.code).toBe('EHOSTUNREACH');
      expect(e.message).toMatch(/-js/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(600);
      await expect(jetStreamLog(nc, { setupTimeoutMs: -1 })).rejects.toMatchObject({ code: 'EINVAL' });
      await expect(jetStreamLog(nc, { setupTimeoutMs: Number.NaN })).rejects.toMatchObject({ code: 'EINVAL' });
    } finally {
      await nc.close().catch(() => {});
      await srv.stop();
    }
  }, 30_000);
});

describe('jetStreamLog (a real nats-server -js)', () => {
  it('should detect the server\'s features', async () => {
    const l = await log();
    expect(l.features.version).toMatch(/^\d+\.\d+\.\d+/);
    if (l.features.version.startsWith('2.9.')) expect(l.features).toMatchObject({ atomicBatch: false, syncInterval: false, messageTtl: false });
  });

  it('should give a receiver started after the puts all of them, once, in order, and EOK to the sender', async () => {
    const l = await log();
    const a = node('a', l);
    const out = a.process().asyncConnect('orders', { durable: true, producerId: 'shop', codec: utf8, count: 10 });
    const taken: number[] = [];
    out.subscribe((d) => taken.push(d.err));
    let stored = 0;
    out.stored$.subscribe(() => stored++);
    for (let i = 1; i <= 50; i++) out.next(`o${i}`);
    out.flush({ wait: false }).subscribe();
    await until(() => stored === 50);
    const b = node('b', await log({ stream: l.stream, prefix: l.subjects.prefix }));
    const got: string[] = [];
    b.process().asyncChannel({ durable: 'orders', codec: utf8, maxNumBuffer: 8 }).subscribe((batch) => batch.forEach((m) => got.push(m.data)));
    await until(() => got.length >= 50 && taken.length >= 50);
    await sleep(300);
    expect(got).toEqual(Array.from({ length: 50 }, (_, i) => `o${i + 1}`));
    expect(taken).toEqual(new Array(50).fill(0));
  }, 30_000);

  it('should give a sender its reports after its connection to NATS was cut while they passed (they are stored)', async () => {
    const proxy = await pubAckProxy(server.url);
    try {
      const n = ++streams;
      const ncS = await connect({ servers: proxy.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
      const ncR = await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
      conns.push(ncS, ncR);
      const ls = await jetStreamLog(ncS, { stream: `T${n}`, prefix: `t${n}` });
      const lr = await jetStreamLog(ncR, { stream: `T${n}`, prefix: `t${n}` });
      const out = node('a', ls).process().asyncConnect('cut', { durable: true, producerId: 'shop', codec: utf8, count: 10 });
      const errs: number[] = [];
      out.subscribe((d) => errs.push(d.err));
      let stored = 0;
      out.stored$.subscribe(() => stored++);
      for (let i = 0; i < 20; i++) out.next(`m${i}`);
      await until(() => stored === 20);
      // the sender is away from NATS while the receiver takes everything and reports it
      proxy.cut(4000);
      const got: string[] = [];
      node('b', lr).process().asyncChannel({ durable: 'cut', codec: utf8 }).subscribe((batch) => batch.forEach((m) => got.push(m.data)));
      await until(() => got.length === 20);
      const jsm = await (await import('@nats-io/jetstream')).jetstreamManager(ncR);
      let reported = 0;
      for (const end = Date.now() + 3000; reported === 0 && Date.now() < end; await sleep(50)) reported = (await jsm.streams.info(`T${n}_REPORTS`)).state.messages;
      expect(reported).toBeGreaterThan(0);
      expect(ncS.isClosed()).toBe(false);
      // back: the reports stored meanwhile reach it, every put's callback runs, in order
      await until(() => errs.length === 20, 20_000);
      expect(errs).toEqual(Array<number>(20).fill(0));
      expect(got).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
    } finally {
      await proxy.close();
    }
  }, 40_000);

  it('should make a lost consumer again and go on', async () => {
    const l = await log();
    const b = node('b', l);
    const events: DurableEvent[] = [];
    const got: string[] = [];
    const inbox = b.process().asyncChannel({ durable: 'jobs', codec: utf8 });
    inbox.events$.subscribe((e) => events.push(e));
    inbox.subscribe((batch) => batch.forEach((m) => got.push(m.data)));
    const out = node('a', l).process().asyncConnect('jobs', { durable: true, codec: utf8 });
    out.next('one');
    await until(() => got.length === 1);
    const nc = await connect({ servers: server.url });
    conns.push(nc);
    const { jetstreamManager } = await import('@nats-io/jetstream');
    await (await jetstreamManager(nc)).consumers.delete(l.stream, 'jobs');
    await sleep(500);
    out.next('two');
    await until(() => got.length === 2, 15_000);
    expect(got).toEqual(['one', 'two']);
    expect(events.some((e) => e.type === 'consumer')).toBe(true);
  }, 30_000);

  it('should show a consumer stalled at MaxAckPending in stalls$', async () => {
    const l = await log();
    const b = node('b', l, { maxAckPending: 4, stallMs: 300 });
    const stalls: Stall[] = [];
    b.stalls({ threshold: 500 }).subscribe((s) => stalls.push(s));
    // a receiver that holds every batch and never releases it
    b.process({ name: 'slow' }).asyncChannel({ durable: 'slowq', codec: utf8, maxNumBuffer: 2 }).subscribe((batch) => { batch.hold!(); });
    const out = node('a', l).process().asyncConnect('slowq', { durable: true, codec: utf8 });
    for (let i = 0; i < 10; i++) out.next(`s${i}`);
    await until(() => stalls.some((s) => s.state === 'ACKLIMIT'), 15_000);
    expect(stalls.find((s) => s.state === 'ACKLIMIT')).toMatchObject({ name: 'slow/durable slowq', blocked: 'consumer slowq at its ack limit (4/4)' });
  }, 30_000);
});
