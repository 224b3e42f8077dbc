// Issue 10 (R3), fuzz: every function rxnto/neutrino exports, called by a process of its own with
// random wrong values (wrong types, NaN, negatives, huge numbers, detached and foreign buffers,
// frozen out-parameters, ids of closed objects and of other processes). Asserted for each call:
// nothing is thrown and no Promise rejects (a C call answers -1/null/an errno); nothing reaches
// onUnhandledError but the fuzz's own throwing callbacks; a server's queued work (a SEND-blocked
// and a REPLY-blocked client) still completes; the calling process has no thread it did not ask for.
import fc from 'fast-check';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { Kernel, VirtualClock, emptyMsgInfo, isKernelError, type Process } from '../../src/kernel/index.js';
import { runAs } from '../../src/neutrino/context.js';
import * as C from '../../src/neutrino/index.js';
import { detached } from '../kernel/helpers.js';

const RUNS = Number(process.env['FC_FUZZ_RUNS'] ?? 100);
const SEED = Number(process.env['FC_SEED'] ?? Date.now() % 2 ** 31);

/** Not C calls: the module's set-up (which kernel is the default) and classes (exit's unwinding, the pool type). */
const NOT_CALLS = new Set(['useKernel', 'defaultKernel', 'createKernel', 'ProcessExit', 'thread_pool_t']);
/**
 * C macros and helpers with no errno (they fill or read the caller's own structs): given
 * something that is not one, they throw a typed error (TypeError, or KernelError EFAULT) at once,
 * having changed nothing.
 */
const MACROS = new Set([
  'SETIOV', 'SIGEV_PULSE_INIT', 'SIGEV_UNBLOCK_INIT', 'SIGEV_NONE_INIT', 'pulse_of', 'msg_type', 'strlen', '_RESMGR_ERRNO',
  '_RESMGR_NPARTS', 'iofunc_attr_init', 'iofunc_func_init', 'ND_NODE_CMP',
]);
/** Calls that start threads or processes when they succeed (their new threads are asked for). */
const STARTS_THREADS = new Set(['pthread_create', 'spawn', 'thread_pool_start', 'thread_pool_create', 'asyncmsg_put', 'asyncmsg_putv']);

class FuzzError extends Error {}


/** A world: server S with queued work, client C, and the fuzzing process F with ids of its own. */
function world() {
  const unhandled: unknown[] = [];
  const clock = new VirtualClock();
  const kernel = new Kernel({ scheduler: clock, onUnhandledError: (e) => unhandled.push(e) });
  const S = kernel.createProcess({ name: 'server' });
  const s = kernel.createThread(S);
  const chid = kernel.channelCreate(s, 0);
  const Cp = kernel.createProcess({ name: 'client' });
  const [c1, c2] = [kernel.createThread(Cp), kernel.createThread(Cp)];
  const coid = kernel.connectAttach(c1, 0, S.pid, chid, C._NTO_SIDE_CHANNEL, 0);
  const results: Array<[number, number]> = [];
  kernel.msgSend(c2, coid, new Uint8Array([2]), new Uint8Array(4), (e, v) => results.push([e, v]));
  let held = 0;
  kernel.msgReceive(s, chid, new Uint8Array(8), null, (_e, r) => { held = r; });
  kernel.msgSend(c1, coid, new Uint8Array([1]), new Uint8Array(4), (e, v) => results.push([e, v]));
  const F = kernel.createProcess({ name: 'fuzzer', uid: 0 });
  const f = kernel.createThread(F);
  const ids = runAs(kernel, f, () => {
    const own = C.ChannelCreate(0);
    const gone = C.ChannelCreate(0);
    C.ChannelDestroy(gone);
    const toS = C.ConnectAttach(0, S.pid, chid, C._NTO_SIDE_CHANNEL, 0);
    const closed = C.ConnectAttach(0, S.pid, chid, 0, 0);
    C.ConnectDetach(closed);
    const achid = C.asyncmsg_channel_create(0, 0o666, 16, 4, null, null);
    return [0, 1, -1, own, gone, toS, closed, achid, S.pid, Cp.pid, F.pid, held, chid, coid, 99, 1000];
  });
  return { kernel, clock, S, s, chid, Cp, F, f, held, results, unhandled, ids };
}

type World = ReturnType<typeof world>;

