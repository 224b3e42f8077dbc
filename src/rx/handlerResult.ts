import { from, isObservable, of, throwError, type Observable } from 'rxjs';

/** What a handler may return: a value, a Promise (or thenable) of one, or an Observable. */
export type HandlerResult<V> = V | PromiseLike<V> | Observable<V>;

/** @internal Whether `v` is a Promise or another thenable. */
export function isPromiseLike(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

/** @internal Whether a handler's result settles later (a Promise or an Observable). */
export function isDeferred<V>(v: HandlerResult<V>): v is PromiseLike<V> | Observable<V> {
  return isObservable(v) || isPromiseLike(v);
}

/**
 * @internal A check on the Promises handlers return: while `active()`, each one is refused with
 * the error `refuse()` gives (a marble run, where Promises would settle only after the run).
 */
export interface PromiseCheck {
  readonly active: () => boolean;
  readonly refuse: () => Error;
}

/**
 * The checks of the marble harnesses in a run. Module state, because a handler's result reaches
 * `resultOf` with no kernel or scheduler beside it; only `MarbleHarness` adds checks, and each is
 * dropped once its run is over.
 */
const promiseChecks = new Set<PromiseCheck>();

/** @internal Check every Promise a handler returns while `check` is active. */
export function checkPromises(check: PromiseCheck): void {
  // the checks of runs that are over go now: a harness never outlives its spec here
  for (const c of promiseChecks) if (!c.active()) promiseChecks.delete(c);
  promiseChecks.add(check);
}

/** The error a Promise result fails with, if an active check refuses it. */
function refused(): Error | null {
  for (const c of promiseChecks) {
    if (c.active()) return c.refuse();
    promiseChecks.delete(c);
  }
  return null;
}

/**
 * @internal A handler's result as an Observable: a plain value becomes `of(value)`. A Promise
 * refused by a marble harness (see {@link checkPromises}) becomes that harness's error.
 */
export function resultOf<V>(v: HandlerResult<V>): Observable<V> {
  if (isObservable(v)) return v;
  if (isPromiseLike(v)) {
    const e = promiseChecks.size === 0 ? null : refused();
    return e === null ? from(v) : throwError(() => e);
  }
  return of(v);
}
