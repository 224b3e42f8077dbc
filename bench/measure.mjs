// Timing for the benchmark: a case and its baseline measured in alternating samples in one
// process, so that the machine's drift hits both alike; the ratio is the median of the per-sample
// ratios, with its interquartile range as the spread.
import { performance } from 'node:perf_hooks';

async function time(fn, n) {
  const t0 = performance.now();
  await fn(n);
  return performance.now() - t0;
}

const quantile = (sorted, q) => {
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (i - lo);
};

/**
 * `a` against `b` (each `(n) => unknown`, sync or async), `samples` alternating pairs of `n`
 * iterations (the order flips each pair) after a warm-up. Returns ops/s medians of both and the
 * median, first and third quartiles of the per-pair ratios `opsA / opsB`.
 */
export async function compare(a, b, { iterations = 100_000, samples = 15 } = {}) {
  await a(Math.ceil(iterations / 5));
  await b(Math.ceil(iterations / 5));
  const ratios = [];
  const ra = [];
  const rb = [];
  for (let s = 0; s < samples; s++) {
    let ta;
    let tb;
    if (s % 2 === 0) {
      ta = await time(a, iterations);
      tb = await time(b, iterations);
    } else {
      tb = await time(b, iterations);
      ta = await time(a, iterations);
    }
    ra.push((iterations / ta) * 1000);
    rb.push((iterations / tb) * 1000);
    ratios.push(tb / ta);
  }
  ratios.sort((x, y) => x - y);
  ra.sort((x, y) => x - y);
  rb.sort((x, y) => x - y);
  return { opsA: quantile(ra, 0.5), opsB: quantile(rb, 0.5), ratio: quantile(ratios, 0.5), q1: quantile(ratios, 0.25), q3: quantile(ratios, 0.75) };
}
