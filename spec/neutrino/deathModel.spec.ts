// The death model (issue 10, R2) through rxnto/neutrino: the same random scenarios as the kernel's
// (spec/kernel/property/deathCommands.ts), made with the C calls. A call of a live thread that
// waits on a dead process resolves (-1 with errno); a dead thread's call never resolves; at the
// end, with every process killed, no call of a live thread is left pending.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Kernel, VirtualClock, type Process, type Thread } from '../../src/kernel/index.js';
import { runAs } from '../../src/neutrino/context.js';
import {
  ChannelCreate, ConnectAttach, MsgReceive, MsgReply, MsgSend, TimerTimeout, asyncmsg_channel_create, asyncmsg_connect_attach,
  asyncmsg_flush, asyncmsg_get, asyncmsg_put, CLOCK_MONOTONIC, _NTO_CHF_DISCONNECT, _NTO_CHF_UNBLOCK, _NTO_SIDE_CHANNEL,
  _NTO_TIMEOUT_REPLY, _NTO_TIMEOUT_SEND, errno, type _asyncmsg_connection_attr,
} from '../../src/neutrino/index.js';
import { NP, NT, checkCalls, cmdArb, fail, killOrder, worldArb, type Call, type Cmd, type DeathStats, type DeathWorld } from '../kernel/property/deathCommands.js';

const RUNS = Number(process.env['FC_DEATH_RUNS'] ?? 1_000);
const SEED = Number(process.env['FC_SEED'] ?? Date.now() % 2 ** 31);


const settle = (): Promise<void> => new Promise((r) => setImmediate(r));


