/**
 * The delivery reports of an `AsyncConnection`, multicast to its subscribers as a `Subject` would,
 * without a `Subject`'s cost per value (its `next` makes a closure per call): one report per put
 * is the connection's hot path.
 * @internal
 * @packageDocumentation
 */
import type { Subscriber, TeardownLogic } from 'rxjs';

/**
 * A `Subject`'s multicast: each value goes to the subscribers there were when it was emitted (a
 * new array on every change, so that one leaving during an emission is skipped as a closed
 * `Subscriber` skips it); after `complete()` or `error()`, late subscribers get the end at once.
 * @internal
 */
export class Reports<V> {
  private subscribers: ReadonlyArray<Subscriber<V>> = [];
  /** Live: undefined; completed: null; errored: the error, boxed. */
  private ended: { readonly error: unknown } | null | undefined = undefined;

  /** Add `s` (the Observable's subscribe function): its teardown removes it. */
  subscribe(s: Subscriber<V>): TeardownLogic {
    const ended = this.ended;
    if (ended !== undefined) {
      if (ended === null) s.complete();
      else s.error(ended.error);
      return undefined;
    }
    this.subscribers = [...this.subscribers, s];
    return () => {
      this.subscribers = this.subscribers.filter((x) => x !== s);
    };
  }

  next(value: V): void {
    const subs = this.subscribers;
    for (let i = 0; i < subs.length; i++) subs[i]!.next(value);
  }

  complete(): void {
    if (this.ended !== undefined) return;
    this.ended = null;
    const subs = this.subscribers;
    this.subscribers = [];
    for (const s of subs) s.complete();
  }

  error(error: unknown): void {
    if (this.ended !== undefined) return;
    this.ended = { error };
    const subs = this.subscribers;
    this.subscribers = [];
    for (const s of subs) s.error(error);
  }
}
