// Issue 20, hostile input on NATS: a plain client of the server (the rogue) publishes on the
// domain's subjects what it can make: the forged 14-byte batch and forged byes of the issue,
// bit-flipped and truncated copies of messages it sniffed, and the sniffed messages themselves
// (replays, also of a node's earlier process). With a key, every one is dropped, counted, and
// changes nothing: no down event, the same peers and sessions, a call in flight answered.
// Without one, the nodes drop what they can tell apart, count it, and stay (or get back)
// connected within 2× the liveness bound.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSystem, type DropReason } from '../../src/index.js';
import { joinNats } from '../../src/link/nats/index.js';
import { BOUND, HB, KEY, MISSED, moved, pair, rogue, sleep, until, type Drops, type Sniffed } from './natsPair.js';
import { startNatsServer, type NatsServer } from './natsServer.js';

let server: NatsServer;
beforeAll(async () => { server = await startNatsServer(); }, 20_000);
afterAll(async () => { await server?.stop(); });

let domains = 0;
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Which of a and b a message on `subject` reaches. */
function reaches(subject: string): Array<'a' | 'b'> {
  const [, , kind, to] = subject.split('.');
  if (kind === 'f' || kind === 'hb') return [to as 'a' | 'b'];
  if (kind === 'svc') return ['b']; // b serves the names
  return ['a', 'b'];
}
const count = (msgs: readonly Sniffed[], node: 'a' | 'b'): number => msgs.filter((m) => reaches(m.subject).includes(node)).length;

