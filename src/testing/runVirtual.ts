import type { VirtualClock } from '../kernel/scheduler.js';

/** Options of {@link runVirtual}. */
export interface RunVirtualOptions {
  /** Give up after this many timer steps (a program with a periodic timer never idles out). Default 1,000,000. */
  readonly maxSteps?: number;
}

/** Let every pending promise reaction run (one host macrotask turn). */
function idle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Run a Promise-based program (such as an `rxnto/neutrino` port) in virtual time: whenever the
 * program is idle, time jumps to the next pending timer of `clock`. A program that sleeps two
 * seconds finishes at once, with the same results and the same virtual timestamps.
 * Rejects if the program is idle with no timer pending (it would wait forever).
 *
 * @example
 * ```ts
 * const clock = new VirtualClock();
 * useKernel(createKernel({ scheduler: clock }));
 * await runVirtual(clock, async () => { await sleep(2); });
 * clock.now(); // 2000
 * ```
 */
export async function runVirtual<T>(clock: VirtualClock, main: () => Promise<T> | T, options: RunVirtualOptions = {}): Promise<T> {
  const maxSteps = options.maxSteps ?? 1_000_000;
  type Outcome = { ok: true; value: T } | { ok: false; error: unknown };
  const box: { outcome: Outcome | null } = { outcome: null };
  Promise.resolve()
    .then(main)
    .then(
      (value) => { box.outcome = { ok: true, value }; },
      (error: unknown) => { box.outcome = { ok: false, error }; },
    );
  for (let steps = 0; ; steps++) {
    await idle();
    const s = box.outcome;
    if (s !== null) {
      if (s.ok) return s.value;
      throw s.error;
    }
    if (steps >= maxSteps) throw new Error(`runVirtual: still running after ${maxSteps} timer steps`);
    if (!clock.runNext()) throw new Error('runVirtual: the program is blocked and no timer is pending (deadlock)');
  }
}
