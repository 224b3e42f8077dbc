// The durable asyncmsg row (issue 25): puts to a durable channel on JetStream (a count trigger of
// 100: each trigger publishes a batch of 100, stored before the next goes), timed until the log
// stored every put, against bare JetStream publishes of the same 64-byte payloads in the same
// shape (100 published, their acks awaited, then the next 100), on one stream of a nats-server
// -js started here (file storage in a temporary directory). No receiver: the row measures the
// sender's path to the store. `durableUnavailable()` says why the row cannot run (no nats-server).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom } from 'rxjs';
import { connect } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { createSystem } from 'rxnto';
import { jetStreamLog } from 'rxnto/nats';
import { natsServerUnavailable, startNatsServer } from './natsServer.mjs';

const PAYLOAD = 64;
const BATCH = 100;
const closers = [];
let server = null;

/** Why the durable row cannot run here, or null. */
export const durableUnavailable = natsServerUnavailable;

/** A nats-server with JetStream on a temporary store (one for both rows). */
async function jsServer() {
  if (server !== null) return server;
  const dir = mkdtempSync(join(tmpdir(), 'rxnto-bench-js-'));
  const { url, stop } = await startNatsServer(['-js', '-sd', dir]);
  closers.push(async () => { await stop(); rmSync(dir, { recursive: true, force: true }); });
  server = url;
  return server;
}

/** End the connections and the server the rows started. */
export async function closeDurable() {
  for (const close of closers.splice(0).reverse()) await close();
  server = null;
}

function lazily(setup, run) {
  let ready = null;
  return async (n) => run(await (ready ??= setup()), n);
}

/** One connection and the durable log's stream (both rows publish into it). */
async function logOn() {
  const nc = await connect({ servers: await jsServer() });
  closers.push(() => nc.close());
  const log = await jetStreamLog(nc, { stream: 'BENCH', prefix: 'bench' });
  return { nc, log };
}

/** nats.async.durable: puts to a durable channel (count trigger 100), until every one is stored. */
export function natsAsyncDurable() {
  return lazily(async () => {
    const { log } = await logOn();
    // no receiver takes them: past `maxUntaken` stored and untaken (default 65,536) a sender waits,
    // as it should; the row (warm-up and samples: ~80,000 puts) measures the path to the store
    const system = createSystem({ node: 'bench', net: { durable: { log, maxUntaken: 1_000_000 } } });
    const out = system.process().asyncConnect('bench', { durable: true, producerId: 'bench', count: BATCH, ringSize: 10 * BATCH + 1 });
    return { out, msg: new Uint8Array(PAYLOAD).fill(7) };
  }, async ({ out, msg }, n) => {
    for (let i = 0; i < n; i++) {
      try {
        out.next(msg);
      } catch (e) {
        if (e.code !== 'EAGAIN') throw e;
        // the ring is full: the store has not acknowledged the batches before; wait for them
        await firstValueFrom(out.flush(), { defaultValue: undefined });
        i--;
      }
    }
    // the last partial batch, then every put stored
    await firstValueFrom(out.flush(), { defaultValue: undefined });
  });
}

/** nats.raw.jetstream.publish: bare JetStream publishes of the same payloads, 100 at a time, each batch's acks awaited. */
export function natsRawJetStreamPublish() {
  return lazily(async () => {
    const { nc } = await logOn();
    return { js: jetstream(nc), msg: new Uint8Array(PAYLOAD).fill(7) };
  }, async ({ js, msg }, n) => {
    for (let done = 0; done < n; done += BATCH) {
      const batch = [];
      for (let i = 0; i < BATCH && done + i < n; i++) batch.push(js.publish('bench.d.raw', msg));
      await Promise.all(batch);
    }
  });
}
