// npm run bench: every case against its baselines, measured in this one process and run.
// Prints a table and writes bench/results.json.
import { writeFileSync } from 'node:fs';
import { opsPerSec } from './measure.mjs';
import { kernelRoundtrip, promisePingPong, subjectPingPong } from './cases/sync.mjs';
import { rxRoundtrip } from './cases/rx.mjs';
import { kernelPutGet, subjectBufferCount } from './cases/async.mjs';
import { memoryCase } from './memory.mjs';

const baselines = {
  'rxjs.subject.pingpong': subjectPingPong,
  'promise.pingpong': promisePingPong,
  'rxjs.subject.bufferCount1': () => subjectBufferCount(1),
  'rxjs.subject.bufferCount16': () => subjectBufferCount(16),
  'rxjs.subject.bufferCount256': () => subjectBufferCount(256),
};
// the batching cases are per message and fast: longer samples keep them out of timer noise
const LONG = { iterations: 1_000_000 };
const cases = [
  { case: 'kernel.sync.roundtrip', make: kernelRoundtrip, baselines: ['rxjs.subject.pingpong', 'promise.pingpong'], goal: { 'rxjs.subject.pingpong': 0.33 } },
  { case: 'rx.sync.roundtrip', make: rxRoundtrip, baselines: ['rxjs.subject.pingpong'], goal: { 'rxjs.subject.pingpong': 0.2 } },
  { case: 'async.put_get.trigger1', make: () => kernelPutGet(1), baselines: ['rxjs.subject.bufferCount1'], goal: {}, options: LONG },
  { case: 'async.put_get.trigger16', make: () => kernelPutGet(16), baselines: ['rxjs.subject.bufferCount16'], goal: {}, options: LONG },
  { case: 'async.put_get.trigger256', make: () => kernelPutGet(256), baselines: ['rxjs.subject.bufferCount256'], goal: { 'rxjs.subject.bufferCount256': 0.5 }, options: LONG },
];

const measured = new Map();
async function measure(name, make, options) {
  if (!measured.has(name)) measured.set(name, await opsPerSec(make(), options));
  return measured.get(name);
}

const results = [];
for (const c of cases) {
  const ops = await measure(c.case, c.make, c.options);
  for (const b of c.baselines) {
    const base = await measure(b, baselines[b], c.options);
    results.push({ case: c.case, ops_per_sec: Math.round(ops), baseline: b, baseline_ops_per_sec: Math.round(base), ratio: Number((ops / base).toFixed(3)), goal: c.goal[b] ?? null });
  }
}

const fmt = (n) => n.toLocaleString('en-US');
const rows = [['case', 'ops/s', 'baseline', 'baseline ops/s', 'ratio', 'goal']].concat(
  results.map((r) => [r.case, fmt(r.ops_per_sec), r.baseline, fmt(r.baseline_ops_per_sec), r.ratio.toFixed(3), r.goal === null ? '' : `≥ ${r.goal}`]),
);
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) console.log(r.map((cell, i) => (i === 1 || i === 3 || i === 4 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  '));
console.log(`\nNode ${process.version}, median of 7 samples per case, same process and run.`);

const memory = memoryCase();
console.log(`\n${memory.case}: ${memory.puts.toLocaleString('en-US')} puts in ${memory.ms} ms, peak RSS growth ${memory.peak_rss_growth_mib} MiB (goal < ${memory.goal_mib} MiB)`);
writeFileSync(new URL('./results.json', import.meta.url), JSON.stringify([...results.map(({ goal, ...r }) => r), memory], null, 2) + '\n');
