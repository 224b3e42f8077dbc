// npm run bench: every case against its baseline, in alternating samples in this one process.
// Each row: the median of the per-sample ratios and its spread (the interquartile range); a goal
// is met when the whole spread clears it, missed when the whole spread falls short, and too wide
// to judge otherwise. `npm run bench -- --quick` takes fewer, shorter samples; `-- --only=nats`
// runs only the rows whose case starts with `nats` (and then writes no results.json).
// Prints a table and writes bench/results.json.
import { writeFileSync } from 'node:fs';
import { compare } from './measure.mjs';
import { kernelRoundtrip, promisePingPong, subjectPingPong } from './cases/sync.mjs';
import { rxRoundtrip } from './cases/rx.mjs';
import { rx1MiB, rxSubject, memcpy2x1MiB } from './cases/rxmore.mjs';
import { netLoopbackRoundtrip } from './cases/net.mjs';
import { closeNats, natsInflight100, natsPulses, natsRawInflight100, natsRawPublish, natsRawRequest, natsRoundtrip, natsRoundtripKeyed, natsUnavailable } from './cases/nats.mjs';
import { closeWorkers, comlinkCall, rawBufferCount100, rawInflight64, rawPingPong, workerAsyncTrigger100, workerInflight64, workerRoundtrip } from './cases/worker.mjs';
import { kernelPutGet, subjectBufferCount } from './cases/async.mjs';
import { channelCreate, connectAttach, sendMixedPrio, timerCreate, timerTimeoutVirtual } from './cases/scale.mjs';
import { memoryCase } from './memory.mjs';

const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length) ?? null;
const picked = (name) => only === null || name.startsWith(only);
const SAMPLES = quick ? 7 : 15;
const scaleIters = (n) => (quick ? Math.ceil(n / 4) : n);

const baselines = {
  'rxjs.subject.pingpong': subjectPingPong,
  'promise.pingpong': promisePingPong,
  'rxjs.subject.bufferCount1': () => subjectBufferCount(1),
  'rxjs.subject.bufferCount16': () => subjectBufferCount(16),
  'rxjs.subject.bufferCount256': () => subjectBufferCount(256),
  'memcpy.2x1mib': memcpy2x1MiB,
  'kernel.sync.roundtrip': kernelRoundtrip,
  'raw.messageport.pingpong': rawPingPong,
  'comlink.call': comlinkCall,
  'raw.postmessage.inflight64': rawInflight64,
  'raw.postmessage.bufferCount100': rawBufferCount100,
  'nats.raw.request': natsRawRequest,
  'nats.raw.inflight100': natsRawInflight100,
  'nats.raw.publish': natsRawPublish,
};
const WORKER = { iterations: quick ? 500 : 2_000 };
const SYNC = { iterations: quick ? 25_000 : 100_000 };
const LONG = { iterations: quick ? 250_000 : 1_000_000 };
const cases = [
  { case: 'kernel.sync.roundtrip', make: kernelRoundtrip, baselines: ['rxjs.subject.pingpong', 'promise.pingpong'], goal: { 'rxjs.subject.pingpong': 0.5 }, options: SYNC },
  { case: 'rx.sync.roundtrip', make: rxRoundtrip, baselines: ['rxjs.subject.pingpong'], goal: { 'rxjs.subject.pingpong': 0.3 }, options: SYNC },
  { case: 'rx.sync.subject', make: rxSubject, baselines: ['rxjs.subject.pingpong'], goal: { 'rxjs.subject.pingpong': 0.3 }, options: SYNC },
  // ≤ 1.5× the time of two 1 MiB copies: at least 1/1.5 of their rate
  { case: 'rx.sync.1mib', make: rx1MiB, baselines: ['memcpy.2x1mib'], goal: { 'memcpy.2x1mib': 0.667 }, options: { iterations: quick ? 20 : 60 } },
  { case: 'async.put_get.trigger1', make: () => kernelPutGet(1), baselines: ['rxjs.subject.bufferCount1'], goal: {}, options: LONG },
  { case: 'async.put_get.trigger16', make: () => kernelPutGet(16), baselines: ['rxjs.subject.bufferCount16'], goal: {}, options: LONG },
  { case: 'async.put_get.trigger256', make: () => kernelPutGet(256), baselines: ['rxjs.subject.bufferCount256'], goal: { 'rxjs.subject.bufferCount256': 0.5 }, options: LONG },
  // rows that start workers or other kernels last: their threads and code must not weigh on the rows above
  { case: 'net.loopback.roundtrip', make: netLoopbackRoundtrip, baselines: ['kernel.sync.roundtrip'], goal: { 'kernel.sync.roundtrip': 0.3 }, options: { iterations: quick ? 5_000 : 20_000 } },
  { case: 'worker.sync.roundtrip', make: workerRoundtrip, baselines: ['raw.messageport.pingpong', 'comlink.call'], goal: { 'raw.messageport.pingpong': 1.5, 'comlink.call': 2 }, options: WORKER },
  { case: 'worker.sync.inflight64', make: workerInflight64, baselines: ['raw.postmessage.inflight64'], goal: { 'raw.postmessage.inflight64': 1.5 }, options: { iterations: quick ? 3_200 : 12_800 } },
  { case: 'worker.async.trigger100', make: workerAsyncTrigger100, baselines: ['raw.postmessage.bufferCount100'], goal: { 'raw.postmessage.bufferCount100': 1 }, options: { iterations: quick ? 5_000 : 20_000 } },
  // the NATS rows start their own nats-server (skipped, with the reason, when it is absent)
  ...(natsUnavailable() === null ? [
    { case: 'nats.sync.roundtrip', make: natsRoundtrip, baselines: ['nats.raw.request'], goal: { 'nats.raw.request': 0.9 }, options: { iterations: quick ? 200 : 500 } },
    // both nodes with a domain key: every NATS message carries and is checked for its MAC
    { case: 'nats.sync.roundtrip.keyed', make: natsRoundtripKeyed, baselines: ['nats.raw.request'], goal: { 'nats.raw.request': 0.85 }, options: { iterations: quick ? 200 : 500 } },
    { case: 'nats.sync.inflight100', make: natsInflight100, baselines: ['nats.raw.inflight100'], goal: { 'nats.raw.inflight100': 0.9 }, options: { iterations: quick ? 1_000 : 3_000 } },
    { case: 'nats.pulse.throughput', make: natsPulses, baselines: ['nats.raw.publish'], goal: { 'nats.raw.publish': 0.9 }, options: { iterations: quick ? 2_000 : 10_000 } },
  ] : []),
];
// the scale rows: the operation with 100 k objects against the same with 1; the ratio is the
// cost at 100 k over the cost at 1 (goal ≤ 3); the 10 k ratio is reported beside it
const scales = [
  { case: 'scale.send.mixedprio', make: sendMixedPrio, iterations: 20_000 },
  { case: 'scale.channelcreate', make: channelCreate, iterations: 20_000 },
  { case: 'scale.connectattach', make: connectAttach, iterations: 20_000 },
  { case: 'scale.timertimeout.virtual', make: timerTimeoutVirtual, iterations: 20_000 },
  { case: 'scale.timercreate', make: timerCreate, iterations: 20_000 },
];

