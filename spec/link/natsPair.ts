// Helpers of the hostile-input NATS specs: two real nodes a and b joined through a real
// nats-server (b serves 'echo', answered at once, and 'hold', answered when the test says), and
// a rogue: a plain NATS client of the test that sniffs the domain's subjects and publishes on them.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { firstValueFrom } from 'rxjs';
import { createSystem, utf8, type DropReason, type ReceivedMessage, type System } from '../../src/index.js';
import { messages } from '../../src/operators/index.js';
import { joinNats, type NatsNetwork } from '../../src/link/nats/index.js';

/** The domain key of the keyed cases (the same on both nodes). */
export const KEY = 'a lab domain key: 32 bytes long!';
/** Heartbeat period and missed beats of the nodes: the liveness bound is their product. */
export const HB = 150;
export const MISSED = 6;
export const BOUND = HB * MISSED;

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Poll `ok` every 10 ms for at most `ms`. */
export async function until(what: string, ok: () => boolean, ms = 5000): Promise<void> {
  for (const end = Date.now() + ms; !ok();) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(10);
  }
}

export interface Sniffed {
  readonly subject: string;
  readonly data: Uint8Array;
}

/**
 * A plain client of the server: what it sniffed on `rxnto.<domain>.>` (from now on; or on the
 * subjects `sniff` names under `rxnto.<domain>.`), and publish.
 */
export async function rogue(url: string, domain: string, sniff: readonly string[] = ['>']) {
  const nc: NatsConnection = await connect({ servers: url });
  const sniffed: Sniffed[] = [];
  for (const s of sniff) nc.subscribe(`rxnto.${domain}.${s}`, { callback: (_e, m) => { sniffed.push({ subject: m.subject, data: m.data.slice() }); } });
  await nc.flush();
  return {
    nc,
    sniffed,
    /** Publish each, then wait until the server has them all. */
    async publish(msgs: readonly Sniffed[]): Promise<void> {
      for (const m of msgs) nc.publish(m.subject, m.data);
      await nc.flush();
    },
    close: () => nc.close(),
  };
}

export type Drops = Readonly<Record<DropReason, number>>;

/** Drops by reason since `before`, only the reasons that moved. */
export function moved(before: Drops, after: Drops): Partial<Record<DropReason, number>> {
  const out: Partial<Record<DropReason, number>> = {};
  for (const r of Object.keys(after) as DropReason[]) if (after[r] !== before[r]) out[r] = after[r] - before[r];
  return out;
}

export interface PairOptions {
  readonly key?: string;
  readonly probeMs?: number;
  readonly resendBytes?: number;
  readonly maxPeers?: number;
  readonly helloRate?: number;
}

/** Nodes a and b of `domain`, both up; every `nodes$` event of each kept as `<node> <state> <reason>`. */
export async function pair(url: string, domain: string, o: PairOptions = {}) {
  const net = { heartbeatMs: HB, missed: MISSED, ...(o.maxPeers === undefined ? {} : { maxPeers: o.maxPeers }), ...(o.helloRate === undefined ? {} : { helloRate: o.helloRate }) };
  const a = createSystem({ node: 'a', net });
  const b = createSystem({ node: 'b', net });
  const events = { a: [] as string[], b: [] as string[] };
  a.nodes$.subscribe((e) => events.a.push(`${e.node} ${e.state} ${e.reason}`));
  b.nodes$.subscribe((e) => events.b.push(`${e.node} ${e.state} ${e.reason}`));
  const join = (s: System): Promise<NatsNetwork> => joinNats(s, {
    servers: url, domain,
    ...(o.key === undefined ? {} : { key: o.key }),
    ...(o.probeMs === undefined ? {} : { probeMs: o.probeMs }),
    ...(o.resendBytes === undefined ? {} : { resendBytes: o.resendBytes }),
  });
  const na = await join(a);
  const nb = await join(b);
  const held: Array<ReceivedMessage<string, string>> = [];
  const server = b.process({ name: 'server' });
  server.attach('echo', { global: true, codec: utf8 }).pipe(messages()).subscribe((m) => m.reply(`${m.data}!`));
  server.attach('hold', { global: true, codec: utf8 }).pipe(messages()).subscribe((m) => { held.push(m); m.release(); });
  const upBoth = (): boolean => a.nodes().some((n) => n.node === 'b' && n.state === 'up') && b.nodes().some((n) => n.node === 'a' && n.state === 'up');
  await until('a and b up', upBoth);
  await until('b\'s names on a', () => a.kernel.net!.names.providers('hold').length > 0);
  return {
    a, b, na, nb, events, held, upBoth,
    /** One call from a to b's 'echo' (a new connection each time): its reply, or the error's code. */
    async echo(text = 'ping'): Promise<string> {
      try {
        const conn = await firstValueFrom(a.process().open('echo', { global: true, codec: utf8 }));
        return (await firstValueFrom(conn.send(text))).data;
      } catch (e) {
        return (e as { code?: string }).code ?? String(e);
      }
    },
    /** A call from a to b's 'hold', REPLY-blocked until the test answers `held`: (its reply or the error's code). */
    async hold(text: string): Promise<{ readonly result: Promise<string> }> {
      const conn = await firstValueFrom(a.process().open('hold', { global: true, codec: utf8 }));
      const n = held.length;
      const result = firstValueFrom(conn.send(text)).then((r) => r.data, (e: { code: string }) => e.code);
      await until('b holds the message', () => held.length > n);
      return { result };
    },
    /** What must not change under forged input: each side's peers, their state and sessions. */
    state(): string[] {
      return [a, b].flatMap((s) => s.netStats().peers.map((p) => `${s.netStats().node}→${p.node} ${p.state} ${p.sessions}`));
    },
    close: () => Promise.all([na.close(), nb.close()]),
  };
}
