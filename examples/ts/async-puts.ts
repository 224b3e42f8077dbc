// Asynchronous puts: put() completes when a receiver has taken the message, not when the ring
// accepts it. Keep the ring full (putTo: ringSize − 1 puts in flight), not one put at a time.
import { concatMap, map, range, timer, type OperatorFunction, type SchedulerLike } from 'rxjs';
import { VirtualClock, createSystem, utf8, type AsyncBatch, type AsyncConnection } from 'rxnto';
import { holdMap, putTo } from 'rxnto/operators';

const clock = new VirtualClock();
const rx = clock as VirtualClock & SchedulerLike;
const system = createSystem({ scheduler: clock });
const store = system.process({ name: 'store' });
const sensor = system.process({ name: 'sensor' });

const inbox = store.asyncChannel({ codec: utf8, maxNumBuffer: 4 });
let batches = 0;
// the receiver stores a batch (≤ 4 readings) in 1 ms, and gets the next one only then
inbox.pipe(holdMap((batch: AsyncBatch<string>) => { batches++; return timer(1, rx).pipe(map(() => batch.length)); })).subscribe();

// 100 readings at once through an 8-slot ring (7 messages), a count trigger of 4 and a time trigger of 5 ms
function run(label: string, pipe: (out: AsyncConnection<string>) => OperatorFunction<string, unknown>): void {
  const out = sensor.asyncConnect(inbox, { codec: utf8, ringSize: 8, count: 4, time: 5 });
  const start = clock.now();
  batches = 0;
  range(0, 100).pipe(map(String), pipe(out)).subscribe({
    complete: () => console.log(`${label}: 100 readings delivered in ${clock.now() - start} ms, ${batches} batches`),
  });
  clock.advanceBy(1000);
  out.complete();
}

run('putTo(out, { ringSize: 8 })', (out) => putTo(out, { ringSize: 8 })); // = mergeMap((v) => out.put(v), 7)
run('concatMap((v) => out.put(v))', (out) => concatMap((v: string) => out.put(v)));
