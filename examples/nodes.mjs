import { firstValueFrom, switchMap } from 'rxjs';
import { createSystem, VirtualClock, utf8 } from 'rxnto';
import { messages, replyWith } from 'rxnto/operators';
import { connectLoopback } from 'rxnto/testing';

// two nodes on one virtual clock, joined by the loopback link (1 ms each way); a peer silent
// for 3 heartbeats of 100 ms is lost
const clock = new VirtualClock();
const net = { heartbeatMs: 100, missed: 3 };
const a = createSystem({ node: 'a', scheduler: clock, net });
const b = createSystem({ node: 'b', scheduler: clock, net });
const link = connectLoopback(a, b, { latency: 1 });
a.nodes$.subscribe((e) => console.log(`a sees node ${e.node} (nd ${e.nd}) ${e.state}: ${e.reason}`));

// a server on b under a global name; a client on a opens it by name
b.process({ name: 'upper' }).attach('upper', { global: true, codec: utf8 })
  .pipe(messages(), replyWith((text, m) => `${text.toUpperCase()} (from node ${b.kernel.netmgrNdtostr(0, m.info.nd)})`))
  .subscribe();
clock.advanceBy(5); // the name crosses the link
const reply = firstValueFrom(a.process().open('upper', { global: true, codec: utf8 }).pipe(switchMap((conn) => conn.send('hello'))));
clock.advanceBy(10);
console.log(`a: ${(await reply).data}`);

// a send to a channel whose node goes silent fails EHOSTDOWN at the liveness bound
const stuck = b.process().channel();
stuck.subscribe(); // takes the message and never answers
let severed = 0;
a.process().connect(stuck.address).send(new Uint8Array(1)).subscribe({ error: (e) => console.log(`a: ${e.code}, ${clock.now() - severed} ms after the cut`) });
clock.advanceBy(20);
console.log(b.pidin()); // the client on a appears apart, as a proxy with its vthread
severed = clock.now();
link.sever(); // silent: only the heartbeats tell
clock.advanceBy(1000);