/** 'met', 'missed' or 'too wide to judge', for a ratio that should be at least (or, with `atMost`, at most) `goal`. */
function verdict(r, goal, atMost = false) {
  if (goal === null) return '';
  const [lo, hi] = atMost ? [-r.q3, -r.q1] : [r.q1, r.q3];
  const g = atMost ? -goal : goal;
  return lo >= g ? 'met' : hi < g ? 'missed' : 'too wide to judge';
}

const results = [];
const started = Date.now();
const progress = (name) => { if (process.stderr.isTTY || process.env.BENCH_PROGRESS) process.stderr.write(`${((Date.now() - started) / 1000).toFixed(0)}s ${name}\n`); };
for (const c of cases.filter((x) => picked(x.case))) {
  progress(c.case);
  for (const b of c.baselines) {
    const r = await compare(c.make(), baselines[b](), { ...c.options, samples: SAMPLES });
    const goal = c.goal[b] ?? null;
    results.push({ case: c.case, ops_per_sec: Math.round(r.opsA), baseline: b, baseline_ops_per_sec: Math.round(r.opsB), ratio: round(r.ratio), spread: round(r.q3 - r.q1), q1: round(r.q1), q3: round(r.q3), goal: goal === null ? null : `>= ${goal}`, verdict: verdict(r, goal) });
  }
  // a worker row's workers end with it: idle threads must not share the cores with later rows
  await closeWorkers();
}
await closeNats();
if (natsUnavailable() !== null) console.log(`NATS rows skipped: ${natsUnavailable()}`);
for (const s of scales.filter((x) => picked(x.case))) {
  progress(s.case);
  const small = s.make(1);
  // cost ratio = ops(1) / ops(N): compare(small, big) gives opsSmall / opsBig
  const mid = await compare(small, s.make(10_000), { iterations: scaleIters(s.iterations), samples: SAMPLES });
  const big = await compare(small, s.make(100_000), { iterations: scaleIters(s.iterations), samples: SAMPLES });
  results.push({
    case: s.case, ops_per_sec: Math.round(big.opsB), baseline: `${s.case}@1`, baseline_ops_per_sec: Math.round(big.opsA),
    ratio: round(big.ratio), spread: round(big.q3 - big.q1), q1: round(big.q1), q3: round(big.q3), ratio_10k: round(mid.ratio), goal: '<= 3', verdict: verdict(big, 3, true),
  });
}

function round(x) {
  return Number(x.toFixed(3));
}

const fmt = (n) => n.toLocaleString('en-US');
const rows = [['case', 'ops/s', 'baseline', 'baseline ops/s', 'ratio', 'spread (IQR)', 'goal', 'verdict']].concat(
  results.map((r) => [r.case, fmt(r.ops_per_sec), r.baseline, fmt(r.baseline_ops_per_sec), r.ratio.toFixed(3), `${r.q1.toFixed(3)}..${r.q3.toFixed(3)}`, r.goal ?? '', r.verdict]),
);
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) console.log(r.map((cell, i) => (i === 1 || i === 3 || i === 4 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd());
console.log(`\nNode ${process.version}${quick ? ', --quick' : ''}: ${SAMPLES} alternating samples per row in this one process; ratio = median of the per-sample ratios.`);
console.log('Scale rows: the cost with 100 k objects over the cost with 1 (lower is better; ratio_10k in results.json).');

if (only !== null) process.exit(0);
const memory = memoryCase(quick ? 2_000_000 : 10_000_000);
console.log(`\n${memory.case}: ${memory.puts.toLocaleString('en-US')} puts in ${memory.ms} ms, peak RSS growth ${memory.peak_rss_growth_mib} MiB (goal < ${memory.goal_mib} MiB)`);
if (!quick) writeFileSync(new URL('./results.json', import.meta.url), JSON.stringify([...results, memory], null, 2) + '\n');
