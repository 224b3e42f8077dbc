/**
 * The Subject a connection multicasts its replies through.
 * @packageDocumentation
 */
import { Subject, config } from 'rxjs';

/**
 * @internal A `Subject` whose `next` calls a lone subscriber directly: `Subject.next` would wrap
 * the call in a closure and loop over a copy of its one-element observer list, which is most of
 * its cost. The same subscriber is called with the same value, and a subscription made or ended
 * during the call changes nothing for this value, as with `Subject.next` (its copy is made before
 * the call). Anything else (several subscribers, a stopped Subject, RxJS's deprecated
 * synchronous error handling) goes through `Subject.next`.
 */
export class ReplySubject<T> extends Subject<T> {
  override next(value: T): void {
    if (!this.closed && !this.isStopped && !config.useDeprecatedSynchronousErrorHandling) {
      // rxjs 7's list of subscribers (the peer range is ^7.8): read here, never changed
      const observers = this.observers;
      if (observers.length === 1) {
        observers[0]!.next(value);
        return;
      }
    }
    super.next(value);
  }
}
