// The rows of `npm run bench` (bench/run.mjs): each case with its baselines, goals and iterations,
// and the scale rows. `rowsFor(quick)` gives them with the iterations of a full or a quick run.
import { kernelRoundtrip, promisePingPong, subjectPingPong } from './cases/sync.mjs';
import { rxRoundtrip } from './cases/rx.mjs';
import { rx1MiB, rxSubject, memcpy2x1MiB } from './cases/rxmore.mjs';
import { rxFloorShape } from './cases/rxFloor.mjs';
import { netLoopbackRoundtrip } from './cases/net.mjs';
import { closeNats, natsInflight100, natsPulses, natsRawInflight100, natsRawPublish, natsRawRequest, natsRoundtrip, natsRoundtripKeyed, natsUnavailable } from './cases/nats.mjs';
import { closeWorkers, comlinkCall, rawBufferCount100, rawInflight64, rawPingPong, workerAsyncTrigger100, workerInflight64, workerRoundtrip, workerRoundtripSpin } from './cases/worker.mjs';
import { sabBatch100, sabInflight64, sabPingPong } from './cases/sab.mjs';
import { inspectorAttached } from './cases/inspector.mjs';
import { closeDurable, durableUnavailable, natsAsyncDurable, natsRawJetStreamPublish } from './cases/durable.mjs';
import { kernelPutGet, subjectBufferCount } from './cases/async.mjs';
import { channelCreate, connectAttach, sendMixedPrio, timerCreate, timerTimeoutVirtual } from './cases/scale.mjs';

export { closeWorkers };

/** Ends what the NATS and durable rows started (their servers and connections). */
export async function closeServers() {
  await closeNats();
  await closeDurable();
}

/** Why the NATS rows cannot run here, or null. */
export { natsUnavailable };

/** The rows: `cases` (a case against each of its baselines), `scales`, and `baselines` by name. */
export function rowsFor(quick) {
  const baselines = {
    'rxjs.subject.pingpong': subjectPingPong,
    'promise.pingpong': promisePingPong,
    'rx.floor.shape': rxFloorShape,
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
    { case: 'rx.sync.roundtrip', make: rxRoundtrip, baselines: ['rxjs.subject.pingpong', 'rx.floor.shape'], goal: { 'rxjs.subject.pingpong': 0.25 }, options: SYNC },
    { case: 'rx.sync.subject', make: rxSubject, baselines: ['rxjs.subject.pingpong', 'rx.floor.shape'], goal: { 'rxjs.subject.pingpong': 0.25 }, options: SYNC },
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
    { case: 'scale.send.mixedprio', make: sendMixedPrio, iterations: quick ? 5_000 : 20_000 },
    { case: 'scale.channelcreate', make: channelCreate, iterations: quick ? 5_000 : 20_000 },
    { case: 'scale.connectattach', make: connectAttach, iterations: quick ? 5_000 : 20_000 },
    { case: 'scale.timertimeout.virtual', make: timerTimeoutVirtual, iterations: quick ? 5_000 : 20_000 },
    { case: 'scale.timercreate', make: timerCreate, iterations: quick ? 5_000 : 20_000 },
  ];
  return { baselines, cases, scales };
}
