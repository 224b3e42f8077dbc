import { firstValueFrom, from, lastValueFrom, map, timer, toArray } from 'rxjs';
import { createSystem, VirtualClock, json, utf8 } from 'rxnto';
import { _NTO_CHF_DISCONNECT } from 'rxnto/constants';
import { messages, replyWith, sendTo, split } from 'rxnto/operators';

const system = createSystem({ scheduler: new VirtualClock() }); // virtual time; omit for real time
const server = system.process({ name: 'server' });
const client = system.process({ name: 'client' });

// a channel is an Observable: each subscriber is a receiving thread
const ch = server.channel({ codec: utf8, flags: _NTO_CHF_DISCONNECT });
const [requests$, pulses$] = split(ch); // one receiving thread, two streams
requests$.pipe(replyWith((text) => text.toUpperCase())).subscribe();
pulses$.subscribe((p) => console.log(`server: pulse ${p.code}`));

// a connection is a Subject: next() sends, pulse() sends a pulse, send() is one MsgSend, complete() detaches
const conn = client.connect(ch, { codec: utf8 });
const replies = await lastValueFrom(from(['send', 'receive', 'reply']).pipe(sendTo(conn), map((r) => r.data), toArray()));
console.log(`client: ${replies.join(' ')}`);
conn.pulse(5, 1);
conn.complete(); // the server sees _PULSE_CODE_DISCONNECT (-33)

// typed payloads, and a handler that answers later
const calc = server.channel({ codec: json() });
calc.pipe(messages(), replyWith(({ a, b }) => timer(10).pipe(map(() => a + b)))).subscribe();
const sum = await firstValueFrom(client.connect(calc, { codec: json() }).send({ a: 2, b: 3 }));
console.log(`client: 2 + 3 = ${sum.data}`);
