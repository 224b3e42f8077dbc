// Asynchronous messaging: puts through a connection's ring, delivered in batches by the count
// trigger to a blocked getter, against the same batching done by an RxJS Subject + bufferCount.
import { Subject, bufferCount } from 'rxjs';
import { Kernel, VirtualClock } from 'rxnto';

const PAYLOAD = 64;

/**
 * async.put_get.trigger<N>: one sender thread puts 64-byte messages on a connection whose
 * `trigger_num_msg` is N; a receiver thread blocked in `asyncmsg_get` takes each batch as it is
 * triggered and touches every message. One op = one message put and received.
 */
export function kernelPutGet(trigger) {
  const kernel = new Kernel({ scheduler: new VirtualClock() });
  const rx = kernel.createThread(kernel.createProcess({ name: 'rx' }));
  const tx = kernel.createThread(kernel.createProcess({ name: 'tx' }));
  const chid = kernel.asyncChannelCreate(rx, 0, 0o666, PAYLOAD, trigger, null);
  const coid = kernel.asyncConnectAttach(tx, 0, rx.process.pid, chid, 0, 0, {
    call_back: null, buffer_size: PAYLOAD, max_num_buffer: trigger * 2 + 1, trigger_num_msg: trigger,
    trigger_time: { nsec: 0, interval_nsec: 0 },
  });
  let received = 0;
  let bytes = 0;
  const onGet = (err, messages) => {
    for (const m of messages) bytes += m.data[0];
    received += messages.length;
    kernel.asyncGet(rx, chid, trigger, onGet);
  };
  kernel.asyncGet(rx, chid, trigger, onGet);
  const msg = new Uint8Array(PAYLOAD).fill(1);
  const onPut = () => {};
  let puts = 0;
  return (n) => {
    for (let i = 0; i < n; i++) kernel.asyncPut(tx, coid, msg, i, null, onPut);
    puts += n;
    // everything but an untriggered tail (< N) has been received
    if (received !== puts - (puts % trigger)) throw new Error(`received ${received} of ${puts}`);
    return bytes;
  };
}

/** rxjs.subject.bufferCount<N>: a Subject piped through bufferCount(N); the subscriber touches each value. */
export function subjectBufferCount(size) {
  const in$ = new Subject();
  let received = 0;
  let bytes = 0;
  in$.pipe(bufferCount(size)).subscribe((batch) => {
    for (const m of batch) bytes += m[0];
    received += batch.length;
  });
  const msg = new Uint8Array(PAYLOAD).fill(1);
  let puts = 0;
  return (n) => {
    for (let i = 0; i < n; i++) in$.next(msg);
    puts += n;
    if (received !== puts - (puts % size)) throw new Error(`received ${received} of ${puts}`);
    return bytes;
  };
}
