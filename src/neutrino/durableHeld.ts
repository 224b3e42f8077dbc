/**
 * The durable messages behind the headers `asyncmsg_get` hands out, acknowledged at
 * `asyncmsg_free` (issue 25). Keyed by the header object itself, so this file needs nothing of
 * `asyncCalls.ts` (which calls it) and no import circle ties the two.
 * @packageDocumentation
 */
import type { AsyncMessage, Kernel, Thread } from '../kernel/index.js';
import type { DurableTake } from '../kernel/net/durable.js';

/** The durable message behind a header of `asyncmsg_get`, to acknowledge at `asyncmsg_free`. */
const held = new WeakMap<object, { kernel: Kernel; thread: Thread; chid: number; take: DurableTake }>();

/** @internal `asyncmsg_get` on a durable channel: what each header is (call first thing in the get's continuation). */
export function durableTaken(kernel: Kernel, thread: Thread, chid: number, messages: readonly AsyncMessage[]): ((h: object, i: number) => void) | null {
  const d = kernel.net?.durable ?? null;
  if (d === null || !d.has(thread, chid)) return null;
  const take = d.batch(thread, chid, messages);
  return (h, i) => { held.set(h, { kernel, thread, chid, take: { infos: [take.infos[i] ?? null], items: [take.items[i] ?? null] } }); };
}

/** @internal `asyncmsg_free` of a durable message: acknowledged. */
export function durableFree(h: object | null): void {
  const m = h === null ? undefined : held.get(h);
  if (m === undefined) return;
  held.delete(h!);
  m.kernel.net?.durable?.settle(m.thread, m.chid, m.take, true);
}
