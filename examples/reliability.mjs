import { map, timer } from 'rxjs';
import { createSystem, VirtualClock, utf8 } from 'rxnto';
import { messages, replyWith } from 'rxnto/operators';
import { ChannelCreate, MsgReceive, emptyMsgInfo, errno, strerror } from 'rxnto/neutrino';

const clock = new VirtualClock(); // virtual time (it also drives RxJS timers here)
const system = createSystem({ scheduler: clock });
const server = system.process({ name: 'server' });
const client = system.process({ name: 'client' });

// a handler slower than its client's patience: the client's timeout cancels it (errno -1: the
// client gets ETIMEDOUT); with { unblock: false } the late reply would reach nobody (ESRCH) ...
const ch = server.channel({ codec: utf8 });
ch.pipe(messages(), replyWith((s) => timer(5, clock).pipe(map(() => s.toUpperCase()))))
  .subscribe({
    next: (a) => console.log(`server: answered '${a.message.data}', errno ${a.errno}`),
    error: (e) => console.log(`server: ${e.code} (its own process exited)`),
  });
const conn = client.connect(ch, { codec: utf8 });
conn.send('slow', { timeout: 3 }).subscribe({ error: (e) => console.log(`client: ${e.code}`) });
clock.advanceBy(5);
// ... and the server keeps its receiving thread: the next client is served
conn.send('next').subscribe((r) => console.log(`client: ${r.data}`));
clock.advanceBy(5);

// the receiver dies: a put waiting for a ring slot and a blocking flush end with EBADF
const inbox = server.asyncChannel({ codec: utf8 });
const out = client.asyncConnect(inbox, { codec: utf8, ringSize: 2, count: 0 });
for (const s of ['a', 'b']) out.put(s).subscribe({ error: (e) => console.log(`put ${s}: ${e.code}`) });
out.flush().subscribe({ error: (e) => console.log(`flush: ${e.code}`) });
server.exit();

// bad input: -1 with errno, nothing dequeued, never a throw
const r = await MsgReceive(ChannelCreate(0), new Uint8Array(8), 8, Object.freeze(emptyMsgInfo()));
console.log(`MsgReceive with a frozen _msg_info: ${r} (${strerror(errno())})`);