/** A value for one argument: an id of the world, or something wrong. */
const argArb: fc.Arbitrary<(w: World) => unknown> = fc.oneof(
  fc.nat(15).map((i) => (w: World) => w.ids[i]),
  fc.constantFrom<() => unknown>(
    () => Number.NaN, () => Number.POSITIVE_INFINITY, () => -Number.MAX_VALUE, () => 2 ** 31, () => 2 ** 53, () => -(2 ** 31) - 1,
    () => 1.5, () => -7, () => 10n, () => '', () => 'name', () => '/dev/name/local/x', () => null, () => undefined, () => ({}),
    () => Object.freeze({}), () => Object.seal(emptyMsgInfo()), () => emptyMsgInfo(), () => [], () => [new Uint8Array(4)],
    () => [{ iov_base: detached(), iov_len: 4 }], () => [{ iov_base: 5, iov_len: 'x' }], () => new Uint8Array(0), () => new Uint8Array(16),
    () => detached(), () => new DataView(new ArrayBuffer(4)), () => new Float64Array(2), () => () => 0,
    () => () => { throw new FuzzError('fuzz callback'); }, () => Symbol('s'), () => true,
  ),
);

const NAMES = Object.entries(C).filter(([n, v]) => typeof v === 'function' && !NOT_CALLS.has(n)).map(([n]) => n).sort();
const settle = (): Promise<void> => new Promise((r) => setImmediate(r));
const threadCount = (p: Process): number => p.threads.size;

async function fuzzOne(name: string, argFns: ReadonlyArray<(w: World) => unknown>): Promise<void> {
  const w = world();
  const fn = (C as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!;
  const args = argFns.map((a) => a(w));
  const before = threadCount(w.F);
  let result: unknown;
  let rejected: unknown = null;
  try {
    result = runAs(w.kernel, w.f, () => fn(...args));
  } catch (e) {
    const typed = MACROS.has(name) && (e instanceof TypeError || e instanceof RangeError || isKernelError(e));
    if (!typed && !(name === 'exit' && e instanceof C.ProcessExit)) throw new Error(`${name} threw ${String(e)}`, { cause: e });
  }
  if (result instanceof Promise) result.catch((e: unknown) => { rejected = e; });
  await settle();
  w.clock.advanceBy(10);
  await settle();
  if (rejected !== null && !(rejected instanceof C.ProcessExit)) throw new Error(`${name} rejected with ${String(rejected)}`);
  const foreign = w.unhandled.filter((e) => !(e instanceof FuzzError) && !(e instanceof C.ProcessExit));
  if (foreign.length > 0) throw new Error(`${name} reported ${String(foreign[0])}`);
  if (!MACROS.has(name) && typeof result === 'number' && Number.isNaN(result)) throw new Error(`${name} returned NaN`);
  // the server's queued work completes: the SEND-blocked client is received, both get replies
  const { kernel, s, chid } = w;
  let next = 0;
  for (let i = 0; i < 10 && next <= 0; i++) kernel.msgReceive(s, chid, new Uint8Array(8), null, (_e, r) => { next = r; });
  expect(next).toBeGreaterThan(0);
  kernel.msgReply(s, next, 11);
  kernel.msgReply(s, w.held, 12);
  expect(w.results).toEqual([[0, 11], [0, 12]]);
  // no thread appears that nobody asked for (a refused call leaves nothing behind)
  if (!STARTS_THREADS.has(name) && w.F.alive) expect(threadCount(w.F), `${name} leaked a thread`).toBeLessThanOrEqual(before);
}

describe('rxnto/neutrino (fuzz)', () => {
  // perror writes to stderr: keep the run's output readable
  beforeAll(() => { vi.spyOn(console, 'error').mockImplementation(() => {}); });

  it(`should fuzz all ${NAMES.length} exported functions`, () => {
    expect(NAMES.length).toBeGreaterThan(120);
  });

  it(`should never throw, corrupt queued work or leak threads, for ${RUNS} random argument lists per function`, async () => {
    console.log(`neutrino fuzz seed: ${SEED} (replay with FC_SEED=${SEED})`);
    let calls = 0;
    for (const name of NAMES) {
      await fc.assert(
        fc.asyncProperty(fc.array(argArb, { minLength: 0, maxLength: 8 }), async (argFns) => {
          calls++;
          await fuzzOne(name, argFns);
        }),
        { numRuns: RUNS, seed: SEED },
      );
    }
    console.log(`neutrino fuzz: ${calls} calls over ${NAMES.length} functions`);
  }, 300_000);
});
