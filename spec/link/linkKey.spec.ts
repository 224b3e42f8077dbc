// Issue 20 over the loopback link in virtual time: authenticated frames (a link key) make forged,
// corrupted and replayed frames change nothing; without a key the same input can end a session,
// and the pair heals as a new one; remote root squashed; a paused node heals as a new session.
import { describe, expect, it } from 'vitest';
import { ERRNO as E, Kernel, VirtualClock, type NodeEvent } from '../../src/kernel/index.js';
import { F, textBytes } from '../../src/kernel/net/frames.js';
import { encodeFrame } from '../../src/kernel/net/frameWords.js';
import { connectLoopback, type LoopbackOptions } from '../../src/testing/index.js';
import { attach, proc, receive, send } from './harness.js';

const HB = 100;
const BOUND = 3 * HB;
const KEY = 'a domain key, 16 bytes or more';

function pair(options: LoopbackOptions = {}, net: { squashRemoteRoot?: boolean } = {}) {
  const clock = new VirtualClock();
  const node = (name: string, incarnation: number) => new Kernel({ scheduler: clock, net: { node: name, heartbeatMs: HB, missed: 3, incarnation, ...net }, onUnhandledError: (e) => { throw e; } });
  const a = node('a', 1);
  const b = node('b', 2);
  const events: string[] = [];
  for (const [n, k] of [['a', a], ['b', b]] as const) k.onNet((e) => { if (e.type === 'node') events.push(`${n}: ${(e.event as NodeEvent).state} ${e.event.reason}`); });
  const link = connectLoopback(a, b, { latency: 1, ...options });
  clock.advanceBy(5);
  return { clock, a, b, link, events };
}

/** A server on b that answers every message after `delay` ms, a client on a with a coid to it. */
function served(p: ReturnType<typeof pair>, delay = 0) {
  const s = proc(p.b, 'server', 0);
  const c = proc(p.a, 'client');
  const coid = attach(p.a, c.t, 'b', s.pid, s.chid);
  const serve = (): void => {
    const r = receive(p.b, s.t, s.chid);
    const poll = (): void => {
      if (!r.done.done) { p.clock.schedule(poll, 1); return; }
      if (r.done.err !== 0) return;
      p.clock.schedule(() => { p.b.msgReply(s.t, r.done.value!, 7, null); serve(); }, delay);
    };
    poll();
  };
  serve();
  return { s, c, coid };
}

const forgedHello = (from: string, nonce: number) =>
  encodeFrame({ kind: F.HELLO, flags: 0, seq: 0, ack: 0, srcInc: nonce, dstInc: 0, id: 0, body: [1 << 20, HB, 3, 99], payload: textBytes(from) });

describe('a link key (loopback)', () => {
  it('should drop forged, corrupted and replayed frames, count them, and change nothing: a call in flight is answered', () => {
    const p = pair({ key: KEY });
    const { c, coid } = served(p, 50);
    const out = send(p.a, c.t, coid, 'in flight');
    p.clock.advanceBy(3);
    p.link.inject('a', forgedHello('b', 1234));
    p.link.inject('b', forgedHello('a', 4321));
    // bit-flipped and truncated copies of what a sniffer saw
    const sniffed = p.link.sniffed('a');
    for (const f of sniffed) {
      const flipped = f.slice();
      flipped[5]! ^= 0x10;
      p.link.inject('a', flipped);
      p.link.inject('a', f.subarray(0, f.length - 3));
    }
    p.clock.advanceBy(HB + 5);
    p.link.replay('a', 3);
    p.link.replay('b', 3);
    p.clock.advanceBy(60);
    expect(out.done.err).toBe(0);
    expect(out.done.value).toBe(7);
    expect(p.events.filter((e) => !e.includes('up hello'))).toEqual([]); // no session ended
    expect(p.a.netStats().peers[0]!.sessions).toBe(1);
    const drops = { a: p.a.netStats().drops, b: p.b.netStats().drops };
    // 2 forged, a flipped and a truncated copy per sniffed frame, 6 replayed (a replayed forgery fails its MAC again)
    expect(drops.a.unauthenticated + drops.b.unauthenticated).toBeGreaterThanOrEqual(2 + 2 * sniffed.length);
    expect(drops.a.unauthenticated + drops.b.unauthenticated + drops.a.replayed + drops.b.replayed).toBe(2 + 2 * sniffed.length + 6);
  });

  it('should, without a key, let a forged HELLO end the session, settle every call, and heal as a new session', () => {
    const p = pair();
    const { c, coid } = served(p, 50);
    const out = send(p.a, c.t, coid, 'in flight');
    p.clock.advanceBy(3);
    p.link.inject('a', forgedHello('b', 1234)); // a takes it for b's new session
    p.clock.advanceBy(2 * BOUND);
    expect(out.done.err).toBe(E.EHOSTDOWN); // its session ended under it: settled, not lost
    expect(p.a.nodes()[0]!.state).toBe('up');
    expect(p.b.nodes()[0]!.state).toBe('up');
    expect(p.events).toContain('a: down restarted'); // the forged HELLO claimed another incarnation
    expect(p.events.filter((e) => e.endsWith('healed')).length).toBeGreaterThanOrEqual(1);
    // a new connection works in the new session
    const coid2 = attach(p.a, c.t, 'b', served(p).s.pid, 1);
    const again = send(p.a, c.t, coid2, 'again');
    p.clock.advanceBy(5);
    expect(again.done.err).toBe(0);
  });

  it('should take a frame corrupted on its way as a lost one: the session ends (a gap) and heals', () => {
    const p = pair({ key: KEY });
    p.link.corrupt(1);
    p.clock.advanceBy(2 * HB + 5);
    expect(p.a.netStats().drops.unauthenticated + p.b.netStats().drops.unauthenticated).toBe(1);
    expect(p.events.some((e) => e.endsWith('down sequence gap'))).toBe(true);
    p.clock.advanceBy(2 * BOUND);
    expect([p.a.nodes()[0]!.state, p.b.nodes()[0]!.state]).toEqual(['up', 'up']);
  });

  it('should refuse a key shorter than 16 bytes', () => {
    expect(() => pair({ key: 'short' })).toThrow(TypeError);
  });
});

