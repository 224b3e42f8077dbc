// Seed 004 the RxJS way: the channel is an Observable whose subscriber is the receiving thread;
// replyWith answers each message after a second of work, so the second client waits SEND-blocked.
import { firstValueFrom, map } from 'rxjs';
import { createSystem, formatPidin, VirtualClock, utf8 } from 'rxnto';
import { messages, replyWith } from 'rxnto/operators';

const MSG_UPPER = 1;
const MSG_LENGTH = 2;
const clock = new VirtualClock();
const system = createSystem({ scheduler: clock });
const server = system.process({ name: 'server' });
const channel = server.channel();

// switch (msg.type): the reply is an Observable that takes a second of (virtual) time
const later = (value) => new Promise((resolve) => clock.schedule(() => resolve(value), 1000));
channel.pipe(messages(), replyWith((bytes, m) => {
  const text = utf8.decode(bytes.subarray(2));
  const out = m.type === MSG_UPPER ? text.toUpperCase() : m.type === MSG_LENGTH ? String(text.length) : '';
  return later(utf8.encode(out));
})).subscribe();

function client(name, type, text) {
  const conn = system.process({ name }).connect(channel);
  const body = utf8.encode(text);
  const msg = new Uint8Array(2 + body.length);
  msg.set([type, 0]);
  msg.set(body, 2);
  return firstValueFrom(conn.sendBytes(msg).pipe(map((r) => console.log(`client ${name}: reply "${utf8.decode(r.bytes)}"`))));
}

const a = client('upper', MSG_UPPER, 'send receive reply');
const b = client('length', MSG_LENGTH, 'channels and connections');
console.log(formatPidin(system.snapshot()));
clock.advanceBy(1000);
await a;
clock.advanceBy(1000);
await b;
