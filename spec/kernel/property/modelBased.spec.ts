// Model-based test (issue 2): random command sequences over 3 processes, run against the kernel
// and against a simple reference model; every continuation the kernel fires must be the one the
// model predicts. Set FC_SEED to replay a failure; FC_RUNS to change the number of sequences.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import {
  CLOCK_MONOTONIC, ERRNO, Kernel, VirtualClock, _NTO_SIDE_CHANNEL, _NTO_TIMEOUT_RECEIVE, _NTO_TIMEOUT_SEND,
  isKernelError, type Thread,
} from '../../../src/kernel/index.js';
import { ReferenceModel, type MChan } from './referenceModel.js';

const NPROCS = 3;
const NTHREADS = 3;
const RUNS = Number(process.env['FC_RUNS'] ?? 10_000);
const SEED = Number(process.env['FC_SEED'] ?? Date.now() % 2 ** 31);

type Cmd =
  | { t: 'chan'; p: number }
  | { t: 'attach'; p: number; c: number }
  | { t: 'send'; p: number; th: number; k: number; prio: number }
  | { t: 'recv'; p: number; th: number; c: number }
  | { t: 'reply'; p: number; th: number; k: number }
  | { t: 'error'; p: number; th: number; k: number; e: number }
  | { t: 'pulse'; p: number; th: number; k: number; prio: number }
  | { t: 'detach'; p: number; k: number }
  | { t: 'destroy'; p: number; c: number }
  | { t: 'exit'; p: number }
  | { t: 'unblock'; p: number; th: number }
  | { t: 'timeout'; p: number; th: number; ms: number }
  | { t: 'advance'; ms: number };

const p = fc.nat(NPROCS - 1);
const th = fc.nat(NTHREADS - 1);
const k = fc.nat(7);
const prio = fc.integer({ min: 1, max: 40 });
const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  { arbitrary: fc.record({ t: fc.constant('chan' as const), p }), weight: 2 },
  { arbitrary: fc.record({ t: fc.constant('attach' as const), p, c: k }), weight: 3 },
  { arbitrary: fc.record({ t: fc.constant('send' as const), p, th, k, prio }), weight: 6 },
  { arbitrary: fc.record({ t: fc.constant('recv' as const), p, th, c: k }), weight: 6 },
  { arbitrary: fc.record({ t: fc.constant('reply' as const), p, th, k }), weight: 4 },
  { arbitrary: fc.record({ t: fc.constant('error' as const), p, th, k, e: fc.constantFrom(ERRNO.EOK, ERRNO.EIO, ERRNO.EINVAL, ERRNO.ERESTART) }), weight: 2 },
  { arbitrary: fc.record({ t: fc.constant('pulse' as const), p, th, k, prio }), weight: 3 },
  { arbitrary: fc.record({ t: fc.constant('detach' as const), p, k }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('destroy' as const), p, c: k }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('exit' as const), p }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('unblock' as const), p, th }), weight: 2 },
  { arbitrary: fc.record({ t: fc.constant('timeout' as const), p, th, ms: fc.integer({ min: 1, max: 5 }) }), weight: 2 },
  { arbitrary: fc.record({ t: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 4 }) }), weight: 2 },
);

function pick<T>(xs: readonly T[], i: number): T | undefined {
  return xs.length === 0 ? undefined : xs[i % xs.length];
}

