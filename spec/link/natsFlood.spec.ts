// Issue 20, a HELLO flood on NATS: a plain client publishes hellos of 5,000 random names, each
// twice (the bare name, and a well-formed hello with an invented epoch). Neither node makes a
// peer of them: with a key they fail their MAC; without, garbage is malformed and the node
// admits only `helloRate` unknown names per heartbeat period, asks each once (one sync, no
// responders) and forgets it. Memory stays bounded (NATS state, nodes(), netStats().peers), the
// names cost the server a bounded number of publishes, and the real peers' heartbeats stay on time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOUND, HB, KEY, MISSED, moved, pair, rogue, until, type Sniffed } from './natsPair.js';
import { startNatsServer, type NatsServer } from './natsServer.js';

let server: NatsServer;
beforeAll(async () => { server = await startNatsServer(); }, 20_000);
afterAll(async () => { await server?.stop(); });

let domains = 0;
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const NAMES = 5000;
const MAX_PEERS = 64;
const HELLO_RATE = 16;

describe.each([
  ['with a key', KEY],
  ['without a key', undefined],
] as const)('a HELLO flood of 5,000 forged names, %s', (_label, key) => {
  it('should make no peer of them, keep memory bounded and the real peers\' heartbeats on time', async () => {
    const domain = `flood${++domains}`;
    const r = await rogue(server.url, domain, ['f.>', 'hb.>']); // what the nodes publish to names, not the flood itself
    const p = await pair(server.url, domain, { ...(key === undefined ? {} : { key }), maxPeers: MAX_PEERS, helloRate: HELLO_RATE });
    try {
      const state = p.state();
      const events = { a: p.events.a.length, b: p.events.b.length };
      const before = { a: p.a.netStats().drops, b: p.b.netStats().drops };
      const seen = r.sniffed.length;
      const flood: Sniffed[] = [];
      for (let i = 0; i < NAMES; i++) {
        const name = `x${i.toString(36)}${Math.random().toString(36).slice(2, 8)}`;
        const hello = new Uint8Array(4 + 1 + name.length + (key === undefined ? 0 : 16));
        new DataView(hello.buffer).setUint32(0, (Math.random() * 0xffffffff) >>> 0 || 1, true);
        hello[4] = name.length;
        hello.set(enc(name), 5);
        flood.push({ subject: `rxnto.${domain}.hello`, data: hello }, { subject: `rxnto.${domain}.hello`, data: enc(name) });
      }
      // sampled while the flood lasts and after: NATS state, nodes, missed heartbeats
      let most = { nats: 0, nodes: 0, missed: 0 };
      const sample = (): void => {
        const missed = Math.max(...[p.a, p.b].flatMap((s) => s.netStats().peers.map((x) => x.missedBeats)));
        most = {
          nats: Math.max(most.nats, p.na.faults.peers().length, p.nb.faults.peers().length),
          nodes: Math.max(most.nodes, p.a.nodes().length, p.b.nodes().length, p.a.netStats().peers.length, p.b.netStats().peers.length),
          missed: Math.max(most.missed, missed),
        };
      };
      const sampler = setInterval(sample, 10);
      const t0 = Date.now();
      try {
        await r.publish(flood);
        // every bare name is malformed (or unauthenticated): when the last one is counted, all were read
        const last = key === undefined ? 'malformed' : 'unauthenticated';
        await until('both nodes read the flood', () => [p.a, p.b].every((s, i) => s.netStats().drops[last] - [before.a, before.b][i]![last] >= (key === undefined ? NAMES : 2 * NAMES)), 10_000);
        const elapsed = Date.now() - t0;
        // the names asked (one sync each, no responders) are forgotten at once; none is ever linked
        await until('only the real peers left', () => p.na.faults.peers().join() === 'b' && p.nb.faults.peers().join() === 'a', 2 * BOUND);
        sample();
        expect(most.nats).toBeLessThanOrEqual(MAX_PEERS);
        expect(most.nodes).toBe(1);
        // the flood, the rogue and both nodes share this process: the beats may come late, never past the bound
        expect(most.missed).toBeLessThan(MISSED);
        expect(p.events.a.slice(events.a)).toEqual([]);
        expect(p.events.b.slice(events.b)).toEqual([]);
        expect(p.state()).toEqual(state);
        // what the flood made the nodes publish: a sync to each admitted name, never a batch
        const toForged = r.sniffed.slice(seen).filter((m) => /\.(f|hb)\.x/.test(m.subject));
        expect(toForged.filter((m) => m.subject.includes('.f.'))).toEqual([]);
        const periods = Math.ceil((Date.now() - t0) / HB) + 1;
        expect(toForged.length).toBeLessThanOrEqual(2 * HELLO_RATE * periods);
        if (key === undefined) expect(toForged.length).toBeGreaterThan(0); // the admitted ones were asked
        for (const [s, b] of [[p.a, before.a], [p.b, before.b]] as const) {
          const got = moved(b, s.netStats().drops);
          if (key !== undefined) expect(got).toEqual({ unauthenticated: 2 * NAMES });
          else {
            expect(got.malformed).toBe(NAMES);
            expect(got['unknown-peer']).toBeGreaterThanOrEqual(NAMES - HELLO_RATE * (Math.ceil(elapsed / HB) + 1));
            expect(Object.keys(got).sort()).toEqual(['malformed', 'unknown-peer']);
          }
        }
        expect(await p.echo('after')).toBe('after!');
      } finally {
        clearInterval(sampler);
      }
    } finally {
      await p.close();
      await r.close();
    }
  }, 30_000);
});

