// Timing helpers for the benchmark: warm up, then the median of several timed samples.
import { performance } from 'node:perf_hooks';

/**
 * Ops per second of `fn(iterations)` (sync or async): median of `samples` runs after a warm-up.
 * @param {(n: number) => unknown} fn
 */
export async function opsPerSec(fn, { iterations = 100_000, samples = 7 } = {}) {
  await fn(Math.ceil(iterations / 10)); // warm-up: let the JIT settle
  const rates = [];
  for (let s = 0; s < samples; s++) {
    const t0 = performance.now();
    await fn(iterations);
    const ms = performance.now() - t0;
    rates.push((iterations / ms) * 1000);
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)];
}
