import type { Itimer, Sigevent } from '../kernel/index.js';
import { block, sys } from './cResult.js';

/** `struct _itimer`. */
export type _itimer = Itimer;
/** `struct sigevent`. */
export type sigevent = Sigevent;

/**
 * `int TimerTimeout(clockid_t id, int flags, const struct sigevent *notify, const uint64_t *ntime, uint64_t *otime)`:
 * arms a timeout for the calling thread's next blocking call; returns the previous flags, or -1.
 * `ntime` is a number of nanoseconds (or bigint), `null` for an immediate timeout. `otime` is
 * accepted for the C shape; JS cannot write through a number, so nothing is returned in it.
 */
export function TimerTimeout(id: number, flags: number, notify: Sigevent | null, ntime: number | bigint | null, _otime?: number | bigint | null): number {
  return sys((k, t) => k.timerTimeout(t, id, flags, notify, ntime));
}

/** `timer_t TimerCreate(clockid_t id, const struct sigevent *event)`: a timer id, or -1. */
export function TimerCreate(id: number, event: Sigevent | null): number {
  return sys((k, t) => k.timerCreate(t, id, event));
}

/** `int TimerSettime(timer_t id, int flags, const struct _itimer *itime, struct _itimer *oitime)`. */
export function TimerSettime(id: number, flags: number, itime: Itimer, oitime?: Itimer | null): number {
  return sys((k, t) => k.timerSettime(t, id, flags, itime, oitime ?? null));
}

/** `int TimerDestroy(timer_t id)`. */
export function TimerDestroy(id: number): number {
  return sys((k, t) => k.timerDestroy(t, id));
}

/** `int nanosleep(const struct timespec *rqtp, ...)`, with the time in nanoseconds: 0, or -1. */
export function nanosleep(ns: number | bigint): Promise<number> {
  return block((k, t, done) => k.nanosleep(t, ns, done));
}

/** `unsigned sleep(unsigned seconds)`: resolves to 0 when the time has passed. */
export async function sleep(seconds: number): Promise<number> {
  // a time that is not a number is EINVAL (nanosleep's answer), not a thrown coercion
  const r = await nanosleep(typeof seconds === 'number' ? Math.max(0, seconds) * 1e9 : Number.NaN);
  return r === -1 ? seconds : 0;
}

/** `unsigned delay(unsigned milliseconds)`: resolves to 0 when the time has passed. */
export async function delay(milliseconds: number): Promise<number> {
  const r = await nanosleep(typeof milliseconds === 'number' ? Math.max(0, milliseconds) * 1e6 : Number.NaN);
  return r === -1 ? milliseconds : 0;
}