/** Run one sequence; throws (with the step) on the first divergence from the model. */
function runSequence(cmds: readonly Cmd[]): void {
  const clock = new VirtualClock();
  const kernel = new Kernel({ scheduler: clock, onUnhandledError: (e) => { throw e; } });
  const model = new ReferenceModel(NPROCS, NTHREADS);
  const procs = Array.from({ length: NPROCS }, (_, i) => kernel.createProcess({ name: `p${i}` }));
  const threads: Thread[][] = procs.map((pr) => Array.from({ length: NTHREADS }, () => kernel.createThread(pr)));
  const allChans: MChan[] = [];
  const rcvids = new Map<number, number>();
  const completions = new Map<number, number>(); // send id → continuation calls
  const sendOwner = new Map<number, string>();
  let out: string[] = [];
  let nextId = 1;

  const sendDone = (key: string, id: number) => (err: number, value: number) => {
    completions.set(id, (completions.get(id) ?? 0) + 1);
    out.push(`S:${key}:${err}:${value}`);
  };
  const recvDone = (key: string, buf: Uint8Array) => (err: number, rcvid: number) => {
    if (err !== 0) { out.push(`R:${key}:${err}`); return; }
    const v = new DataView(buf.buffer);
    if (rcvid === 0) out.push(`R:${key}:0:p${v.getInt32(8, true)}`);
    else {
      const id = v.getInt32(0, true);
      rcvids.set(id, rcvid);
      out.push(`R:${key}:0:m${id}`);
    }
  };
  const thrown = (fn: () => void): number => {
    try { fn(); return 0; } catch (e) { if (isKernelError(e)) return e.errno; throw e; }
  };

  const step = (c: Cmd): void => {
    if (c.t === 'advance') { model.advance(c.ms); clock.advanceBy(c.ms); return; }
    if (!model.alive[c.p]) return;
    const mt = 'th' in c ? model.threads[c.p]![c.th]! : null;
    const kt = 'th' in c ? threads[c.p]![c.th]! : threads[c.p]![0]!;
    const free = mt === null || mt.blocked === null;
    switch (c.t) {
      case 'chan': {
        const chid = kernel.channelCreate(kt, 0);
        model.channel(c.p, chid);
        allChans.push(model.chans[c.p]!.at(-1)!);
        return;
      }
      case 'attach': {
        const ch = pick(allChans.filter((x) => x.alive), c.c);
        if (ch === undefined) return;
        const coid = kernel.connectAttach(kt, 0, procs[ch.owner]!.pid, ch.chid, _NTO_SIDE_CHANNEL, 0);
        model.attach(c.p, coid, ch);
        return;
      }
      case 'send': {
        const co = pick(model.coids[c.p]!, c.k);
        if (co === undefined || !free) return;
        const id = nextId++;
        sendOwner.set(id, mt!.key);
        kernel.setPriority(kt, c.prio);
        const msg = new Uint8Array(4);
        new DataView(msg.buffer).setInt32(0, id, true);
        const expected = model.send(mt!, co, id, c.prio);
        const got = thrown(() => kernel.msgSend(kt, co.coid, msg, new Uint8Array(4), sendDone(mt!.key, id)));
        if (got !== expected) throw new Error(`send errno ${got}, model ${expected}`);
        if (expected !== 0) { mt!.blocked = null; completions.set(id, 1); }
        return;
      }
      case 'recv': {
        const ch = pick(model.chans[c.p]!, c.c);
        if (ch === undefined || !free) return;
        const buf = new Uint8Array(16);
        model.receive(mt!, ch);
        kernel.msgReceive(kt, ch.chid, buf, null, recvDone(mt!.key, buf));
        return;
      }
      case 'reply':
      case 'error': {
        const w = pick(model.outstanding(c.p), c.k);
        if (w === undefined || !free) return;
        const rcvid = rcvids.get(w.id)!;
        if (c.t === 'reply') {
          model.reply(w, 0, w.id);
          kernel.msgReply(kt, rcvid, w.id);
        } else {
          model.reply(w, c.e, 0, c.e === ERRNO.ERESTART);
          kernel.msgError(kt, rcvid, c.e);
        }
        return;
      }
      case 'pulse': {
        const co = pick(model.coids[c.p]!, c.k);
        if (co === undefined) return;
        const id = nextId++;
        const expected = model.pulse(co, id, c.prio);
        const got = thrown(() => kernel.msgSendPulse(kt, co.coid, c.prio, 1, id));
        if (got !== expected) throw new Error(`pulse errno ${got}, model ${expected}`);
        return;
      }
      case 'detach': {
        const co = pick(model.coids[c.p]!, c.k);
        if (co === undefined) return;
        model.detach(c.p, model.coids[c.p]!.indexOf(co));
        kernel.connectDetach(kt, co.coid);
        return;
      }
      case 'destroy': {
        const ch = pick(model.chans[c.p]!, c.c);
        if (ch === undefined) return;
        model.destroy(ch);
        kernel.channelDestroy(kt, ch.chid);
        return;
      }
      case 'exit':
        model.exit(c.p);
        kernel.processExit(procs[c.p]!);
        return;
      case 'unblock':
        model.unblock(mt!);
        kernel.unblock(kt);
        return;
      case 'timeout':
        if (!free) return;
        mt!.armed = c.ms;
        kernel.timerTimeout(kt, CLOCK_MONOTONIC, _NTO_TIMEOUT_SEND | _NTO_TIMEOUT_RECEIVE, null, c.ms * 1e6);
        return;
    }
  };

  const check = (what: string): void => {
    const got = [...out].sort();
    const want = [...model.out].sort();
    out = [];
    model.out = [];
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      throw new Error(`${what}: kernel fired ${JSON.stringify(got)}, model predicts ${JSON.stringify(want)}`);
    }
  };

  // preamble: one channel per process, and every process connected to every channel
  for (let i = 0; i < NPROCS; i++) step({ t: 'chan', p: i });
  for (let i = 0; i < NPROCS; i++) for (let j = 0; j < NPROCS; j++) step({ t: 'attach', p: i, c: j });
  check('preamble');
  cmds.forEach((c, i) => { step(c); check(`step ${i} ${JSON.stringify(c)}`); });
  // the end: every server goes away, so every thread still blocked must be released
  for (let i = 0; i < NPROCS; i++) {
    if (!model.alive[i]) continue;
    for (const ch of [...model.chans[i]!]) { model.destroy(ch); kernel.channelDestroy(threads[i]![0]!, ch.chid); }
  }
  check('final destroy');
  for (let i = 0; i < NPROCS; i++) {
    for (let j = 0; j < NTHREADS; j++) {
      const kt = threads[i]![j]!;
      if (kt.alive && kt.wait !== null) throw new Error(`thread ${i}.${j} still blocked at the end`);
    }
  }
  for (const [id, key] of sendOwner) {
    const [pi] = key.split('.').map(Number);
    const n = completions.get(id) ?? 0;
    if (model.alive[pi!] ? n !== 1 : n > 1) throw new Error(`send ${id} of ${key} completed ${n} times`);
  }
}

describe('Kernel (model-based)', () => {
  it(`should match the reference model on ${RUNS} random sequences over ${NPROCS} processes`, () => {
    console.log(`model-based seed: ${SEED} (replay with FC_SEED=${SEED})`);
    fc.assert(fc.property(fc.array(cmd, { minLength: 10, maxLength: 60, size: 'max' }), (cmds) => { runSequence(cmds); }), {
      numRuns: RUNS,
      seed: SEED,
    });
  });
});
