/**
 * The Subscriber of a long-lived subscription of the binding's own Observables (a channel, its
 * `messages()`, a connection's replies) made with callbacks.
 * @packageDocumentation
 */
import { Subscriber, type Observable, type Subscription } from 'rxjs';
import {
  directComplete, directError, directNext, mayGoDirect, subscribe3, type CompleteCallback, type ErrorCallback, type ObserverOrNext,
} from './directDelivery.js';

/**
 * @internal A `Subscriber` that calls the callbacks given to `subscribe()` itself, as RxJS's
 * `SafeSubscriber` does (a throw is reported as unhandled, an error without a callback too), but
 * without the observer object `SafeSubscriber` puts between: one call per item instead of three.
 * Stopped, unsubscribed and teardown behave as in any `Subscriber`.
 */
export class DirectSubscriber<T> extends Subscriber<T> {
  constructor(
    private readonly o: ObserverOrNext<T>,
    private readonly e: ErrorCallback,
    private readonly c: CompleteCallback,
  ) {
    super();
  }

  override next(value: T): void {
    // stopped: RxJS's handling of a late notification (config.onStoppedNotification)
    if (this.isStopped) super.next(value);
    else directNext(this.o, value);
  }

  protected override _error(err: unknown): void {
    try {
      directError(this.o, this.e, err);
    } finally {
      this.unsubscribe();
    }
  }

  protected override _complete(): void {
    try {
      directComplete(this.o, this.c);
    } finally {
      this.unsubscribe();
    }
  }
}

/**
 * @internal `observable.subscribe(o, e, c)` with RxJS's own `Observable.subscribe` (the caller's
 * override calls this), through a {@link DirectSubscriber} when the arguments allow (see
 * `mayGoDirect`).
 */
export function subscribeDirect<T>(observable: Observable<T>, o: ObserverOrNext<T>, e: ErrorCallback, c: CompleteCallback): Subscription {
  const target = observable as Observable<unknown>;
  return mayGoDirect(o) ? subscribe3.call(target, new DirectSubscriber<T>(o, e, c), undefined, undefined) : subscribe3.call(target, o, e, c);
}
