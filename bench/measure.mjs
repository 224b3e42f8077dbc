// Timing for the benchmark: a case and its baseline measured in alternating samples in one
// process, so that the machine's drift hits both alike; the ratio is the median of the per-sample
// ratios, with its interquartile range as the spread; the balanced ratio, the median of the
// geometric means of each pair's AB and BA samples (it cancels the position effect).
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
 * `a` against `b` (each `(n) => unknown`, sync or async), `samples` alternating samples of `n`
 * iterations after a warm-up (as JMH's, by time: both run, alternating, in rounds of `n / 5`
 * iterations, until each has run `warmupMs`; code called once per batch, such as a worker's batch
 * path, needs millions of messages before V8 has optimised all of it): a pair is one sample in the order AB and one in the order BA (the
 * order flips each sample). Returns the ops/s medians of both; the median, first and third
 * quartiles of the per-sample ratios `opsA / opsB` (`ratio`, `q1`, `q3`); and the same of the
 * balanced ratios (`balanced`, `bq1`, `bq3`), one per pair: the geometric mean of its AB and BA
 * ratios, which cancels a cost that falls on whichever runs first (an odd last sample is in
 * `ratio` only).
 */
export async function compare(a, b, { iterations = 100_000, samples = 15, warmupMs = 1500 } = {}) {
  const round = Math.ceil(iterations / 5);
  let wa = 0;
  let wb = 0;
  do {
    wa += await time(a, round);
    wb += await time(b, round);
  } while (wa < warmupMs || wb < warmupMs);
  const ratios = [];
  const balanced = [];
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
    if (s % 2 === 1) balanced.push(Math.sqrt(ratios[s - 1] * ratios[s]));
  }
  if (balanced.length === 0) balanced.push(ratios[0]);
  ratios.sort((x, y) => x - y);
  balanced.sort((x, y) => x - y);
  ra.sort((x, y) => x - y);
  rb.sort((x, y) => x - y);
  return {
    opsA: quantile(ra, 0.5), opsB: quantile(rb, 0.5),
    ratio: quantile(ratios, 0.5), q1: quantile(ratios, 0.25), q3: quantile(ratios, 0.75),
    balanced: quantile(balanced, 0.5), bq1: quantile(balanced, 0.25), bq3: quantile(balanced, 0.75),
  };
}