describe('a rogue that answers the probes of forged names (no key)', () => {
  it('should link them (bounded), and forget them at the liveness bound when they never say HELLO', async () => {
    const domain = `flood${++domains}`;
    const r = await rogue(server.url, domain);
    const p = await pair(server.url, domain, { maxPeers: MAX_PEERS, helloRate: HELLO_RATE });
    try {
      const events = { a: p.events.a.length, b: p.events.b.length };
      // the rogue answers every sync to a ghost with a well-formed reply bound to its nonce
      const ghosts = Array.from({ length: 10 }, (_, i) => `ghost${i}`);
      r.nc.subscribe(`rxnto.${domain}.hb.*`, {
        callback: (_e, m) => {
          const name = m.subject.split('.').at(-1)!;
          if (!ghosts.includes(name) || m.data.length < 24) return;
          const req = new DataView(m.data.buffer, m.data.byteOffset, m.data.byteLength);
          const reply = new Uint8Array(32 + 1 + name.length);
          const dv = new DataView(reply.buffer);
          // sid, dst (the requester's stream), epoch, expected, floor, sentUpTo, the request's nonce
          [0x600d, req.getUint32(0, true), 0xbad, 1, 1, 0, req.getUint32(16, true), req.getUint32(20, true)].forEach((w, i) => dv.setUint32(i * 4, w, true));
          reply[32] = name.length;
          reply.set(enc(name), 33);
          m.respond(reply);
        },
      });
      await r.nc.flush();
      const t0 = Date.now();
      await r.publish(ghosts.map((g) => {
        const hello = new Uint8Array(4 + 1 + g.length);
        new DataView(hello.buffer).setUint32(0, 7, true);
        hello[4] = g.length;
        hello.set(enc(g), 5);
        return { subject: `rxnto.${domain}.hello`, data: hello };
      }));
      await until('the ghosts linked', () => p.a.nodes().length === 1 + ghosts.length);
      expect(p.a.nodes().filter((n) => n.node.startsWith('ghost')).every((n) => n.state === 'connecting')).toBe(true);
      // never a HELLO from them: the node closes their links ('handshake timeout') and forgets them, and so does the NATS layer
      await until('the ghosts forgotten', () => p.a.nodes().length === 1 && p.na.faults.peers().join() === 'b' && p.nb.faults.peers().join() === 'a', 2 * BOUND + 500);
      expect(Date.now() - t0).toBeLessThan(2 * BOUND + 500);
      expect(p.b.nodes().map((n) => n.node)).toEqual(['a']);
      expect(p.events.a.slice(events.a).filter((e) => e.startsWith('b '))).toEqual([]);
      expect(await p.echo('after')).toBe('after!');
    } finally {
      await p.close();
      await r.close();
    }
  }, 20_000);
});
