// Model-based test of asynchronous messaging (issue 4): random puts, gets, flushes, detaches and
// timer expiries over three sender processes. Checked: every accepted put completes exactly once,
// in put order per connection; each is delivered at most once, and exactly when its completion
// says so (err 0 or EMSGSIZE); a get takes whole runs of one connection in put order and never
// more than its limit; EAGAIN exactly when the ring is full. FC_SEED replays, FC_RUNS sizes it.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import {
  ERRNO, Kernel, VirtualClock, _NTO_CHF_ASYNC_NONBLOCK, _NTO_COF_NONBLOCK, isKernelError, type AsyncMessage,
} from '../../../src/kernel/index.js';

const RUNS = Number(process.env['FC_RUNS'] ?? 10_000);
const SEED = Number(process.env['FC_SEED'] ?? Date.now() % 2 ** 31);
const BUF = 8; // receiver buffer size: some puts are longer (EMSGSIZE)

type Cmd =
  | { t: 'put'; c: number; len: number }
  | { t: 'get'; limit: number }
  | { t: 'flush'; c: number }
  | { t: 'detach'; c: number }
  | { t: 'advance'; ms: number };

const connArb = fc.record({
  ring: fc.integer({ min: 2, max: 6 }),
  count: fc.integer({ min: 0, max: 3 }),
  time: fc.constantFrom(0, 0, 2, 5),
});
const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  { arbitrary: fc.record({ t: fc.constant('put' as const), c: fc.nat(5), len: fc.integer({ min: 1, max: 12 }) }), weight: 6 },
  { arbitrary: fc.record({ t: fc.constant('get' as const), limit: fc.integer({ min: 1, max: 6 }) }), weight: 3 },
  { arbitrary: fc.record({ t: fc.constant('flush' as const), c: fc.nat(5) }), weight: 2 },
  { arbitrary: fc.record({ t: fc.constant('detach' as const), c: fc.nat(5) }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 6 }) }), weight: 2 },
);

function fail(msg: string): never {
  throw new Error(msg);
}

function run(conns: Array<{ ring: number; count: number; time: number }>, maxGet: number, cmds: Cmd[]): void {
  const clock = new VirtualClock();
  const kernel = new Kernel({ scheduler: clock, onUnhandledError: (e) => { throw e; } });
  const rx = kernel.createThread(kernel.createProcess({ name: 'rx' }));
  const chid = kernel.asyncChannelCreate(rx, _NTO_CHF_ASYNC_NONBLOCK, 0o666, BUF, maxGet, null);
  const senders = [0, 1, 2].map((i) => kernel.createThread(kernel.createProcess({ name: `tx${i}` })));
  const state = conns.map((a, i) => {
    const t = senders[i % 3]!;
    const coid = kernel.asyncConnectAttach(t, 0, rx.process.pid, chid, 0, _NTO_COF_NONBLOCK, {
      call_back: null, buffer_size: 0, max_num_buffer: a.ring, trigger_num_msg: a.count, trigger_time: { nsec: a.time * 1e6, interval_nsec: 0 },
    });
    return { t, coid, ring: a.ring, alive: true, accepted: [] as number[], completed: [] as Array<[number, number]>, delivered: [] as number[] };
  });
  const byId = new Map<number, (typeof state)[number]>();
  let nextId = 1;
  const idOf = (m: AsyncMessage) => m.data[0]! | (m.data[1]! << 8);
  const outstanding = (s: (typeof state)[number]) => s.accepted.length - s.completed.length;

  const get = (limit: number): void => {
    let got: AsyncMessage[] = [];
    try {
      kernel.asyncGet(rx, chid, limit, (err, ms) => { if (err === 0) got = ms; });
    } catch (e) {
      if (!isKernelError(e) || e.code !== 'EAGAIN') throw e;
    }
    if (got.length > Math.min(limit, maxGet)) fail(`get of ${limit} returned ${got.length}`);
    const seen: number[] = [];
    for (const m of got) {
      const s = byId.get(idOf(m)) ?? fail(`unknown message ${idOf(m)}`);
      const i = state.indexOf(s);
      if (seen.length > 0 && seen.at(-1) !== i && seen.includes(i)) fail('a get interleaved connections');
      seen.push(i);
      const id = idOf(m);
      if (s.delivered.includes(id)) fail(`message ${id} delivered twice`);
      if (s.delivered.length > 0 && s.delivered.at(-1)! > id) fail('delivery out of put order');
      if ((m.err === ERRNO.EMSGSIZE) !== (m.srcmsglen > BUF)) fail('EMSGSIZE mismatch');
      s.delivered.push(id);
    }
  };

  for (const c of cmds) {
    const s = 'c' in c ? state[c.c % state.length]! : null;
    switch (c.t) {
      case 'put': {
        if (!s!.alive) break;
        const id = nextId++;
        const msg = new Uint8Array(Math.max(2, c.len));
        msg[0] = id & 0xff;
        msg[1] = id >> 8;
        const full = outstanding(s!) >= s!.ring - 1;
        try {
          kernel.asyncPut(s!.t, s!.coid, msg, id, (err, _b, h) => { s!.completed.push([h, err]); }, () => {});
          if (full) fail('a put on a full ring was accepted');
          s!.accepted.push(id);
          byId.set(id, s!);
        } catch (e) {
          if (!isKernelError(e) || e.code !== 'EAGAIN' || !full) throw e;
        }
        break;
      }
      case 'get': get(c.limit); break;
      case 'flush':
        if (s!.alive) kernel.asyncFlush(s!.t, s!.coid, 1, () => {});
        break;
      case 'detach':
        if (s!.alive) { kernel.asyncConnectDetach(s!.t, s!.coid); s!.alive = false; }
        break;
      case 'advance': clock.advanceBy(c.ms); break;
    }
  }
  // the end: flush and drain what is left, then detach
  for (const s of state) if (s.alive) kernel.asyncFlush(s.t, s.coid, 1, () => {});
  for (let i = 0; i < 100; i++) get(maxGet);
  for (const s of state) if (s.alive) kernel.asyncConnectDetach(s.t, s.coid);
  for (const s of state) {
    const handles = s.completed.map(([h]) => h);
    if (JSON.stringify(handles) !== JSON.stringify(s.accepted)) fail(`completions ${JSON.stringify(handles)} != puts ${JSON.stringify(s.accepted)}`);
    for (const [h, err] of s.completed) {
      const delivered = s.delivered.includes(h);
      if (delivered !== (err === 0 || err === ERRNO.EMSGSIZE)) fail(`put ${h}: completion ${err}, delivered ${delivered}`);
    }
  }
}

describe('asynchronous messaging (model-based)', () => {
  it(`should complete every put exactly once, in order, delivered at most once, on ${RUNS} random runs`, () => {
    console.log(`async model-based seed: ${SEED} (replay with FC_SEED=${SEED})`);
    fc.assert(
      fc.property(fc.array(connArb, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 6 }), fc.array(cmdArb, { minLength: 5, maxLength: 60, size: 'max' }), (conns, maxGet, cmds) => {
        run(conns, maxGet, cmds);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
