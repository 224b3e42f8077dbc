// A server and its clients, the RxJS way: a channel is an Observable, a connection a Subject.
import { firstValueFrom, map, take, toArray } from 'rxjs';
import { VirtualClock, createSystem, defineProtocol, json, remote, utf8, type Reply } from 'rxnto';
import { messages, replyWith, serveProtocol } from 'rxnto/operators';

const system = createSystem({ scheduler: new VirtualClock() }); // virtual time; omit for real time
const server = system.process({ name: 'server' });
const client = system.process({ name: 'client' });

// every subscriber of a channel is a receiving thread; replyWith answers each message
const upper = server.channel({ codec: utf8 });
upper.pipe(messages(), replyWith((text: string) => text.toUpperCase())).subscribe();

// a Connection is a Subject: next() sends (in order, one at a time), subscribers get the replies
const conn = client.connect(upper, { codec: utf8 });
const three = firstValueFrom(conn.pipe(map((r: Reply<string>) => r.data), take(3), toArray()));
for (const word of ['send', 'receive', 'reply']) conn.next(word);
console.log(`replies: ${(await three).join(' ')}`);

// send() is one request with its own Observable (for mergeMap, catchError, correlation)
const one = await firstValueFrom(conn.send('once'));
console.log(`send: status ${one.status}, ${one.data}, ${one.length} bytes, truncated: ${one.truncated}`);
conn.complete(); // detaches once what next() queued is answered

// a method-named protocol: the client's methods and the server's handlers share the names
interface Sensor {
  getReading: { type: 0x5001; request: { id: number }; reply: { id: number; celsius: number } };
  calibrate: { type: 0x5002; request: number; reply: boolean };
}
const sensor = defineProtocol<Sensor>({ getReading: 0x5001, calibrate: 0x5002 });
const sensors = server.channel();
sensors.pipe(messages(), serveProtocol(sensor, json(), {
  getReading: ({ id }) => ({ id, celsius: 20 + id / 10 }),
  calibrate: (offset) => Math.abs(offset) < 5,
})).subscribe();
const api = remote(client.connect(sensors), sensor, json());
const reading = await firstValueFrom(api.getReading({ id: 7 }));
console.log(`sensor ${reading.id}: ${reading.celsius} °C, calibrated: ${await firstValueFrom(api.calibrate(2))}`);
