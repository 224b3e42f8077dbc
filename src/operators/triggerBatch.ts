import { EMPTY, asyncScheduler, buffer, defer, bufferCount, exhaustMap, filter, merge, share, timer, type Observable, type OperatorFunction, type SchedulerLike } from 'rxjs';

/** The triggers of {@link triggerBatch}, as in `_asyncmsg_connection_attr`. */
export interface TriggerOptions {
  /** Count trigger (`trigger_num_msg`): close a batch when it holds this many. 0 or omitted: none. */
  readonly count?: number;
  /** Time trigger (`trigger_time`) in ms, armed by the first value of a batch. 0 or omitted: none. */
  readonly time?: number;
  /** Re-arm period (`interval_nsec`) in ms: the timer keeps firing while values come. */
  readonly interval?: number;
  /** Closes the current batch at once (`asyncmsg_flush`). */
  readonly flush?: Observable<unknown>;
  /** Time source for the time trigger (default `asyncScheduler`; `TestScheduler` in specs). */
  readonly scheduler?: SchedulerLike;
}

/**
 * Batches values with the asynchronous-messaging triggers: a batch closes when it holds `count`
 * values, when `time` has passed since its **first** value, or when `flush` emits. Empty batches
 * are never emitted; what is left when the source completes is emitted then.
 *
 * Intuition: `asyncmsg_put` with `trigger_num_msg` / `trigger_time`, seen as a stream.
 *
 * A count trigger alone is exactly `bufferCount(count)`. A time trigger is not `bufferTime`:
 * `bufferTime` windows start when you subscribe, QNX's timer starts at the first untriggered put,
 * so this operator closes a `buffer` with a timer started by the first value (`exhaustMap`).
 * As in QNX, a count or flush does not cancel a running timer: when it fires with nothing
 * pending, nothing is emitted.
 *
 * ```text
 * source:                      -a-b-----c-d-e-f-|
 * triggerBatch({ count: 3 }):  ---------x-----y-|    x = [a,b,c], y = [d,e,f]  (bufferCount(3))
 * triggerBatch({ time: 4 }):   -----x-------y---(z|) x = [a,b], y = [c,d,e], z = [f]
 *                                                     (4 frames after each batch's first value)
 * ```
 *
 * ## Example
 * ```ts
 * readings$.pipe(triggerBatch({ count: 256, time: 10 })).subscribe((batch) => store(batch));
 * ```
 *
 * @param options The triggers.
 * @returns An operator emitting arrays of the source's values, in order, each value once.
 * @see `AsyncConnection` (from `rxnto`)
 */
export function triggerBatch<T>(options: TriggerOptions): OperatorFunction<T, T[]> {
  const count = options.count ?? 0;
  const time = options.time ?? 0;
  const scheduler = options.scheduler ?? asyncScheduler;
  if (count > 0 && time <= 0 && options.flush === undefined) return bufferCount(count);
  return (source) => defer(() => {
    // per-subscription state: the size of the batch being filled
    const shared = source.pipe(share());
    let size = 0;
    const closeOnCount = count > 0 ? shared.pipe(filter(() => ++size >= count)) : EMPTY;
    const closeOnTime = time > 0
      ? shared.pipe(exhaustMap(() => (options.interval ?? 0) > 0 ? timer(time, options.interval!, scheduler) : timer(time, scheduler)))
      : EMPTY;
    const closing = merge(closeOnCount, closeOnTime, options.flush ?? EMPTY);
    return shared.pipe(
      buffer(closing),
      filter((batch) => {
        size = 0;
        return batch.length > 0;
      }),
    );
  });
}
