/**
 * TimerTimeout (kernel timeouts for the next blocking call), TimerCreate / TimerSettime /
 * TimerDestroy (pulses on expiry) and nanosleep.
 * @internal
 * @packageDocumentation
 */
import { CLOCK_MONOTONIC, CLOCK_REALTIME, CLOCK_SOFTTIME, SIGEV_PULSE, SIGEV_TYPE_MASK, STATE_NANOSLEEP, STATE_READY, TIMER_ABSTIME } from './constants.js';
import { alive, callable, fail, int, outParam, type KernelCore } from './core.js';
import { deliverEventFor, eventCredentials, validateEvent } from './events.js';
import { KernelError } from './KernelError.js';
import { KTimer, SleepWait, type Done, type Thread } from './objects.js';
import { nsToMs } from './scheduler.js';
import type { Itimer, Sigevent } from './types.js';

function checkClock(id: number, call: string): void {
  if (id !== CLOCK_REALTIME && id !== CLOCK_MONOTONIC && id !== CLOCK_SOFTTIME) throw fail('EINVAL', call);
}

function isNs(v: unknown): v is number | bigint {
  return (typeof v === 'number' && Number.isFinite(v) && v >= 0) || (typeof v === 'bigint' && v >= 0n);
}

/** Milliseconds until an expiry given in ns, relative or (with TIMER_ABSTIME) absolute. */
function delayMs(k: KernelCore, ns: number | bigint, absolute: boolean): number {
  if (!absolute) return nsToMs(ns);
  return Math.max(0, nsToMs(ns) - k.scheduler.now());
}

export function timerTimeout(
  k: KernelCore, t: Thread, clockid: number, flags: number, notify: Sigevent | null, ntime: number | bigint | null,
): number {
  const call = 'TimerTimeout';
  alive(t, call);
  int(clockid, call, 'id');
  int(flags, call, 'flags');
  checkClock(clockid, call);
  if (notify !== null) {
    const bad = validateEvent(notify, true) || eventCredentials(t.process, notify);
    if (bad !== 0) throw new KernelError(bad, call);
  }
  if (ntime !== null && !isNs(ntime)) throw fail('EINVAL', call);
  const prev = t.timeout?.flags ?? 0;
  const states = flags & ~TIMER_ABSTIME;
  if (states === 0) {
    t.timeout = null;
    return prev;
  }
  const ms = ntime === null ? null : delayMs(k, ntime, (flags & TIMER_ABSTIME) !== 0);
  // an absolute time already past is an immediate timeout
  const immediate = ms === null || ((flags & TIMER_ABSTIME) !== 0 && ms === 0);
  t.timeout = { flags: states, ms: immediate ? null : ms, notify: notify !== null && (notify.sigev_notify & SIGEV_TYPE_MASK) === SIGEV_PULSE ? notify : null };
  return prev;
}

export function timerCreate(t: Thread, clockid: number, ev: Sigevent | null): number {
  const call = 'TimerCreate';
  alive(t, call);
  int(clockid, call, 'id');
  checkClock(clockid, call);
  // no event means SIGALRM in C: signals are not modelled
  if (ev === null) throw fail('ENOTSUP', call);
  const bad = validateEvent(ev, false);
  if (bad !== 0) throw new KernelError(bad, call);
  const p = t.process;
  if ((ev.sigev_notify & SIGEV_TYPE_MASK) === SIGEV_PULSE) {
    const entry = p.coids.get(ev.sigev_coid ?? -1);
    const ch = entry?.conn.channel;
    if (entry === undefined || ch === null || ch === undefined || !ch.alive) throw fail('EBADF', call, { coid: ev.sigev_coid ?? -1 });
    if (eventCredentials(p, ev) !== 0) throw fail('EPERM', call);
  }
  const id = p.timers.lowestFree(0);
  p.timers.set(id, new KTimer(id, p, clockid, { ...ev, sigev_value: { sival_int: ev.sigev_value?.sival_int ?? 0 } }));
  return id;
}

export function timerSettime(k: KernelCore, t: Thread, id: number, flags: number, itime: Itimer, oitime: Itimer | null): number {
  const call = 'TimerSettime';
  alive(t, call);
  int(id, call, 'id');
  int(flags, call, 'flags');
  const timer = t.process.timers.get(id);
  if (timer === undefined) throw fail('EINVAL', call);
  if (typeof itime !== 'object' || itime === null || !isNs(itime.nsec) || !isNs(itime.interval_nsec)) throw fail('EINVAL', call);
  if (oitime !== null) {
    outParam(oitime, call, 'oitime');
    const left = timer.due < 0 ? 0 : Math.max(1, (timer.due - k.scheduler.now()) * 1e6);
    oitime.nsec = left;
    oitime.interval_nsec = timer.intervalNs;
  }
  timer.handle?.unsubscribe();
  timer.handle = null;
  timer.due = -1;
  if (Number(itime.nsec) === 0) return 0;
  timer.intervalNs = itime.interval_nsec;
  timer.intervalMs = Number(itime.interval_nsec) === 0 ? 0 : Math.max(1, nsToMs(itime.interval_nsec));
  arm(k, timer, delayMs(k, itime.nsec, (flags & TIMER_ABSTIME) !== 0));
  return 0;
}

function arm(k: KernelCore, timer: KTimer, ms: number): void {
  timer.due = k.scheduler.now() + ms;
  timer.handle = k.schedule(() => fire(k, timer), ms);
}

function fire(k: KernelCore, timer: KTimer): void {
  timer.handle = null;
  timer.due = -1;
  if (!timer.owner.alive || timer.owner.timers.get(timer.id) !== timer) return;
  if (timer.intervalMs > 0) arm(k, timer, timer.intervalMs);
  if (timer.event !== null) deliverEventFor(k, timer.owner, timer.event, timer.owner.priority);
}

export function timerDestroy(t: Thread, id: number): number {
  const call = 'TimerDestroy';
  alive(t, call);
  int(id, call, 'id');
  const timer = t.process.timers.get(id);
  if (timer === undefined) throw fail('EINVAL', call);
  timer.handle?.unsubscribe();
  t.process.timers.delete(id);
  return 0;
}

/** Block `t` in NANOSLEEP for `ns` nanoseconds. */
export function nanosleep(k: KernelCore, t: Thread, ns: number | bigint, done: Done): void {
  const call = 'nanosleep';
  callable(t, call);
  if (!isNs(ns)) throw fail('EINVAL', call);
  const s = new SleepWait(t, done);
  t.wait = s;
  t.state = STATE_NANOSLEEP;
  s.timer = k.schedule(() => {
    s.timer = null;
    if (t.wait !== s) return;
    t.wait = null;
    t.state = STATE_READY;
    k.complete(s, 0, 0);
  }, nsToMs(ns));
}
