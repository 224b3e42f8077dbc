// One row of `npm run bench`, in a process of its own (bench/run.mjs starts one per row, as JMH
// forks a JVM per benchmark): the JIT's type feedback and the heap are this row's alone, so that a
// row's figures do not depend on the rows that ran before it in the same process. Its case and
// baselines still share this one process, in alternating samples (bench/measure.mjs).
// `node bench/row.mjs [--quick] --pair=CASE@BASELINE | --scale=CASE`: prints compare()'s
// result as one JSON line (a scale row: `{ mid, big }`, against 10 k and 100 k objects).
import { compare } from './measure.mjs';
import { closeServers, closeWorkers, rowsFor } from './rows.mjs';

const quick = process.argv.includes('--quick');
const arg = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? null;
// even: every sample is in a pair (AB and BA) for the balanced ratio
const SAMPLES = quick ? 8 : 16;
// each side warms up for this long first (bench/measure.mjs)
const WARMUP_MS = quick ? 300 : 1500;
const { baselines, cases, scales } = rowsFor(quick);

const pair = arg('pair');
const scale = arg('scale');
let result;
if (pair !== null) {
  const [name, baseline] = pair.split('@');
  const c = cases.find((x) => x.case === name);
  if (c === undefined || !c.baselines.includes(baseline)) throw new Error(`bench/row.mjs: no row ${pair}`);
  result = await compare(c.make(), baselines[baseline](), { ...c.options, samples: SAMPLES, warmupMs: WARMUP_MS });
} else if (scale !== null) {
  const s = scales.find((x) => x.case === scale);
  if (s === undefined) throw new Error(`bench/row.mjs: no scale row ${scale}`);
  const small = s.make(1);
  // cost ratio = ops(1) / ops(N): compare(small, big) gives opsSmall / opsBig
  const mid = await compare(small, s.make(10_000), { iterations: s.iterations, samples: SAMPLES, warmupMs: WARMUP_MS });
  const big = await compare(small, s.make(100_000), { iterations: s.iterations, samples: SAMPLES, warmupMs: WARMUP_MS });
  result = { mid, big };
} else {
  throw new Error('bench/row.mjs: give --pair=CASE@BASELINE or --scale=CASE');
}
await closeWorkers();
await closeServers();
// a handle left open by a row must not hang the run (the durable spec checks the exit itself)
process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
