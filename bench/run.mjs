// npm run bench: every case against its baselines, each row in a process of its own (bench/row.mjs;
// the rows: bench/rows.mjs), the case and its baseline in alternating samples in that process
// (bench/measure.mjs): a pair of samples is one in the order case-then-baseline and one in the
// order baseline-then-case. Each row: the median of the per-sample ratios with its first and
// third quartiles (q1..q3), and the balanced ratio: the median of the pairs' geometric means of
// their two ratios (it cancels a cost that falls on whichever of a pair runs first: the worker
// rows show one), with its quartiles. Verdicts use the balanced ratio: a goal `>= g` is met when
// balanced_q1 >= g, missed when balanced_q3 < g, too wide to judge otherwise (`<= g`, the scale
// rows: the mirror). Every baseline, the floors included (raw.sab.*: bare SharedArrayBuffer
// rings, cases/sab.mjs), is measured in the same run, in the same samples as its case.
// `npm run bench -- --quick` takes fewer, shorter samples (and writes no results.json);
// `-- --only=TERM[,TERM…]` runs only the rows whose case contains a TERM (with all their
// baselines) or, for the rest, the baselines that contain one (`--only=raw.sab`: each case
// against its floor), and writes no results.json.
// Prints a table and writes bench/results.json: per row case, ops_per_sec, baseline,
// baseline_ops_per_sec, ratio, spread (q3 - q1), q1, q3, balanced, balanced_q1, balanced_q3,
// goal, verdict (and ratio_10k for the scale rows), then the memory row.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { natsUnavailable, rowsFor } from './rows.mjs';
import { memoryCase } from './memory.mjs';

const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',').filter((t) => t !== '') ?? null;
const picked = (name) => only === null || only.some((t) => name.includes(t));
/** The baselines of a row to run: all when its case is picked, else those picked themselves. */
const pickedBaselines = (c) => (picked(c.case) ? c.baselines : c.baselines.filter(picked));
const SAMPLES = quick ? 8 : 16;
const { cases, scales } = rowsFor(quick);
const rowScript = fileURLToPath(new URL('./row.mjs', import.meta.url));

/** How long a row may take: one that hangs is killed, and the run fails naming it. */
const ROW_TIMEOUT_MS = 5 * 60_000;

/** compare()'s result for one row, measured in a process of its own (bench/row.mjs). */
function inProcess(arg) {
  let out;
  try {
    out = execFileSync(process.execPath, [rowScript, ...(quick ? ['--quick'] : []), arg], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: ROW_TIMEOUT_MS });
  } catch (e) {
    const why = e.signal === 'SIGTERM' ? `did not end within ${ROW_TIMEOUT_MS / 60_000} min` : `failed (${e.status ?? e.signal})`;
    throw new Error(`bench row ${arg} ${why}`, { cause: e });
  }
  return JSON.parse(out.trim().split('\n').at(-1));
}

/**
 * 'met', 'missed' or 'too wide to judge', for a balanced ratio (`r.balanced` within `r.bq1..r.bq3`)
 * that should be at least (or, with `atMost`, at most) `goal`; '' without a goal.
 */
function verdict(r, goal, atMost = false) {
  if (goal === null) return '';
  const [lo, hi] = atMost ? [-r.bq3, -r.bq1] : [r.bq1, r.bq3];
  const g = atMost ? -goal : goal;
  return lo >= g ? 'met' : hi < g ? 'missed' : 'too wide to judge';
}

/** The figures of a row from compare()'s result. */
const figures = (r) => ({
  ratio: round(r.ratio), spread: round(r.q3 - r.q1), q1: round(r.q1), q3: round(r.q3),
  balanced: round(r.balanced), balanced_q1: round(r.bq1), balanced_q3: round(r.bq3),
});

const results = [];
const started = Date.now();
const progress = (name) => { if (process.stderr.isTTY || process.env.BENCH_PROGRESS) process.stderr.write(`${((Date.now() - started) / 1000).toFixed(0)}s ${name}\n`); };
for (const c of cases) {
  for (const b of pickedBaselines(c)) {
    progress(`${c.case} / ${b}`);
    const r = inProcess(`--pair=${c.case}@${b}`);
    const goal = c.goal[b] ?? null;
    results.push({ case: c.case, ops_per_sec: Math.round(r.opsA), baseline: b, baseline_ops_per_sec: Math.round(r.opsB), ...figures(r), goal: goal === null ? null : `>= ${goal}`, verdict: verdict(r, goal) });
  }
}
if (natsUnavailable() !== null) console.log(`NATS rows skipped: ${natsUnavailable()}`);
for (const s of scales.filter((x) => picked(x.case))) {
  progress(s.case);
  const { mid, big } = inProcess(`--scale=${s.case}`);
  results.push({
    case: s.case, ops_per_sec: Math.round(big.opsB), baseline: `${s.case}@1`, baseline_ops_per_sec: Math.round(big.opsA),
    ...figures(big), ratio_10k: round(mid.ratio), goal: '<= 3', verdict: verdict(big, 3, true),
  });
}

function round(x) {
  return Number(x.toFixed(3));
}

const fmt = (n) => n.toLocaleString('en-US');
const span = (m, lo, hi) => `${m.toFixed(3)} (${lo.toFixed(3)}..${hi.toFixed(3)})`;
const rows = [['case', 'ops/s', 'baseline', 'ratio (q1..q3)', 'balanced (q1..q3)', 'goal', 'verdict']].concat(
  results.map((r) => [r.case, fmt(r.ops_per_sec), r.baseline, span(r.ratio, r.q1, r.q3), span(r.balanced, r.balanced_q1, r.balanced_q3), r.goal ?? '', r.verdict]),
);
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) console.log(r.map((cell, i) => (i === 1 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd());
console.log(`\nNode ${process.version}${quick ? ', --quick' : ''}: ${SAMPLES} alternating samples (${SAMPLES / 2} AB/BA pairs) per row, each row in a process of its own; ratio = median of the per-sample ratios,`);
console.log('balanced = median of the pairs\' geometric means (verdicts use it and its quartiles); ops/s of the case, its baseline\'s in results.json.');
if (results.some((r) => r.ratio_10k !== undefined)) console.log('Scale rows: the cost with 100 k objects over the cost with 1 (lower is better; ratio_10k in results.json).');

if (only !== null) process.exit(0);
const memory = memoryCase(quick ? 2_000_000 : 10_000_000);
console.log(`\n${memory.case}: ${memory.puts.toLocaleString('en-US')} puts in ${memory.ms} ms, peak RSS growth ${memory.peak_rss_growth_mib} MiB (goal < ${memory.goal_mib} MiB)`);
if (!quick) writeFileSync(new URL('./results.json', import.meta.url), JSON.stringify([...results, memory], null, 2) + '\n');
