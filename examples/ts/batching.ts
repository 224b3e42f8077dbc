// Asynchronous, batched messaging with back-pressure: a sensor puts readings, the receiver takes
// a batch only when it has stored the previous one (holdMap), so a full ring pushes back.
import { timer, map, type SchedulerLike } from 'rxjs';
import { VirtualClock, createSystem, isKernelError, json, type AsyncBatch } from 'rxnto';
import { holdMap } from 'rxnto/operators';

interface Reading { readonly n: number; readonly celsius: number }
const clock = new VirtualClock();
const rx = clock as VirtualClock & SchedulerLike;
const system = createSystem({ scheduler: clock });
const store = system.process({ name: 'store' });
const sensor = system.process({ name: 'sensor' });

const inbox = store.asyncChannel({ codec: json<Reading>(), maxNumBuffer: 4 });
const stored: number[] = [];
// storing a batch takes 20 ms; the next get waits for it
inbox.pipe(holdMap((batch: AsyncBatch<Reading>) => timer(20, rx).pipe(map(() => stored.push(...batch.map((m) => m.data.n)))))).subscribe();

// a ring of 8 slots holds 7 readings; a count trigger of 2 delivers them in pairs, and a time
// trigger of 5 ms what is left over
const out = sensor.asyncConnect(inbox, { codec: json<Reading>(), ringSize: 8, count: 2, time: 5 });
let delivered = 0;
out.subscribe(({ err }) => { if (err === 0) delivered++; }); // the delivery reports, in put order
let refused = 0;
for (let n = 0; n < 30; n++) {
  try {
    out.next({ n, celsius: 20 + n / 10 });
  } catch (e) {
    if (!isKernelError(e) || e.code !== 'EAGAIN') throw e;
    refused++; // the ring is full: back-pressure reaches the producer
  }
  clock.advanceBy(1);
}
clock.advanceBy(200);
console.log(`stored ${stored.length} readings, ${delivered} reported delivered, ${refused} refused (EAGAIN)`);
