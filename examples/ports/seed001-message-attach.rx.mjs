import { concat, concatMap, lastValueFrom, map, of, toArray } from 'rxjs';
import { createSystem, Router, VirtualClock, utf8 } from 'rxnto';
import { O_RDWR, S_IFNAM, _NTO_CHF_DISCONNECT, _NTO_CHF_UNBLOCK } from 'rxnto/constants';

const clock = new VirtualClock();
const system = createSystem({ scheduler: clock });
const server = system.process({ name: 'mynull' });
const channel = server.channel({ flags: _NTO_CHF_UNBLOCK | _NTO_CHF_DISCONNECT });

// the dispatch layer: ranges, pulses, a resource manager, and a pool of receivers
const router = new Router(channel, { loWater: 2, hiWater: 4, increment: 1, maximum: 50 });
router.resmgr('/dev/mynull', { mode: S_IFNAM | 0o666 });
router.message(0x5000, 0x5fff, (data, m) => utf8.encode(`private message, type 0x${m.type.toString(16)}`));
const tick = router.allocPulse((p) => console.log(`timer pulse, code ${p.code}, at ${clock.now()} ms`));
const timer = server.timer(server.connect(channel), { code: tick, delay: 1000, period: 1000 });
router.start();
console.log(`pool: ${router.threads.created} receivers, ${router.threads.waiting} waiting`);

// a client opens /dev/mynull, writes, reads, closes; then sends a private message
const client = system.process({ name: 'client' });
const file = await lastValueFrom(client.openFile('/dev/mynull', O_RDWR).pipe(
  concatMap((f) => concat(
    f.write(utf8.encode('hello')).pipe(map((n) => `wrote ${n}`)),
    f.read(64).pipe(map((b) => `read ${b.length} (end of file)`)),
    concat(f.close(), of('closed')),
  )),
  toArray(),
));
console.log(`client: ${file.join(', ')}`);
const reply = await lastValueFrom(client.connect(channel).sendBytes(new Uint8Array([0x34, 0x50])));
console.log(`client: "${utf8.decode(reply.bytes)}"`);

clock.advanceBy(2000);
timer.unsubscribe();
await lastValueFrom(router.stop(), { defaultValue: undefined });
console.log(`stopped: ${router.threads.created} receivers`);
