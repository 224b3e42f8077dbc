/**
 * `struct sigevent` delivery. Only the kinds a message-passing kernel can honour are modelled:
 * SIGEV_NONE (nothing), SIGEV_PULSE (a pulse through a connection of the target process) and
 * SIGEV_UNBLOCK (for TimerTimeout). Signal kinds are refused with ENOTSUP at validation.
 * @internal
 * @packageDocumentation
 */
import {
  PRIORITY_MAX, SIGEV_NONE, SIGEV_PULSE, SIGEV_PULSE_PRIO_INHERIT, SIGEV_TYPE_MASK, SIGEV_UNBLOCK,
} from './constants.js';
import type { KernelCore } from './core.js';
import { ERRNO } from './errno.js';
import { Pulse, type Process } from './objects.js';
import { queuePulse } from './pulseDelivery.js';
import { mayPulse } from './security.js';
import type { Sigevent } from './types.js';
import { KernelError } from './KernelError.js';

/** 0 when `ev` can be delivered by this kernel, else the errno that refuses it. */
export function validateEvent(ev: Sigevent, allowUnblock: boolean): number {
  if (typeof ev !== 'object' || ev === null || typeof ev.sigev_notify !== 'number') return ERRNO.EINVAL;
  const type = ev.sigev_notify & SIGEV_TYPE_MASK;
  if (type === SIGEV_NONE) return 0;
  if (type === SIGEV_UNBLOCK) return allowUnblock ? 0 : ERRNO.EINVAL;
  if (type !== SIGEV_PULSE) return type <= 7 ? ERRNO.ENOTSUP : ERRNO.EINVAL;
  const prio = ev.sigev_priority ?? SIGEV_PULSE_PRIO_INHERIT;
  if (!Number.isInteger(prio) || prio === 0 || prio < -1 || prio > PRIORITY_MAX) return ERRNO.EINVAL;
  const code = ev.sigev_code ?? 0;
  if (!Number.isInteger(code) || code < -128 || code > 127) return ERRNO.EINVAL;
  if (!Number.isInteger(ev.sigev_coid)) return ERRNO.EINVAL;
  return 0;
}

/**
 * The pulse credential rule for an event `target` will have delivered (QNX 7.1, as for
 * `MsgSendPulse`): 0, or EPERM when its pulse would reach a channel of a process `target` may
 * not pulse. A connection that does not resolve now is left to delivery time.
 */
export function eventCredentials(target: Process, ev: Sigevent): number {
  if ((ev.sigev_notify & SIGEV_TYPE_MASK) !== SIGEV_PULSE) return 0;
  const conn = target.coids.get(ev.sigev_coid ?? -1)?.conn;
  // through a remote connection the server node applies the rule (and drops what it refuses)
  if (conn !== undefined && conn.remote !== null) return 0;
  const ch = conn?.channel;
  return ch === null || ch === undefined || mayPulse(target, ch.owner) ? 0 : ERRNO.EPERM;
}

/**
 * Deliver `ev` on behalf of `target` (its `sigev_coid` is one of target's connections).
 * Returns 0 or the errno: ESRCH (no such connection), EBADF (its channel is gone), EPERM (the
 * credential rule of `MsgSendPulse`: nothing is delivered).
 */
export function deliverEventFor(k: KernelCore, target: Process, ev: Sigevent, basePriority: number): number {
  const type = ev.sigev_notify & SIGEV_TYPE_MASK;
  if (type !== SIGEV_PULSE) return 0;
  if (target.nd !== 0) {
    // a remote client: its node delivers it; QNX does not promise delivery across nodes
    k.net!.event(target, ev, basePriority);
    return 0;
  }
  const entry = target.coids.get(ev.sigev_coid ?? -1);
  if (entry === undefined) return ERRNO.ESRCH;
  const ch = entry.conn.channel;
  if (ch === null || !ch.alive) return ERRNO.EBADF;
  const prio = ev.sigev_priority === undefined || ev.sigev_priority === SIGEV_PULSE_PRIO_INHERIT ? basePriority : ev.sigev_priority;
  if (entry.conn.remote !== null) {
    // a pulse through a connection to another node (a timer or an event on a remote coid)
    try {
      k.net!.pulse(k, target, entry, prio, ev.sigev_code ?? 0, ev.sigev_value?.sival_int ?? 0);
    } catch (e) {
      return e instanceof KernelError ? e.errno : ERRNO.EFAULT;
    }
    return 0;
  }
  if (!mayPulse(target, ch.owner)) return ERRNO.EPERM;
  queuePulse(k, ch, new Pulse(ev.sigev_code ?? 0, ev.sigev_value?.sival_int ?? 0, prio, entry.conn.scoid));
  return 0;
}
