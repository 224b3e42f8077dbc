// Retry and failover, as webSocket(): a Connection that errored re-attaches when subscribed again,
// and one from open(name) opens the name again. open(name, { wait }) waits for a provider.
import { firstValueFrom, retry, timer, type SchedulerLike } from 'rxjs';
import { VirtualClock, createSystem, utf8 } from 'rxnto';
import { messages, replyWith } from 'rxnto/operators';

const clock = new VirtualClock();
const rx = clock as VirtualClock & SchedulerLike;
const system = createSystem({ scheduler: clock });

/** A server of the name 'upper' that signs its replies; its process, to end it. */
function serve(name: string) {
  const p = system.process({ name });
  p.attach('upper', { codec: utf8 }).pipe(messages(), replyWith((s: string) => `${s.toUpperCase()} (${name})`)).subscribe({ error: () => {} });
  return p;
}

// the client opens 'upper' before anyone serves it: it waits (at most 1 s) instead of ENOENT
const opened = firstValueFrom(system.process({ name: 'client' }).open('upper', { wait: 1000, codec: utf8 }));
clock.advanceBy(20);
const first = serve('first');
clock.advanceBy(20);
const conn = await opened;
console.log(`opened at ${clock.now()} ms`);

// replies as a stream; after an error, retry subscribes again 10 ms later: the name is re-opened
conn.pipe(retry({ delay: () => timer(10, rx) })).subscribe((r) => console.log(`${clock.now()} ms: ${r.data}`));
conn.next('one');
clock.advanceBy(5);
first.exit(); // the server dies; a second one serves the name
serve('second');
conn.next('two'); // fails (the server is gone): the connection errors, 'two' is dropped
clock.advanceBy(20);
conn.next('three'); // on the re-opened connection, served by 'second'
clock.advanceBy(5);