describe.each([
  ['with a key', KEY],
  ['without a key', undefined],
] as const)('forged and replayed NATS messages, %s', (_label, key) => {
  const keyed = key !== undefined;

  async function setup() {
    const domain = `forged${++domains}`;
    const r = await rogue(server.url, domain); // sniffing before the nodes join: their hellos too
    const p = await pair(server.url, domain, key === undefined ? {} : { key });
    expect(await p.echo('warm')).toBe('warm!'); // batches both ways
    return { domain, r, p };
  }

  /**
   * Publish `attack` with a call from a to b REPLY-blocked, then check: the drops of each node
   * moved as `expect` says (waited for: that is when the attack has been handled), the call
   * settled, and the pair as the key promises.
   */
  async function attacked(s: Awaited<ReturnType<typeof setup>>, attack: readonly Sniffed[], drops: (node: 'a' | 'b') => Partial<Record<DropReason, number>>, exact = true) {
    const { r, p } = s;
    const pending = await p.hold('in flight');
    const state = p.state();
    const events = { a: p.events.a.length, b: p.events.b.length };
    const before = { a: p.a.netStats().drops, b: p.b.netStats().drops };
    const after = (node: 'a' | 'b'): Drops => (node === 'a' ? p.a : p.b).netStats().drops;
    const total = (d: Partial<Record<DropReason, number>>): number => Object.values(d).reduce((x, y) => x + y, 0);
    await r.publish(attack);
    for (const node of ['a', 'b'] as const) {
      await until(`${node} dropped the attack`, () => total(moved(before[node], after(node))) >= total(drops(node)), 3000);
    }
    await r.nc.flush(); // and anything it set off has had a round trip
    for (const node of ['a', 'b'] as const) {
      const got = moved(before[node], after(node));
      if (exact) expect(got, `drops on ${node}`).toEqual(drops(node));
      else for (const [reason, n] of Object.entries(drops(node))) expect(got[reason as DropReason] ?? 0, `${reason} drops on ${node}`).toBeGreaterThanOrEqual(n);
    }
    p.held.at(-1)!.reply('answered');
    const result = await pending.result;
    if (keyed) {
      expect(result).toBe('answered');
      await sleep(2 * HB); // two heartbeats each way: nothing follows either
      expect(p.events.a.slice(events.a)).toEqual([]);
      expect(p.events.b.slice(events.b)).toEqual([]);
      expect(p.state()).toEqual(state); // only the real peers, same state, same sessions
      expect(p.na.faults.peers()).toEqual(['b']);
      expect(p.nb.faults.peers()).toEqual(['a']);
    } else {
      expect(['answered', 'EHOSTDOWN']).toContain(result);
      await until('a and b up', p.upBoth, 2 * BOUND);
    }
    expect(await p.echo('after')).toBe('after!');
  }

  it('should drop the 14-byte batch and the byes a rogue forges, and keep a and b together', async () => {
    const s = await setup();
    try {
      const { domain, r } = s;
      const real = r.sniffed.find((m) => m.subject === `rxnto.${domain}.f.b`)!;
      const otherStream = real.data.slice();
      otherStream[0]! ^= 0x5a; // a well-formed batch "from a", of a stream b never verified
      const bye = new Uint8Array(4 + 2 + (keyed ? 16 : 0));
      bye.set([0x78, 0x56, 0x34, 0x12, 1, 0x61]); // "a leaves", with an epoch a never had
      const attack: Sniffed[] = [
        { subject: `rxnto.${domain}.f.b`, data: Uint8Array.from([0x78, 0x56, 0x34, 0x12, 0x01, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x61]) },
        { subject: `rxnto.${domain}.bye`, data: enc('a') },
        { subject: `rxnto.${domain}.bye`, data: bye },
        { subject: `rxnto.${domain}.f.b`, data: otherStream },
      ];
      // without a key: too short for any message (malformed), a bye of another process and a batch of
      // another stream (replayed: b asks a which stream is current, one probe); a reads its own name
      await attacked(s, attack, (node) => (keyed ? { unauthenticated: node === 'a' ? 2 : 4 } : node === 'a' ? { malformed: 2 } : { malformed: 2, replayed: 2 }));
    } finally {
      await s.p.close();
      await s.r.close();
    }
  }, 20_000);

  it('should drop bit-flipped copies of sniffed messages', async () => {
    const s = await setup();
    try {
      const copies = s.r.sniffed.map((m, i) => {
        const data = m.data.slice();
        data[(i * 7) % data.length]! ^= 1 << (i % 8);
        return { subject: m.subject, data };
      });
      // with a key, every one fails its MAC; without, each is what the flip made of it
      await attacked(s, copies, (node) => (keyed ? { unauthenticated: count(copies, node) } : {}), keyed);
    } finally {
      await s.p.close();
      await s.r.close();
    }
  }, 20_000);

  it('should drop truncated copies of sniffed messages', async () => {
    const s = await setup();
    try {
      const sniffed = s.r.sniffed.slice();
      const copies = [...sniffed.map((m) => ({ subject: m.subject, data: m.data.slice(0, -1) })), ...sniffed.map((m) => ({ subject: m.subject, data: m.data.slice(0, 3) }))];
      await attacked(s, copies, (node) => (keyed ? { unauthenticated: count(copies, node) } : { malformed: count(copies, node) }));
    } finally {
      await s.p.close();
      await s.r.close();
    }
  }, 20_000);

  it('should drop replayed messages: batches of the same stream, and everything of a node\'s earlier process (its bye too)', async () => {
    const s = await setup();
    const { domain, r, p } = s;
    try {
      // replays of this session: old batches are known by their numbers
      const now = r.sniffed.slice();
      const batches = (node: 'a' | 'b') => now.filter((m) => m.subject === `rxnto.${domain}.f.${node}`).length;
      await attacked(s, now, (node) => (keyed ? { replayed: batches(node) } : { duplicate: batches(node) }), false);
    } finally {
      await p.close();
    }
    try {
      // b leaves and comes back (a new process); then everything of the first one is replayed, its bye last
      const a = createSystem({ node: 'a', net: { heartbeatMs: HB, missed: MISSED } });
      const b = createSystem({ node: 'b', net: { heartbeatMs: HB, missed: MISSED } });
      const domain2 = `${domain}x`;
      const r2 = await rogue(server.url, domain2);
      const o = { servers: server.url, domain: domain2, ...(key === undefined ? {} : { key }) };
      const na = await joinNats(a, o);
      const nb1 = await joinNats(b, o);
      await until('a sees b', () => a.nodes().some((n) => n.node === 'b' && n.state === 'up'));
      await nb1.close();
      const b2 = createSystem({ node: 'b', net: { heartbeatMs: HB, missed: MISSED } });
      const nb2 = await joinNats(b2, o);
      try {
        await until('a sees the new b', () => a.nodes().some((n) => n.node === 'b' && n.state === 'up') && b2.nodes().some((n) => n.node === 'a' && n.state === 'up'));
        const firstLife = r2.sniffed.slice(0, r2.sniffed.findIndex((m) => m.subject.endsWith('.bye')) + 1);
        expect(firstLife.at(-1)!.subject).toBe(`rxnto.${domain2}.bye`);
        const events: string[] = [];
        a.nodes$.subscribe((e) => events.push(`${e.node} ${e.state} ${e.reason}`));
        const before = a.netStats().drops;
        await r2.publish(firstLife);
        await until('a dropped the first b\'s bye', () => (a.netStats().drops.replayed - before.replayed) >= 1 + firstLife.filter((m) => m.subject.endsWith('.f.a')).length, 3000);
        await r2.nc.flush();
        await sleep(2 * HB); // two heartbeats each way after it: nothing follows
        expect(events).toEqual([]);
        expect(a.nodes().find((n) => n.node === 'b')?.state).toBe('up');
        const got = moved(before, a.netStats().drops);
        expect(Object.keys(got).every((reason) => reason === 'replayed' || (!keyed && reason === 'duplicate'))).toBe(true);
      } finally {
        await na.close();
        await nb2.close();
        await r2.close();
      }
    } finally {
      await r.close();
    }
  }, 30_000);
});
