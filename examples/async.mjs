import { concatMap, from, lastValueFrom, mergeAll, take, toArray } from 'rxjs';
import { createSystem, VirtualClock, utf8 } from 'rxnto';

const clock = new VirtualClock();
const system = createSystem({ scheduler: clock });
const logger = system.process({ name: 'logger' });
const sensor = system.process({ name: 'sensor' });

// an async channel is an Observable of batches: one emission per asyncmsg_get
const inbox = logger.asyncChannel({ codec: utf8, maxNumBuffer: 5 });
inbox.subscribe((batch) => console.log(`logger @${clock.now()}ms: [${batch.map((m) => m.data).join(', ')}]`));

// an async connection is a Subject: next() puts; delivery follows the triggers
const out = sensor.asyncConnect(inbox, { codec: utf8, count: 3, time: 50, ringSize: 4 });
out.next('t=20.1');
out.next('t=20.3');
out.next('t=20.2');                 // third put: the count trigger delivers all three
out.next('t=20.4');                 // left pending: the time trigger (armed by the first put) fires at 50 ms
clock.advanceBy(50);

// the ring holds ringSize − 1 = 3; with nobody taking, next() says EAGAIN and loses nothing
const slow = system.process({ name: 'slow' }).asyncChannel({ codec: utf8 });
const burst = sensor.asyncConnect(slow, { codec: utf8, count: 1, ringSize: 4 });
try {
  for (const v of ['a', 'b', 'c', 'd']) burst.next(v);
} catch (e) {
  console.log(`sensor: ${e.code} at the 4th put`);
}
// put() is the back-pressured form: it waits for a slot and completes once delivered
const puts = lastValueFrom(from(['e', 'f']).pipe(concatMap((v) => burst.put(v)), toArray()));
const got = await lastValueFrom(slow.pipe(mergeAll(), take(5), toArray()));
await puts;
console.log(`slow: ${got.map((m) => m.data).join(' ')} (d was refused, e and f waited)`);
