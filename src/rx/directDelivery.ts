/**
 * Calling the callbacks given to `subscribe()` as RxJS's `SafeSubscriber` calls them, without
 * one: a send answered within its `subscribe()` call (in-process, a server waiting) needs no
 * Subscriber at all, and a long-lived subscription needs one Subscriber, not three objects.
 * @packageDocumentation
 */
import { Observable, Subscription, config, throwError, type Observer } from 'rxjs';

/** What `subscribe()` takes first: an observer, a `next` callback, or nothing. */
export type ObserverOrNext<T> = Partial<Observer<T>> | ((value: T) => void) | null | undefined;

/** The `error` callback of the deprecated three-argument `subscribe()` (its `any` is RxJS's: a narrower parameter is accepted). */
export type ErrorCallback = ((err: any) => void) | null | undefined;

/** The `complete` callback of the deprecated three-argument `subscribe()`. */
export type CompleteCallback = (() => void) | null | undefined;

/**
 * @internal Whether a `subscribe()` with these arguments may go direct: a callback (or nothing)
 * or a plain observer, with RxJS's deprecated synchronous error handling and `next` context off
 * (those go through a `SafeSubscriber` as ever). A `Subscriber` (an operator's) never goes direct.
 */
export function mayGoDirect(o: unknown): boolean {
  if (config.useDeprecatedSynchronousErrorHandling) return false;
  if (typeof o === 'function' || o === null || o === undefined) return true;
  if (typeof o !== 'object' || o instanceof Subscription || config.useDeprecatedNextContext) return false;
  // a subscription-like observer is a Subscriber to RxJS (`isSubscriber`): it is used as it is
  return typeof (o as { unsubscribe?: unknown }).unsubscribe !== 'function';
}

/**
 * RxJS's report of an error nobody handles (after the current job, or `config.onUnhandledError`),
 * through RxJS itself so that its configuration and a `TestScheduler` run apply.
 */
function reportUnhandled(err: unknown): void {
  throwError(() => err).subscribe();
}

/** @internal `next` as a `SafeSubscriber` calls it: a throw is reported, never thrown at the caller. */
export function directNext<T>(o: ObserverOrNext<T>, value: T): void {
  try {
    if (typeof o === 'function') o(value);
    else if (o != null && o.next) o.next(value);
  } catch (err) {
    reportUnhandled(err);
  }
}

/** @internal `complete` as a `SafeSubscriber` calls it (the observer's, or the third argument). */
export function directComplete<T>(o: ObserverOrNext<T>, c: CompleteCallback): void {
  try {
    if (typeof o === 'function' || o == null) c?.();
    else if (o.complete) o.complete();
  } catch (err) {
    reportUnhandled(err);
  }
}

/**
 * @internal `error` as a `SafeSubscriber` calls it: the observer's (or the second argument), a
 * throw of it reported; with neither, `err` itself is reported.
 */
export function directError<T>(o: ObserverOrNext<T>, e: ErrorCallback, err: unknown): void {
  try {
    if (typeof o === 'function' || o == null) {
      if (e) e(err);
      else reportUnhandled(err);
    } else if (o.error) o.error(err);
    else reportUnhandled(err);
  } catch (thrown) {
    reportUnhandled(thrown);
  }
}

/** The three-argument `subscribe()` of an Observable, for a call that passes all three through. */
type Subscribe3 = (this: Observable<unknown>, o: unknown, e: unknown, c: unknown) => Subscription;

/** @internal RxJS's own `Observable.subscribe`, called with the arguments it was given, whatever they are. */
export const subscribe3 = Observable.prototype.subscribe as Subscribe3;

/** @internal What a direct subscription that ended within its `subscribe()` call returns: a closed Subscription. */
export const CLOSED: Subscription = Subscription.EMPTY;
