import { finalize, from, mergeMap, type ObservableInput, type OperatorFunction } from 'rxjs';

/** Something a receiving subscriber can hold: an async batch, or a pulse (their `hold()`). */
export interface Holdable {
  readonly hold?: () => () => void;
}

/**
 * Handles each item with `project` while **holding** it: the channel's receiving thread takes the
 * next item only once the project's Observable (or Promise) settles. On an `AsyncChannel` the
 * senders' rings then fill while a batch is being handled, and their puts wait or fail `EAGAIN`:
 * back-pressure, where `concatMap` would take every batch at once and buffer them without bound.
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
 * @returns An operator emitting what each project emits, one item at a time.
 * @see `AsyncChannel` and `ReceivedPulse.hold`
 */
export function holdMap<T extends Holdable, R>(project: (item: T) => ObservableInput<R>): OperatorFunction<T, R> {
  return mergeMap((item) => {
    // hold() must be called while the item is emitted: mergeMap calls project synchronously
    const release = item.hold?.();
    return from(project(item)).pipe(finalize(() => release?.()));
  }, 1);
}
