// NATS rows: two nodes of this process linked through a nats-server started here (127.0.0.1,
// a free port), against bare @nats-io/transport-node requests and publishes on the same server.
// `natsUnavailable()` says why nats-server cannot be started (the rows are skipped then).
import { firstValueFrom } from 'rxjs';
import { connect } from '@nats-io/transport-node';
import { createSystem } from 'rxnto';
import { messages } from 'rxnto/operators';
import { joinNats } from 'rxnto/nats';
import { natsServerUnavailable, startNatsServer } from './natsServer.mjs';

const PAYLOAD = 64;
const closers = [];
let server = null;

/** Why the NATS rows cannot run here, or null. */
export const natsUnavailable = natsServerUnavailable;

async function natsServer() {
  if (server !== null) return server;
  const { url, stop } = await startNatsServer();
  closers.push(stop);
  server = url;
  return server;
}

/** End every connection, node and the server the rows started. */
export async function closeNats() {
  for (const close of closers.splice(0).reverse()) await close();
  server = null;
}

function lazily(setup, run) {
  let ready = null;
  return async (n) => run(await (ready ??= setup()), n);
}

let domains = 0;
/** The domain key of the keyed rows (both nodes hold it). */
const KEY = 'the bench domain key, 32 bytes!!';
async function twoNodes(key) {
  const url = await natsServer();
  const domain = `bench${++domains}`;
  const a = createSystem({ node: 'a' });
  const b = createSystem({ node: 'b' });
  const options = { servers: url, domain, ...(key === undefined ? {} : { key }) };
  const [na, nb] = await Promise.all([joinNats(a, options), joinNats(b, options)]);
  closers.push(() => na.close(), () => nb.close());
  const echo = b.process().attach('echo', { global: true });
  for (let i = 0; i < 4; i++) echo.pipe(messages()).subscribe((m) => m.replyBytes(m.bytes));
  while (a.kernel.net.names.providers('echo').length === 0) await new Promise((r) => setTimeout(r, 5));
  const conn = await firstValueFrom(a.process().open('echo', { global: true }));
  return { a, b, conn, msg: new Uint8Array(PAYLOAD).fill(7) };
}

const once = (conn, msg) => new Promise((resolve, reject) => conn.send(msg, { replySize: PAYLOAD }).subscribe({ next: resolve, error: reject }));

async function rawPair() {
  const url = await natsServer();
  const nc1 = await connect({ servers: url });
  const nc2 = await connect({ servers: url });
  closers.push(() => nc1.close(), () => nc2.close());
  const subject = `raw.echo.${++domains}`;
  const sub = nc2.subscribe(subject);
  void (async () => { for await (const m of sub) m.respond(m.data); })();
  await nc2.flush();
  return { nc: nc1, nc2, subject, msg: new Uint8Array(PAYLOAD).fill(7) };
}

/** nats.sync.roundtrip: a 64-byte send → reply between two nodes over NATS, one at a time. */
export function natsRoundtrip() {
  return lazily(() => twoNodes(), async ({ conn, msg }, n) => { for (let i = 0; i < n; i++) await once(conn, msg); });
}

/** nats.sync.roundtrip.keyed: the same with a domain key (every NATS message MACed and checked). */
export function natsRoundtripKeyed() {
  return lazily(() => twoNodes(KEY), async ({ conn, msg }, n) => { for (let i = 0; i < n; i++) await once(conn, msg); });
}

/** nats.raw.request: a bare request/reply of 64 bytes on the same server. */
export function natsRawRequest() {
  return lazily(rawPair, async ({ nc, subject, msg }, n) => { for (let i = 0; i < n; i++) await nc.request(subject, msg); });
}

/** nats.sync.inflight100: 100 sends in flight at a time. */
export function natsInflight100() {
  return lazily(() => twoNodes(), async ({ conn, msg }, n) => {
    for (let done = 0; done < n; done += 100) {
      const batch = [];
      for (let i = 0; i < 100 && done + i < n; i++) batch.push(once(conn, msg));
      await Promise.all(batch);
    }
  });
}

/** nats.raw.inflight100: 100 bare requests in flight at a time. */
export function natsRawInflight100() {
  return lazily(rawPair, async ({ nc, subject, msg }, n) => {
    for (let done = 0; done < n; done += 100) {
      const batch = [];
      for (let i = 0; i < 100 && done + i < n; i++) batch.push(nc.request(subject, msg));
      await Promise.all(batch);
    }
  });
}

/** nats.pulse.throughput: pulses from a to a channel on b, counted when received. */
export function natsPulses() {
  return lazily(async () => {
    const nodes = await twoNodes();
    const ch = nodes.b.process().channel();
    const state = { got: 0, target: 0, wake: null };
    ch.subscribe((item) => {
      if (item.kind !== 'pulse') return;
      state.got++;
      if (state.wake !== null && state.got >= state.target) state.wake();
    });
    const conn = nodes.a.process().connect(ch.address);
    return { conn, state };
  }, async ({ conn, state }, n) => {
    state.got = 0;
    state.target = n;
    const done = new Promise((resolve) => { state.wake = resolve; });
    for (let i = 0; i < n; i++) {
      try {
        conn.pulse(1, i);
      } catch (e) {
        if (e.code !== 'EAGAIN') throw e;
        // the credit window is full: let the receiver's CREDIT in (a turn of the event loop)
        await new Promise((r) => setImmediate(r));
        i--;
      }
    }
    if (state.got < n) await done;
    state.wake = null;
  });
}

/** nats.raw.publish: bare publishes to a subscriber, counted when received. */
export function natsRawPublish() {
  return lazily(async () => {
    const { nc, nc2 } = await rawPair();
    const subject = `raw.pulse.${++domains}`;
    const state = { got: 0, target: 0, wake: null };
    const sub = nc2.subscribe(subject);
    void (async () => { for await (const _ of sub) { state.got++; if (state.wake !== null && state.got >= state.target) state.wake(); } })();
    await nc2.flush();
    return { nc, subject, state, msg: new Uint8Array(8) };
  }, async ({ nc, subject, state, msg }, n) => {
    state.got = 0;
    state.target = n;
    const done = new Promise((resolve) => { state.wake = resolve; });
    for (let i = 0; i < n; i++) nc.publish(subject, msg);
    if (state.got < n) await done;
    state.wake = null;
  });
}
