// Issue 20 "every wait has a deadline" and "no permanent partition", as a property over the
// loopback link in virtual time: random fault schedules (pauses within and past the liveness
// bound, severed cables, dropped, duplicated, corrupted, replayed and forged frames, HELLO
// floods, a restarted node), with and without a link key. Every call settles within a bound the
// test computes from the liveness settings, and once the faults stop the two nodes are up again
// within 2× the bound and a new call is answered.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Kernel, VirtualClock, emptyMsgInfo, _NTO_SIDE_CHANNEL } from '../../src/kernel/index.js';
import { F, textBytes } from '../../src/kernel/net/frames.js';
import { encodeFrame } from '../../src/kernel/net/frameWords.js';
import { connectLoopback, type Loopback } from '../../src/testing/index.js';

const HB = 100;
const MISSED = 3;
const BOUND = HB * MISSED;
const RUNS = Number(process.env.HEAL_RUNS ?? 1000);
const SEED = 20261206;
const TASK_LIMIT = 100_000;

type Fault =
  | { kind: 'pause' | 'sever' | 'suspend'; at: number; ms: number }
  | { kind: 'drop' | 'duplicate' | 'corrupt'; at: number; n: number }
  | { kind: 'replay'; at: number; to: 'a' | 'b'; n: number }
  | { kind: 'forge' | 'flood'; at: number; to: 'a' | 'b'; nonce: number; seq: number }
  | { kind: 'restart'; at: number };

const at = fc.integer({ min: 0, max: 3000 });
const side = fc.constantFrom<'a' | 'b'>('a', 'b');
const fault: fc.Arbitrary<Fault> = fc.oneof(
  fc.record({ kind: fc.constantFrom<'pause' | 'sever' | 'suspend'>('pause', 'sever', 'suspend'), at, ms: fc.integer({ min: 10, max: 3 * BOUND }) }),
  fc.record({ kind: fc.constantFrom<'drop' | 'duplicate' | 'corrupt'>('drop', 'duplicate', 'corrupt'), at, n: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant<'replay'>('replay'), at, to: side, n: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constantFrom<'forge' | 'flood'>('forge', 'flood'), at, to: side, nonce: fc.integer({ min: 1, max: 0xffffffff }), seq: fc.integer({ min: 0, max: 40 }) }),
  fc.record({ kind: fc.constant<'restart'>('restart'), at }),
);
const scenario = fc.record({
  keyed: fc.boolean(),
  latency: fc.integer({ min: 0, max: 5 }),
  faults: fc.array(fault, { minLength: 1, maxLength: 6 }),
  calls: fc.array(fc.integer({ min: 0, max: 3500 }), { minLength: 1, maxLength: 12 }),
});

const KEY = 'sixteen-byte-key-for-the-tests';

function node(clock: VirtualClock, name: string, incarnation: number): Kernel {
  return new Kernel({ scheduler: clock, net: { node: name, heartbeatMs: HB, missed: MISSED, incarnation }, onUnhandledError: (e) => { throw e; } });
}

/** A server on `k` answering every message with its first byte + 1; its (pid, chid). */
function server(k: Kernel): { pid: number; chid: number } {
  const p = k.createProcess({ name: 'server' });
  const t = k.createThread(p);
  const chid = k.channelCreate(t, 0);
  const buf = new Uint8Array(16);
  const loop = (): void => {
    k.msgReceive(t, chid, buf, emptyMsgInfo(), (err, rcvid) => {
      if (err !== 0) return;
      if (rcvid > 0) k.msgReply(t, rcvid, 0, Uint8Array.of(buf[0]! + 1));
      loop();
    });
  };
  loop();
  return { pid: p.pid, chid };
}

/** A forged frame: a HELLO naming the real peer with an invented nonce, or a data frame of invented session numbers. */
function forged(f: { to: 'a' | 'b'; nonce: number; seq: number }, hello: boolean): Uint8Array {
  const from = f.to === 'a' ? 'b' : 'a';
  return hello
    ? encodeFrame({ kind: F.HELLO, flags: 0, seq: f.seq, ack: 0, srcInc: f.nonce, dstInc: 0, id: 0, body: [1 << 20, HB, MISSED, f.nonce], payload: textBytes(from) })
    : encodeFrame({ kind: F.PULSE, flags: 0, seq: f.seq, ack: 0, srcInc: f.nonce, dstInc: f.nonce ^ 1, id: 1, body: [1, 10, 7], payload: new Uint8Array(0) });
}