describe('healing after a pause (loopback)', () => {
  it('should quarantine a peer paused past the bound, end its calls EHOSTDOWN, and be up again within 2× the bound of the resume', () => {
    const p = pair();
    const { c, coid } = served(p, 10_000); // the server holds the message
    const out = send(p.a, c.t, coid, 'held');
    p.clock.advanceBy(5);
    p.link.pause();
    p.clock.advanceBy(BOUND + HB);
    expect(out.done.err).toBe(E.EHOSTDOWN);
    expect(p.a.nodes()[0]!.state).toBe('down');
    p.link.resume();
    p.clock.advanceBy(2 * BOUND);
    expect(p.a.nodes()[0]!.state).toBe('up');
    expect(p.a.netStats().peers[0]!.sessions).toBe(2);
    expect(p.a.netStats().drops.replayed).toBeGreaterThan(0); // the paused session's backlog
  });

  it('should ride out a pause within the bound: nothing ends', () => {
    const p = pair();
    const { c, coid } = served(p);
    p.link.pause();
    const out = send(p.a, c.t, coid, 'waits');
    p.clock.advanceBy(BOUND - 2 * HB);
    p.link.resume();
    p.clock.advanceBy(10);
    expect(out.done.err).toBe(0);
    expect(p.events.filter((e) => !e.includes('up hello'))).toEqual([]);
  });
});

describe('netStats', () => {
  it('should report frames, bytes, round trips, missed beats and the window per peer', () => {
    const p = pair();
    const { c, coid } = served(p, 1000);
    send(p.a, c.t, coid, 'x');
    p.clock.advanceBy(2 * HB + 5);
    const s = p.a.netStats();
    expect(s.node).toBe('a');
    expect(s.framesOut).toBeGreaterThan(3);
    expect(s.framesIn).toBeGreaterThan(3);
    expect(s.bytesOut).toBeGreaterThan(s.framesOut * 32);
    expect(s.peers).toEqual([expect.objectContaining({ node: 'b', state: 'up', incarnation: 2, sessions: 1, rttMs: 2, missedBeats: 0, windowInUse: 0, window: 1024, held: 0 })]);
    p.link.sever();
    p.clock.advanceBy(2 * HB);
    expect(p.a.netStats().peers[0]!.missedBeats).toBe(2);
  });
});

describe('squashRemoteRoot', () => {
  for (const squash of [false, true]) {
    it(`should ${squash ? 'map a remote root client to uid 65534' : 'trust a remote root client (Qnet)'}`, () => {
      const p = pair({}, { squashRemoteRoot: squash });
      const s = proc(p.b, 'server', 0);
      const c = proc(p.a, 'root client', undefined, { uid: 0 });
      const coid = attach(p.a, c.t, 'b', s.pid, s.chid);
      const r = receive(p.b, s.t, s.chid);
      send(p.a, c.t, coid, 'who am I');
      p.clock.advanceBy(5);
      const info = { nd: 0, pid: 0, sid: 0, flags: 0, cred: { ruid: -1, euid: -1, suid: -1, rgid: -1, egid: -1, sgid: -1, ngroups: 0, grouplist: [] as number[] } };
      expect(p.b.connectClientInfo(s.t, r.info.scoid, info)).toBe(0);
      expect(info.cred.euid).toBe(squash ? 65534 : 0);
      expect(info.cred.egid).toBe(squash ? 65534 : 0);
    });
  }
});
