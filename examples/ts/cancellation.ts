// Cancellation reaches the server: a client that gives up (RxJS timeout(), switchMap, takeUntil,
// an AbortSignal, a kernel timeout) stops the server's work for its message.
import { firstValueFrom, timeout, timer, map, type SchedulerLike } from 'rxjs';
import { VirtualClock, createSystem, utf8 } from 'rxnto';
import { messages, replyWith } from 'rxnto/operators';

const clock = new VirtualClock();
const rx = clock as VirtualClock & SchedulerLike; // the kernel's clock drives RxJS timers too
const system = createSystem({ scheduler: clock });
const server = system.process({ name: 'server' });
const client = system.process({ name: 'client' });

// a slow handler: its Observable is unsubscribed when the client leaves
const ch = server.channel({ codec: utf8 }); // _NTO_CHF_UNBLOCK is on by default
ch.pipe(messages(), replyWith((q: string) => timer(50, rx).pipe(map(() => `${q}: done`)))).subscribe((a) => {
  console.log(`server at ${clock.now()} ms: '${a.message.data}' answered with errno ${a.errno}`);
});
const conn = client.connect(ch, { codec: utf8 });

// an RxJS timeout on the client: the server's timer is cancelled at 10 ms, not run to 50
const slow = firstValueFrom(conn.send('report').pipe(timeout({ first: 10, scheduler: rx })));
clock.advanceBy(10);
await slow.catch((e: Error) => console.log(`client: ${e.name}`));

// a kernel timeout: the server cancels, the client gets ETIMEDOUT
const timed = firstValueFrom(conn.send('audit', { timeout: 20 }));
clock.advanceBy(20);
await timed.catch((e: { code: string }) => console.log(`client: ${e.code}`));

// an AbortSignal: the client gets the signal's reason (as fetch does); the server's signal says why
const controller = new AbortController();
const aborted = firstValueFrom(conn.send('export', { signal: controller.signal }));
clock.advanceBy(5);
controller.abort();
await aborted.catch((e: unknown) => console.log(`client: ${e === controller.signal.reason ? 'the signal\'s reason' : String(e)}`));
