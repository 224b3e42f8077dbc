// npm run bench: every case against its baselines, in alternating samples in this one process
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
import { writeFileSync } from 'node:fs';
import { compare } from './measure.mjs';
import { kernelRoundtrip, promisePingPong, subjectPingPong } from './cases/sync.mjs';
import { rxRoundtrip } from './cases/rx.mjs';
import { rx1MiB, rxSubject, memcpy2x1MiB } from './cases/rxmore.mjs';
import { netLoopbackRoundtrip } from './cases/net.mjs';
import { closeNats, natsInflight100, natsPulses, natsRawInflight100, natsRawPublish, natsRawRequest, natsRoundtrip, natsRoundtripKeyed, natsUnavailable } from './cases/nats.mjs';
import { closeWorkers, comlinkCall, rawBufferCount100, rawInflight64, rawPingPong, workerAsyncTrigger100, workerInflight64, workerRoundtrip, workerRoundtripSpin } from './cases/worker.mjs';
import { sabBatch100, sabInflight64, sabPingPong } from './cases/sab.mjs';
import { inspectorAttached } from './cases/inspector.mjs';
import { closeDurable, durableUnavailable, natsAsyncDurable, natsRawJetStreamPublish } from './cases/durable.mjs';
import { kernelPutGet, subjectBufferCount } from './cases/async.mjs';
import { channelCreate, connectAttach, sendMixedPrio, timerCreate, timerTimeoutVirtual } from './cases/scale.mjs';
import { memoryCase } from './memory.mjs';