interface Outcome { start: number; end: number; err: number }

function run(s: { keyed: boolean; latency: number; faults: Fault[]; calls: number[] }): { outcomes: Outcome[]; end: number; healed: boolean; answered: number; limit: number } {
  const clock = new VirtualClock();
  // a runaway (a storm of frames or timers that never ends) fails the property instead of hanging it
  let tasks = 0;
  const schedule = clock.schedule.bind(clock);
  clock.schedule = (work, delay, state) => {
    if (++tasks > TASK_LIMIT) throw new Error(`more than ${TASK_LIMIT} tasks: a runaway`);
    return schedule(work, delay, state);
  };
  const a = node(clock, 'a', 0x0a);
  let b = node(clock, 'b', 0x0b);
  const options = { latency: s.latency, ...(s.keyed ? { key: KEY } : {}) };
  let link: Loopback = connectLoopback(a, b, options);
  let srv = server(b);
  const client = a.createProcess({ name: 'client' });
  const outcomes: Outcome[] = [];
  const call = (): Outcome => {
    const o: Outcome = { start: clock.now(), end: -1, err: -1 };
    outcomes.push(o);
    const t = a.createThread(client);
    let coid = -1;
    const settle = (err: number): void => {
      o.end = clock.now();
      o.err = err;
      if (coid >= 0) a.connectDetach(t, coid);
    };
    try {
      coid = a.connectAttach(t, a.netmgrStrtond('b').nd, srv.pid, srv.chid, _NTO_SIDE_CHANNEL, 0);
      a.msgSend(t, coid, Uint8Array.of(41), new Uint8Array(4), (err) => settle(err));
    } catch (e) {
      settle((e as { errno: number }).errno);
    }
    return o;
  };
  let lastFaultEnd = 0;
  for (const f of s.faults) {
    const end = f.at + ('ms' in f ? f.ms : 0);
    lastFaultEnd = Math.max(lastFaultEnd, end);
    clock.schedule(() => {
      switch (f.kind) {
        case 'pause': link.pause(); clock.schedule(() => link.resume(), f.ms); break;
        case 'sever': link.sever(); clock.schedule(() => link.resume(), f.ms); break;
        case 'suspend': link.suspend(); clock.schedule(() => link.resume(), f.ms); break;
        case 'drop': link.drop(f.n); break;
        case 'duplicate': link.duplicate(f.n); break;
        case 'corrupt': link.corrupt(f.n); break;
        case 'replay': link.replay(f.to, f.n); break;
        case 'forge': link.inject(f.to, forged(f, f.seq % 2 === 0)); break;
        case 'flood':
          for (let i = 0; i < 50; i++) link.inject(f.to, forged({ ...f, nonce: (f.nonce + i) >>> 0 || 1 }, true));
          break;
        case 'restart': {
          // b's process dies (its link closes) and a new b (a new incarnation) joins a
          link.close('b restarted');
          b = node(clock, 'b', b.net!.incarnation + 1);
          srv = server(b);
          link = connectLoopback(a, b, options);
          break;
        }
      }
    }, f.at);
  }
  for (const t of s.calls) clock.schedule(() => { call(); }, t);
  const end = Math.max(lastFaultEnd, ...s.calls);
  clock.advanceBy(end + 2 * BOUND + 10 * (s.latency + 1));
  const healed = a.nodes().some((n) => n.node === 'b' && n.state === 'up') && b.nodes().some((n) => n.node === 'a' && n.state === 'up');
  const last = call();
  clock.advanceBy(4 * (s.latency + 1));
  // the bound: the liveness bound after the last frame heard, one heartbeat to notice a gap, and the link's latency both ways
  const limit = BOUND + HB + 4 * (s.latency + 1);
  return { outcomes: outcomes.filter((o) => o !== last), end: clock.now(), healed, answered: last.err, limit };
}

describe('healing, as a property over random fault schedules (loopback, virtual time)', () => {
  it(`should settle every call within its bound and reconnect the nodes within 2× the liveness bound (${RUNS} schedules)`, () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const r = run(s);
        for (const o of r.outcomes) {
          expect(o.end, `a call started @${o.start} never settled`).toBeGreaterThanOrEqual(0);
          expect(o.end - o.start, `a call started @${o.start} settled @${o.end} (err ${o.err})`).toBeLessThanOrEqual(r.limit);
        }
        expect(r.healed).toBe(true);
        expect(r.answered).toBe(0);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
