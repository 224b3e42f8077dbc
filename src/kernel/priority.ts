/**
 * Priority inheritance and server boost, as reported priorities of logical threads.
 * @internal
 * @packageDocumentation
 */
import { _NTO_CHF_FIXED_PRIORITY, PRIORITY_MAX_UNPRIVILEGED, PROCMGR_AID_PRIORITY } from './constants.js';
import type { Channel, Thread } from './objects.js';

/** The priority a server thread of `ch` may be lifted to by a client at `prio`. */
function lendable(ch: Channel, prio: number): number {
  // QNX 7: a privileged client priority lifts a server only to the highest unprivileged one
  if (prio > PRIORITY_MAX_UNPRIVILEGED && !ch.owner.abilities.has(PROCMGR_AID_PRIORITY)) {
    return PRIORITY_MAX_UNPRIVILEGED;
  }
  return prio;
}

/**
 * `t` last received on `ch` (null: none): the channel keeps the set of such threads, so that a
 * boost visits them only, not every thread of the server process.
 */
export function setLastChannel(t: Thread, ch: Channel | null): void {
  const was = t.lastChannel;
  if (was === ch) return;
  was?.servers.delete(t);
  t.lastChannel = ch;
  ch?.servers.add(t);
}

/** A receiver that takes a message or pulse runs at its priority (unless FIXED_PRIORITY). */
export function inherit(receiver: Thread, ch: Channel, prio: number): void {
  setLastChannel(receiver, ch);
  if ((ch.flags & _NTO_CHF_FIXED_PRIORITY) === 0) receiver.priority = lendable(ch, prio);
}

/** Something queued at `prio` with nobody receiving: lift the channel's server threads. */
export function boost(ch: Channel, prio: number): void {
  if ((ch.flags & _NTO_CHF_FIXED_PRIORITY) !== 0) return;
  const p = lendable(ch, prio);
  for (const t of ch.servers) if (t.priority < p) t.priority = p;
}