const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',').filter((t) => t !== '') ?? null;
const picked = (name) => only === null || only.some((t) => name.includes(t));
/** The baselines of a row to run: all when its case is picked, else those picked themselves. */
const pickedBaselines = (c) => (picked(c.case) ? c.baselines : c.baselines.filter(picked));
// even: every sample is in a pair (AB and BA) for the balanced ratio
const SAMPLES = quick ? 8 : 16;
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
  'raw.sab.pingpong': sabPingPong,
  'raw.sab.inflight64': sabInflight64,
  'raw.sab.batch100': sabBatch100,
  'nats.raw.jetstream.publish': natsRawJetStreamPublish,
  'nats.raw.request': natsRawRequest,
  'nats.raw.inflight100': natsRawInflight100,
  'nats.raw.publish': natsRawPublish,
};
const WORKER = { iterations: quick ? 500 : 2_000 };
const SYNC = { iterations: quick ? 25_000 : 100_000 };
const LONG = { iterations: quick ? 250_000 : 1_000_000 };
const cases = [
  { case: 'kernel.sync.roundtrip', make: kernelRoundtrip, baselines: ['rxjs.subject.pingpong', 'promise.pingpong'], goal: { 'rxjs.subject.pingpong': 0.5 }, options: SYNC },
  { case: 'rx.sync.roundtrip', make: rxRoundtrip, baselines: ['rxjs.subject.pingpong'], goal: { 'rxjs.subject.pingpong': 0.25 }, options: SYNC },
  { case: 'rx.sync.subject', make: rxSubject, baselines: ['rxjs.subject.pingpong'], goal: { 'rxjs.subject.pingpong': 0.25 }, options: SYNC },
  // ≤ 1.5× the time of two 1 MiB copies: at least 1/1.5 of their rate
  { case: 'rx.sync.1mib', make: rx1MiB, baselines: ['memcpy.2x1mib'], goal: { 'memcpy.2x1mib': 0.667 }, options: { iterations: quick ? 20 : 60 } },
  { case: 'async.put_get.trigger1', make: () => kernelPutGet(1), baselines: ['rxjs.subject.bufferCount1'], goal: {}, options: LONG },
  { case: 'async.put_get.trigger16', make: () => kernelPutGet(16), baselines: ['rxjs.subject.bufferCount16'], goal: {}, options: LONG },
  { case: 'async.put_get.trigger256', make: () => kernelPutGet(256), baselines: ['rxjs.subject.bufferCount256'], goal: { 'rxjs.subject.bufferCount256': 0.5 }, options: LONG },
  // rows that start workers or other kernels last: their threads and code must not weigh on the rows above
  // a diagnostic (the net layer's own CPU), not a user-facing latency: no goal
  { case: 'net.loopback.roundtrip', make: netLoopbackRoundtrip, baselines: ['kernel.sync.roundtrip'], goal: {}, options: { iterations: quick ? 5_000 : 20_000 } },
  // the inspector with a page open and streaming the trace (issue 24)
  { case: 'inspector.attached', make: inspectorAttached, baselines: ['kernel.sync.roundtrip'], goal: { 'kernel.sync.roundtrip': 0.9 }, options: SYNC },
  // the floors (raw.sab.*) are bare SharedArrayBuffer rings of the same shape; raw.messageport.pingpong is for reference
  { case: 'worker.sync.roundtrip', make: workerRoundtrip, baselines: ['raw.sab.pingpong', 'comlink.call', 'raw.messageport.pingpong'], goal: { 'raw.sab.pingpong': 0.9, 'comlink.call': 1.3 }, options: WORKER },
  // the link option spinMicros: 20 on both ends (the reader spins 20 µs before it parks)
  { case: 'worker.sync.roundtrip.spin', make: workerRoundtripSpin, baselines: ['raw.messageport.pingpong'], goal: { 'raw.messageport.pingpong': 3 }, options: WORKER },
  { case: 'worker.sync.inflight64', make: workerInflight64, baselines: ['raw.postmessage.inflight64', 'raw.sab.inflight64'], goal: { 'raw.postmessage.inflight64': 1.5 }, options: { iterations: quick ? 3_200 : 12_800 } },
  { case: 'worker.async.trigger100', make: workerAsyncTrigger100, baselines: ['raw.sab.batch100', 'raw.postmessage.bufferCount100'], goal: { 'raw.sab.batch100': 0.5 }, options: { iterations: quick ? 5_000 : 20_000 } },
  // the NATS rows start their own nats-server (skipped, with the reason, when it is absent)
  ...(natsUnavailable() === null ? [
    { case: 'nats.sync.roundtrip', make: natsRoundtrip, baselines: ['nats.raw.request'], goal: { 'nats.raw.request': 0.9 }, options: { iterations: quick ? 200 : 500 } },
    // both nodes with a domain key: every NATS message carries and is checked for its MAC
    { case: 'nats.sync.roundtrip.keyed', make: natsRoundtripKeyed, baselines: ['nats.raw.request'], goal: { 'nats.raw.request': 0.85 }, options: { iterations: quick ? 200 : 500 } },
    { case: 'nats.sync.inflight100', make: natsInflight100, baselines: ['nats.raw.inflight100'], goal: { 'nats.raw.inflight100': 0.9 }, options: { iterations: quick ? 1_000 : 3_000 } },
    { case: 'nats.pulse.throughput', make: natsPulses, baselines: ['nats.raw.publish'], goal: { 'nats.raw.publish': 0.9 }, options: { iterations: quick ? 2_000 : 10_000 } },
  ] : []),
  // durable asyncmsg on JetStream (issue 25): a nats-server -js of its own
  ...(durableUnavailable() === null ? [
    { case: 'nats.async.durable', make: natsAsyncDurable, baselines: ['nats.raw.jetstream.publish'], goal: { 'nats.raw.jetstream.publish': 0.8 }, options: { iterations: quick ? 1_000 : 3_000 } },
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
    const r = await compare(c.make(), baselines[b](), { ...c.options, samples: SAMPLES });
    const goal = c.goal[b] ?? null;
    results.push({ case: c.case, ops_per_sec: Math.round(r.opsA), baseline: b, baseline_ops_per_sec: Math.round(r.opsB), ...figures(r), goal: goal === null ? null : `>= ${goal}`, verdict: verdict(r, goal) });
    // workers end with their comparison: idle threads must not share the cores with the next one
    await closeWorkers();
  }
}
await closeNats();
await closeDurable();
if (natsUnavailable() !== null) console.log(`NATS rows skipped: ${natsUnavailable()}`);
for (const s of scales.filter((x) => picked(x.case))) {
  progress(s.case);
  const small = s.make(1);
  // cost ratio = ops(1) / ops(N): compare(small, big) gives opsSmall / opsBig
  const mid = await compare(small, s.make(10_000), { iterations: scaleIters(s.iterations), samples: SAMPLES });
  const big = await compare(small, s.make(100_000), { iterations: scaleIters(s.iterations), samples: SAMPLES });
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
console.log(`\nNode ${process.version}${quick ? ', --quick' : ''}: ${SAMPLES} alternating samples (${SAMPLES / 2} AB/BA pairs) per row in this one process; ratio = median of the per-sample ratios,`);
console.log('balanced = median of the pairs\' geometric means (verdicts use it and its quartiles); ops/s of the case, its baseline\'s in results.json.');
if (results.some((r) => r.ratio_10k !== undefined)) console.log('Scale rows: the cost with 100 k objects over the cost with 1 (lower is better; ratio_10k in results.json).');

if (only !== null) process.exit(0);
const memory = memoryCase(quick ? 2_000_000 : 10_000_000);
console.log(`\n${memory.case}: ${memory.puts.toLocaleString('en-US')} puts in ${memory.ms} ms, peak RSS growth ${memory.peak_rss_growth_mib} MiB (goal < ${memory.goal_mib} MiB)`);
if (!quick) writeFileSync(new URL('./results.json', import.meta.url), JSON.stringify([...results, memory], null, 2) + '\n');
