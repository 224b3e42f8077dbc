// The death model (issue 10, R2) through the RxJS binding: the scenarios of the kernel's model
// (spec/kernel/property/deathCommands.ts) as sends, puts, flushes, receiving and getting
// subscribers. After every step, an Observable whose own process or whose peer is dead has
// ended (ESRCH, EBADF: the same rule for put and flush as for send); at the end, with every
// process killed, nothing is left pending.
import fc from 'fast-check';
import type { Subscription } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { VirtualClock, createSystem, type RxProcess } from '../../src/index.js';
import type { ReceivedMessage } from '../../src/rx/Received.js';
import { _NTO_CHF_DISCONNECT, _NTO_CHF_UNBLOCK, isKernelError } from '../../src/kernel/index.js';
import { NP, cmdArb, killOrder, worldArb, type Cmd, type DeathStats, type DeathWorld } from '../kernel/property/deathCommands.js';

const RUNS = Number(process.env['FC_DEATH_RUNS'] ?? 1_000);
const SEED = Number(process.env['FC_SEED'] ?? Date.now() % 2 ** 31);

interface Watched {
  readonly what: string;
  readonly owner: RxProcess;
  readonly peer: RxProcess | null;
  ended: boolean;
  dropped: boolean;
  sub: Subscription | null;
}

function fail(msg: string): never {
  throw new Error(msg);
}

function run(w: DeathWorld, cmds: readonly Cmd[], stats: DeathStats): void {
  const clock = new VirtualClock();
  const system = createSystem({ scheduler: clock, onUnhandledError: (e) => { throw e; } });
  const procs = Array.from({ length: NP }, (_, i) => system.process({ name: `p${i}` }));
  const chans = procs.map((p, i) => p.channel({ flags: w.unblock[i] ? _NTO_CHF_UNBLOCK | _NTO_CHF_DISCONNECT : 0 }));
  const inboxes = procs.map((p) => p.asyncChannel({ bufferSize: 16, maxNumBuffer: 4 }));
  const conns = procs.map((p) => chans.map((ch) => p.connect(ch)));
  const aconns = procs.map((p) => inboxes.map((ib) => p.asyncConnect(ib, { ringSize: w.ring, count: w.count })));
  const held: Array<Array<ReceivedMessage<Uint8Array, Uint8Array>>> = procs.map(() => []);
  const timeouts: Array<number | undefined> = procs.map(() => undefined);
  const watched: Watched[] = [];

  const watch = (what: string, owner: RxProcess, peer: RxProcess | null, subscribe: (o: object) => Subscription): void => {
    const x: Watched = { what, owner, peer, ended: false, dropped: false, sub: null };
    watched.push(x);
    stats.calls++;
    const end = (): void => {
      if (x.ended) fail(`${what} ended twice`);
      x.ended = true;
    };
    x.sub = subscribe({
      next: (v: unknown) => {
        if (what === 'recv' && typeof v === 'object' && v !== null && (v as { kind?: string }).kind === 'message') {
          held[procs.indexOf(owner)]!.push(v as ReceivedMessage<Uint8Array, Uint8Array>);
        }
      },
      error: (e: unknown) => {
        if (!isKernelError(e)) fail(`${what} errored with ${String(e)}`);
        end();
      },
      complete: end,
    });
  };
  const check = (step: string): void => {
    for (const x of watched) {
      if (x.ended || x.dropped) continue;
      if (!x.owner.process.alive) fail(`${step}: ${x.what} of dead pid ${x.owner.pid} did not end`);
      if (x.peer !== null && !x.peer.process.alive) fail(`${step}: ${x.what} still waits on dead pid ${x.peer.pid}`);
    }
  };

  for (const [i, c] of cmds.entries()) {
    const step = `step ${i} ${JSON.stringify(c)}`;
    if (c.t === 'advance') clock.advanceBy(c.ms);
    else if (c.t === 'kill') {
      if (procs[c.p]!.process.alive) stats.deaths++;
      procs[c.p]!.exit();
    } else {
      const me = procs[c.p]!;
      if (!me.process.alive) continue;
      switch (c.t) {
        case 'send': {
          const timeout = timeouts[c.p];
          timeouts[c.p] = undefined;
          watch('send', me, procs[c.to]!, (o) => conns[c.p]![c.to]!.send(new Uint8Array([i]), timeout === undefined ? {} : { timeout }).subscribe(o));
          break;
        }
        case 'put':
          watch('put', me, procs[c.to]!, (o) => aconns[c.p]![c.to]!.put(new Uint8Array([i])).subscribe(o));
          break;
        case 'flush':
          watch('flush', me, procs[c.to]!, (o) => aconns[c.p]![c.to]!.flush().subscribe(o));
          break;
        case 'recv':
          watch('recv', me, null, (o) => chans[c.p]!.subscribe(o));
          break;
        case 'get':
          watch('get', me, null, (o) => inboxes[c.p]!.subscribe(o));
          break;
        case 'reply': {
          const m = held[c.p]!.shift();
          try {
            m?.reply(new Uint8Array([1]));
          } catch (e) {
            if (!isKernelError(e) || e.code !== 'ESRCH') throw e;
          }
          break;
        }
        case 'unblock':
        case 'threadExit': {
          // an unsubscribe: the binding's unblock
          const mine = watched.filter((x) => x.owner === me && !x.ended && !x.dropped);
          const x = mine[c.th % Math.max(1, mine.length)];
          if (x !== undefined) {
            x.dropped = true;
            x.sub?.unsubscribe();
          }
          break;
        }
        case 'timeout':
          timeouts[c.p] = c.ms;
          break;
      }
    }
    check(step);
  }
  for (const i of killOrder(NP, cmds.length)) {
    procs[i]!.exit();
    check(`end: kill p${i}`);
  }
  clock.flush();
  const pending = watched.filter((x) => !x.ended && !x.dropped);
  if (pending.length > 0) fail(`${pending.length} left pending: ${pending.map((x) => x.what).join(', ')}`);
  stats.scenarios++;
}

describe('RxJS binding (death model)', () => {
  it(`should end every Observable on its own or its peer's death, on ${RUNS} random scenarios`, () => {
    const stats: DeathStats = { scenarios: 0, calls: 0, deaths: 0 };
    console.log(`Rx death model seed: ${SEED} (replay with FC_SEED=${SEED})`);
    fc.assert(
      fc.property(worldArb, fc.array(cmdArb, { minLength: 5, maxLength: 40 }), (w, cmds) => run(w, cmds, stats)),
      { numRuns: RUNS, seed: SEED },
    );
    console.log(`Rx death model: ${stats.scenarios} scenarios, ${stats.calls} Observables, ${stats.deaths} process deaths mid-scenario, 0 left pending`);
    expect(stats.scenarios).toBeGreaterThanOrEqual(Math.min(RUNS, 1_000));
  });
});
