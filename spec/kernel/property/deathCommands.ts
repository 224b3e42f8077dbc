// The commands of the death models (issue 10, R2), shared by the kernel, C facade and RxJS runs:
// sync and async traffic among 3 processes of 3 threads, with deaths at any step.
import fc from 'fast-check';
import type { Process, Thread } from '../../../src/kernel/index.js';

export const NP = 3;
export const NT = 3;

export type Cmd =
  | { t: 'send' | 'put' | 'flush'; p: number; th: number; to: number }
  | { t: 'recv' | 'get' | 'reply' | 'unblock' | 'threadExit'; p: number; th: number }
  | { t: 'timeout'; p: number; th: number; ms: number }
  | { t: 'kill'; p: number }
  | { t: 'advance'; ms: number };

const p = fc.nat(NP - 1);
const th = fc.nat(NT - 1);
export const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  { arbitrary: fc.record({ t: fc.constantFrom('send' as const, 'put' as const, 'flush' as const), p, th, to: p }), weight: 9 },
  { arbitrary: fc.record({ t: fc.constantFrom('recv' as const, 'get' as const, 'reply' as const), p, th }), weight: 7 },
  { arbitrary: fc.record({ t: fc.constantFrom('unblock' as const, 'threadExit' as const), p, th }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('timeout' as const), p, th, ms: fc.integer({ min: 1, max: 4 }) }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('kill' as const), p }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 3 }) }), weight: 1 },
);

/** Channel flags (UNBLOCK or not, per process) and the async connections' ring and count trigger. */
export interface DeathWorld {
  readonly unblock: readonly boolean[];
  readonly ring: number;
  readonly count: number;
}

export const worldArb: fc.Arbitrary<DeathWorld> = fc.record({
  unblock: fc.array(fc.boolean(), { minLength: NP, maxLength: NP }),
  ring: fc.integer({ min: 2, max: 4 }),
  count: fc.integer({ min: 0, max: 2 }),
});

/** What a run counted, for the closing line. */
export interface DeathStats {
  scenarios: number;
  calls: number;
  deaths: number;
}

/** The order the end of a scenario kills processes in (a permutation the scenario picks). */
export function killOrder(n: number, salt: number): number[] {
  return [...Array(n).keys()].sort((a, b) => ((salt * (a + 1)) % 7) - ((salt * (b + 1)) % 7));
}

/** A blocking call of a scenario, as the kernel and C runs watch it. */
export interface Call {
  readonly what: string;
  readonly thread: Thread;
  /** The process it waits on (its peer), or null when only its own process can end it. */
  readonly peer: Process | null;
  ended: number;
  endedAfterDeath: boolean;
}

export function fail(msg: string): never {
  throw new Error(msg);
}

/**
 * The rules checked after every step: no call ends twice; a dead thread's call never ends after
 * its death; a live thread's call that waits on a dead process has ended; a put is called back
 * at most once.
 */
export function checkCalls(step: string, calls: readonly Call[], callbacks: ReadonlyMap<number, number>): void {
  for (const c of calls) {
    if (c.ended > 1) fail(`${step}: ${c.what} ended ${c.ended} times`);
    if (c.endedAfterDeath) fail(`${step}: ${c.what} of a dead thread resumed`);
    if (c.ended === 0 && c.thread.alive && c.peer !== null && !c.peer.alive) fail(`${step}: ${c.what} still waits on dead pid ${c.peer.pid}`);
  }
  for (const [h, n] of callbacks) if (n > 1) fail(`${step}: put ${h} called back ${n} times`);
}
