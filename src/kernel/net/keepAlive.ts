/**
 * Whether the node's timers and links keep the process alive (Node: `ref`/`unref`): heartbeats
 * never do, a peer's liveness deadline and its link only while a call crosses to or from it, so
 * a program whose work is done exits while its links stay open.
 * @internal
 * @packageDocumentation
 */
import type { TimerHandle } from '../scheduler.js';
import type { Peer } from './Peer.js';

interface Refable {
  ref?(): unknown;
  unref?(): unknown;
}

/**
 * Let the timer behind `handle` keep the process alive (`on`) or not. RxJS's `asyncScheduler`
 * hands back its action, whose `id` is the host's timer (a Node `Timeout`, which has `ref` and
 * `unref`; a browser's number has neither, and a virtual clock's task no `id`): anything else is
 * left as it is.
 */
export function refTimer(handle: TimerHandle | null, on: boolean): void {
  const id = (handle as { id?: unknown } | null)?.id;
  if (typeof id !== 'object' || id === null) return;
  const t = id as Refable;
  if (on) t.ref?.();
  else t.unref?.();
}

/** Asynchronous messages sent to `peer` and not yet taken by its gets (connections done with are let go). */
function asyncInFlight(peer: Peer): boolean {
  for (const c of peer.asyncSent) {
    if (c.alive && c.visible > 0) return true;
    peer.asyncSent.delete(c);
  }
  return false;
}

/**
 * A call (or asynchronous batch) started or ended across `peer`: tell its link and its deadline
 * when that changes whether any crosses.
 */
export function crossed(peer: Peer): void {
  const busy = peer.calls.size > 0 || peer.vsends.size > 0 || (peer.asyncSent.size > 0 && asyncInFlight(peer));
  if (busy === peer.busy) return;
  peer.busy = busy;
  peer.session?.link.busy?.(busy);
  refTimer(peer.deadline, busy);
}
