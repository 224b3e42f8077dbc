// Durable asyncmsg in virtual time on the in-memory log (docs/durable.md): the sender attaches
// and puts while no receiver exists; the receiver comes later and gets everything, in order.
import { createSystem, utf8 } from 'rxnto';
import { MemoryDurableLog, VirtualClock } from 'rxnto/testing';

const clock = new VirtualClock();
const log = new MemoryDurableLog({ scheduler: clock });
const durable = { log, ackWaitMs: 1000 };
const shop = createSystem({ scheduler: clock, node: 'shop', net: { durable } });
const mill = createSystem({ scheduler: clock, node: 'mill', net: { durable } });

// the sender attaches by name while no receiver exists: what it puts waits in the log
const orders = shop.process({ name: 'shop' }).asyncConnect('orders', { durable: true, producerId: 'shop', codec: utf8, count: 2, time: 5 });
orders.stored$.subscribe((s) => console.log(`stored ${s.handle} as ${s.id.replace(/:\d+:/, ':<epoch>:')}`));
orders.subscribe((d) => console.log(`report ${d.handle} ${d.value}: ${d.err === 0 ? 'taken' : d.err}`));
for (const order of ['bolts', 'nuts', 'gears']) orders.next(order);
clock.advanceBy(100);

// the receiver comes later; a batch is acknowledged when it settles (here: when its emission returns)
const inbox = mill.process({ name: 'mill' }).asyncChannel({ durable: 'orders', codec: utf8 });
inbox.subscribe((batch) => console.log(`mill got ${batch.map((m) => `${m.seq}:${m.data}`).join(' ')}`));
clock.advanceBy(100);
