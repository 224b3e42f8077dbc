import { Observable, from, type ObservableInput, type OperatorFunction, type Subscription } from 'rxjs';

/** Something a receiving subscriber can hold: an async batch, or a pulse (their `hold()`). */
export interface Holdable {
  readonly hold?: () => () => void;
}

/** An item taken from the source, with the release of its hold (if it had one). */
interface Held<T> {
  readonly item: T;
  release: (() => void) | undefined;
}

/**
 * Handles each item with `project`, one at a time, while **holding** it from the moment the
 * source emits it until the project's Observable (or Promise) settles. The channel's receiving
 * thread is then busy: it takes the next item only after the last one was handled. On an
 * `AsyncChannel` the senders' rings fill while a batch is handled, and their puts wait or fail
 * `EAGAIN` — back-pressure, where `concatMap` would take every batch at once and buffer them
 * without bound.
 *
 * `hold()` works only while the item is being emitted, so it is called in the source's `next`,
 * never later. An item that arrives while a project runs waits in the operator (held, so its
 * channel takes nothing more): one item per holding source at most, none in the steady state for
 * a single channel, since the next batch arrives when the last is released. Items without
 * `hold()` cannot be held back and queue as in `concatMap`.
 *
 * Intuition: a QNX receiving thread that calls `asyncmsg_get` again only after handling the last batch.
 *
 * ```text
 * batches:                  -a-----b---|      (the next get waits: b is taken when a is done)
 * holdMap(b => timer(3)):   ----A-----B|
 * ```
 *
 * ## Example
 * ```ts
 * inbox.pipe(holdMap((batch) => store(batch.map((m) => m.data)))).subscribe();
 * ```
 *
 * @param project Handles one item; what it emits is passed on. An item without `hold()` is
 * handled without holding anything.
 * @returns An operator emitting what each project emits, one item at a time, in order; it
 * completes when the source has completed and the last project settled. Unsubscribing (or an
 * error) unsubscribes the source first, then releases every item still held.
 * @see `AsyncChannel` and `ReceivedPulse.hold`
 */
export function holdMap<T extends Holdable, R>(project: (item: T) => ObservableInput<R>): OperatorFunction<T, R> {
  return (source) =>
    new Observable<R>((subscriber) => {
      const waiting: Held<T>[] = [];
      let current: Held<T> | null = null;
      let inner: Subscription | null = null;
      let sourceDone = false;
      let draining = false;

      const release = (held: Held<T>): void => {
        const r = held.release;
        held.release = undefined;
        r?.();
      };

      /** The project of `held` has settled: let its source take the next item, then go on. */
      const settle = (held: Held<T>): void => {
        if (current !== held) return;
        current = null;
        inner = null;
        // released first: a channel emits its next item from here, and the loop below takes it
        release(held);
        drain();
      };

      const start = (held: Held<T>): void => {
        current = held;
        let input: ObservableInput<R>;
        try {
          input = project(held.item);
        } catch (e) {
          subscriber.error(e);
          return;
        }
        const sub = from(input).subscribe({
          next: (value) => subscriber.next(value),
          error: (e: unknown) => subscriber.error(e),
          complete: () => settle(held),
        });
        if (current === held) inner = sub;
      };

      // run to completion: an item emitted while a project settles synchronously is taken by
      // this loop, not by a nested call, so a synchronous chain does not grow the stack
      const drain = (): void => {
        if (draining) return;
        draining = true;
        while (current === null && waiting.length > 0 && !subscriber.closed) start(waiting.shift()!);
        draining = false;
        if (current === null && waiting.length === 0 && sourceDone) subscriber.complete();
      };

      const sourceSub = source.subscribe({
        next: (item) => {
          if (subscriber.closed) return;
          // now or never: hold() after the emission returns finds the next get already started
          waiting.push({ item, release: item.hold?.() });
          drain();
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => {
          sourceDone = true;
          drain();
        },
      });

      return () => {
        // the source goes first, so that a release cannot make its channel take another item
        sourceSub.unsubscribe();
        inner?.unsubscribe();
        if (current !== null) release(current);
        for (const held of waiting) release(held);
        current = null;
        inner = null;
        waiting.length = 0;
      };
    });
}
