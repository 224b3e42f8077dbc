// Model-based death test (issue 10, R2): random sync and async traffic over 3 processes (sends,
// receives, replies, puts blocked on full rings, blocking flushes, gets, unblocks, timeouts) with
// a process or thread killed at any step. Checked after every step: a call of a live thread that
// waits on a dead process has ended; a dead thread's call never ends afterwards; no call ends
// twice; a put's callback runs at most once. At the end every process is killed (in a random
// order): every call has ended or belongs to a thread that died, so 0 calls are left pending.
// FC_SEED replays, FC_DEATH_RUNS sizes it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NP, NT, checkCalls, cmdArb, fail, killOrder, worldArb, type Call, type Cmd, type DeathStats, type DeathWorld } from './deathCommands.js';
import {
  CLOCK_MONOTONIC, Kernel, VirtualClock, _NTO_CHF_DISCONNECT, _NTO_CHF_UNBLOCK, _NTO_SIDE_CHANNEL, _NTO_TIMEOUT_REPLY,
  _NTO_TIMEOUT_SEND, isKernelError, type Process, type Thread,
} from '../../../src/kernel/index.js';

const RUNS = Number(process.env['FC_DEATH_RUNS'] ?? 1_500);
const SEED = Number(process.env['FC_SEED'] ?? Date.now() % 2 ** 31);



function run(w: DeathWorld, cmds: readonly Cmd[], stats: DeathStats): void {
  const clock = new VirtualClock();
  const kernel = new Kernel({ scheduler: clock, onUnhandledError: (e) => { throw e; } });
  const procs = Array.from({ length: NP }, (_, i) => kernel.createProcess({ name: `p${i}` }));
  const threads = procs.map((pr) => Array.from({ length: NT }, () => kernel.createThread(pr)));
  const ctl = procs.map((pr) => kernel.createThread(pr, { name: 'ctl' }));
  const chids = procs.map((_, i) => kernel.channelCreate(ctl[i]!, w.unblock[i] ? _NTO_CHF_UNBLOCK | _NTO_CHF_DISCONNECT : 0));
  const achids = procs.map((_, i) => kernel.asyncChannelCreate(ctl[i]!, 0, 0o666, 16, 4, null));
  // coids[from][to], acoids[from][to]
  const coids = procs.map((_, f) => procs.map((__, t) => kernel.connectAttach(ctl[f]!, 0, procs[t]!.pid, chids[t]!, _NTO_SIDE_CHANNEL, 0)));
  const acoids = procs.map((_, f) => procs.map((__, t) => kernel.asyncConnectAttach(ctl[f]!, 0, procs[t]!.pid, achids[t]!, 0, 0, {
    call_back: null, buffer_size: 16, max_num_buffer: w.ring, trigger_num_msg: w.count, trigger_time: { nsec: 0, interval_nsec: 0 },
  })));
  const rcvids: number[][] = procs.map(() => []);
  const calls: Call[] = [];
  const callbacks = new Map<number, number>();
  let handle = 1;

  const track = (what: string, thread: Thread, peer: Process | null) => {
    const c: Call = { what, thread, peer, ended: 0, endedAfterDeath: false };
    calls.push(c);
    stats.calls++;
    return (_err: number, value: number): void => {
      c.ended++;
      if (!thread.alive) c.endedAfterDeath = true;
      if (what === 'recv' && value > 0) rcvids[procs.indexOf(thread.process)]!.push(value);
    };
  };
  const attempt = (fn: () => void): void => {
    const n = calls.length;
    try {
      fn();
    } catch (e) {
      if (!isKernelError(e)) throw e;
      // refused at once: the call never blocked
      if (calls.length > n) {
        calls.length = n;
        stats.calls--;
      }
    }
  };
  const check = (step: string): void => checkCalls(step, calls, callbacks);

  cmds.forEach((c, i) => {
    const step = `step ${i} ${JSON.stringify(c)}`;
    if (c.t === 'advance') {
      clock.advanceBy(c.ms);
      check(step);
      return;
    }
    if (c.t === 'kill') {
      if (procs[c.p]!.alive) stats.deaths++;
      kernel.processExit(procs[c.p]!);
      check(step);
      return;
    }
    const t = threads[c.p]![c.th]!;
    const pi = c.p;
    if (!t.alive || !t.process.alive) return;
    switch (c.t) {
      case 'send':
        attempt(() => kernel.msgSend(t, coids[pi]![c.to]!, new Uint8Array([i]), new Uint8Array(4), track('send', t, procs[c.to]!)));
        break;
      case 'put': {
        const h = handle++;
        attempt(() => kernel.asyncPut(t, acoids[pi]![c.to]!, new Uint8Array([h]), h, (_e, _b, hh) => {
          callbacks.set(hh, (callbacks.get(hh) ?? 0) + 1);
        }, track('put', t, procs[c.to]!)));
        break;
      }
      case 'flush':
        attempt(() => kernel.asyncFlush(t, acoids[pi]![c.to]!, 0, track('flush', t, procs[c.to]!)));
        break;
      case 'recv':
        attempt(() => kernel.msgReceive(t, chids[pi]!, new Uint8Array(4), null, track('recv', t, null)));
        break;
      case 'get':
        attempt(() => { const done = track('get', t, null); kernel.asyncGet(t, achids[pi]!, 4, (err) => done(err, 0)); });
        break;
      case 'reply': {
        const r = rcvids[pi]!.shift();
        if (r !== undefined) attempt(() => kernel.msgReply(t, r, 0));
        break;
      }
      case 'unblock':
        kernel.unblock(t);
        break;
      case 'threadExit':
        kernel.threadExit(t);
        break;
      case 'timeout':
        attempt(() => kernel.timerTimeout(t, CLOCK_MONOTONIC, _NTO_TIMEOUT_SEND | _NTO_TIMEOUT_REPLY, null, c.ms * 1e6));
        break;
    }
    check(step);
  });
  // the end: every process dies, in an order the scenario picks
  const order = killOrder(NP, cmds.length);
  for (const i of order) {
    kernel.processExit(procs[i]!);
    check(`end: kill p${i}`);
  }
  clock.flush();
  const pending = calls.filter((c) => c.ended === 0 && c.thread.alive);
  if (pending.length > 0) fail(`${pending.length} calls left pending: ${pending.map((c) => c.what).join(', ')}`);
  stats.scenarios++;
}

describe('Kernel (death model)', () => {
  it(`should end every blocked call on a death, on ${RUNS} random scenarios`, () => {
    const stats: DeathStats = { scenarios: 0, calls: 0, deaths: 0 };
    console.log(`death model seed: ${SEED} (replay with FC_SEED=${SEED})`);
    fc.assert(
      fc.property(worldArb, fc.array(cmdArb, { minLength: 5, maxLength: 50 }), (w, cmds) => run(w, cmds, stats)),
      { numRuns: RUNS, seed: SEED },
    );
    console.log(`death model: ${stats.scenarios} scenarios, ${stats.calls} blocking calls, ${stats.deaths} process deaths mid-scenario, 0 left pending`);
    expect(stats.scenarios).toBeGreaterThanOrEqual(Math.min(RUNS, 1_000));
  });
});