async function run(w: DeathWorld, cmds: readonly Cmd[], stats: DeathStats): Promise<void> {
  const clock = new VirtualClock();
  const kernel = new Kernel({ scheduler: clock, onUnhandledError: (e) => { throw e; } });
  const procs = Array.from({ length: NP }, (_, i) => kernel.createProcess({ name: `p${i}` }));
  const threads = procs.map((pr) => Array.from({ length: NT }, () => kernel.createThread(pr)));
  const ctl = procs.map((pr) => kernel.createThread(pr, { name: 'ctl' }));
  const as = <R>(t: Thread, fn: () => R): R => runAs(kernel, t, fn);
  const chids = procs.map((_, i) => as(ctl[i]!, () => ChannelCreate(w.unblock[i] ? _NTO_CHF_UNBLOCK | _NTO_CHF_DISCONNECT : 0)));
  const achids = procs.map((_, i) => as(ctl[i]!, () => asyncmsg_channel_create(0, 0o666, 16, 4, null, null)));
  const attr: _asyncmsg_connection_attr = { call_back: null, buffer_size: 16, max_num_buffer: w.ring, trigger_num_msg: w.count, trigger_time: { nsec: 0, interval_nsec: 0 } };
  const coids = procs.map((_, f) => procs.map((__, t) => as(ctl[f]!, () => ConnectAttach(0, procs[t]!.pid, chids[t]!, _NTO_SIDE_CHANNEL, 0))));
  const acoids = procs.map((_, f) => procs.map((__, t) => as(ctl[f]!, () => asyncmsg_connect_attach(0, procs[t]!.pid, achids[t]!, 0, 0, attr))));
  const rcvids: number[][] = procs.map(() => []);
  const calls: Call[] = [];
  const callbacks = new Map<number, number>();
  let handle = 1;

  const track = (what: string, thread: Thread, peer: Process | null, p: Promise<unknown>): void => {
    const c: Call = { what, thread, peer, ended: 0, endedAfterDeath: false };
    calls.push(c);
    stats.calls++;
    p.then((v) => {
      c.ended++;
      if (!thread.alive) c.endedAfterDeath = true;
      if (what === 'recv' && typeof v === 'number' && v > 0) rcvids[procs.indexOf(thread.process)]!.push(v);
    }, (e: unknown) => fail(`${what} rejected: ${String(e)}`));
  };
  const check = (step: string): void => checkCalls(step, calls, callbacks);

  for (const [i, c] of cmds.entries()) {
    const step = `step ${i} ${JSON.stringify(c)}`;
    if (c.t === 'advance') clock.advanceBy(c.ms);
    else if (c.t === 'kill') {
      if (procs[c.p]!.alive) stats.deaths++;
      kernel.processExit(procs[c.p]!);
    } else {
      const t = threads[c.p]![c.th]!;
      const pi = c.p;
      if (!t.alive || !t.process.alive) continue;
      // a thread already blocked would be EDEADLK: C code cannot call from a blocked thread
      if (t.wait !== null && c.t !== 'unblock' && c.t !== 'threadExit' && c.t !== 'reply' && c.t !== 'timeout') continue;
      switch (c.t) {
        case 'send':
          track('send', t, procs[c.to]!, as(t, () => MsgSend(coids[pi]![c.to]!, new Uint8Array([i]), 1, new Uint8Array(4), 4)));
          break;
        case 'put': {
          const h = handle++;
          const cb = (_e: number, _b: unknown, hh: number): void => { callbacks.set(hh, (callbacks.get(hh) ?? 0) + 1); };
          track('put', t, procs[c.to]!, as(t, () => asyncmsg_put(acoids[pi]![c.to]!, new Uint8Array([h]), 1, h, cb)));
          break;
        }
        case 'flush':
          track('flush', t, procs[c.to]!, as(t, () => asyncmsg_flush(acoids[pi]![c.to]!, 0)));
          break;
        case 'recv':
          track('recv', t, null, as(t, () => MsgReceive(chids[pi]!, new Uint8Array(4), 4, null)));
          break;
        case 'get':
          track('get', t, null, as(t, () => asyncmsg_get(achids[pi]!)));
          break;
        case 'reply': {
          const r = rcvids[pi]!.shift();
          if (r !== undefined && as(t, () => MsgReply(r, 0, null, 0)) === -1 && as(t, errno) === 0) fail(`${step}: MsgReply -1 without errno`);
          break;
        }
        case 'unblock':
          kernel.unblock(t);
          break;
        case 'threadExit':
          kernel.threadExit(t);
          break;
        case 'timeout':
          as(t, () => TimerTimeout(CLOCK_MONOTONIC, _NTO_TIMEOUT_SEND | _NTO_TIMEOUT_REPLY, null, c.ms * 1e6, null));
          break;
      }
    }
    await settle();
    check(step);
  }
  for (const i of killOrder(NP, cmds.length)) {
    kernel.processExit(procs[i]!);
    await settle();
    check(`end: kill p${i}`);
  }
  clock.flush();
  await settle();
  const pending = calls.filter((c) => c.ended === 0 && c.thread.alive);
  if (pending.length > 0) fail(`${pending.length} calls left pending: ${pending.map((c) => c.what).join(', ')}`);
  stats.scenarios++;
}

describe('rxnto/neutrino (death model)', () => {
  it(`should resolve every blocked C call on a peer death and none of a dead thread, on ${RUNS} random scenarios`, async () => {
    const stats: DeathStats = { scenarios: 0, calls: 0, deaths: 0 };
    console.log(`C death model seed: ${SEED} (replay with FC_SEED=${SEED})`);
    await fc.assert(
      fc.asyncProperty(worldArb, fc.array(cmdArb, { minLength: 5, maxLength: 40 }), (w, cmds) => run(w, cmds, stats)),
      { numRuns: RUNS, seed: SEED },
    );
    console.log(`C death model: ${stats.scenarios} scenarios, ${stats.calls} blocking calls, ${stats.deaths} process deaths mid-scenario, 0 left pending`);
    expect(stats.scenarios).toBeGreaterThanOrEqual(Math.min(RUNS, 1_000));
  }, 120_000);
});
