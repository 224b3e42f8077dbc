// A real kernel trace for the page's pure functions: a server answering later, two clients, a
// pulse, a server that never replies; every event as the stream carries it (with its node).
import { firstValueFrom } from 'rxjs';
import { createSystem, utf8, VirtualClock } from '../../../src/index.js';
import { messages } from '../../../src/operators/index.js';
import type { EventRow } from '../../../src/inspector/protocol.js';
import type { TraceEvent } from '../../../src/kernel/index.js';

export interface Traced {
  readonly events: EventRow[];
  readonly raw: TraceEvent[];
  readonly names: Map<number, string>;
}

export async function tracedRun(node = 'a'): Promise<Traced> {
  const clock = new VirtualClock();
  const system = createSystem({ scheduler: clock });
  const raw: TraceEvent[] = [];
  system.kernel.onTrace((e) => raw.push(e));
  const server = system.process({ name: 'server' });
  const silent = system.process({ name: 'silent' });
  const alice = system.process({ name: 'alice' });
  const bob = system.process({ name: 'bob' });
  const ch = server.channel({ codec: utf8 });
  // answers 10 ms later, on the kernel's (virtual) clock
  ch.pipe(messages()).subscribe((m) => { clock.schedule(() => m.reply(m.data.toUpperCase()), 10); });
  const never = silent.channel({ codec: utf8 });
  never.subscribe(); // receives, never replies
  const a = alice.connect(ch, { codec: utf8 });
  const b = bob.connect(ch, { codec: utf8 });
  const replies: Promise<unknown>[] = [];
  for (let i = 0; i < 3; i++) {
    replies.push(firstValueFrom(a.send(`a${i}`)));
    replies.push(firstValueFrom(b.send(`b${i}`)));
    clock.advanceBy(5);
  }
  a.pulse(3, 7);
  bob.connect(never, { codec: utf8 }).send('hello?').subscribe();
  clock.advanceBy(200);
  await Promise.all(replies);
  const names = new Map([[server.pid, 'server'], [silent.pid, 'silent'], [alice.pid, 'alice'], [bob.pid, 'bob']]);
  return { events: raw.map((e) => ({ ...e, node })), raw, names };
}
