import { from, isObservable, of, type Observable } from 'rxjs';

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

/** @internal A handler's result as an Observable: a plain value becomes `of(value)`. */
export function resultOf<V>(v: HandlerResult<V>): Observable<V> {
  if (isObservable(v)) return v;
  if (isPromiseLike(v)) return from(v);
  return of(v);
}
