/**
 * The pull-style side of channels, without a dependency on any iteration library.
 * @packageDocumentation
 */

/**
 * What `receive()` of a {@link Channel} or an {@link AsyncChannel} returns: a standard
 * `AsyncIterable` (use it with `for await`), whose `[Symbol.asyncIterator]` also takes an optional
 * `AbortSignal`, as IxJS's `AsyncIterableX` does. Each iterator is one logical receiving thread:
 * each `next()` is one receive, aborting the signal unblocks a waiting receive (the iterator
 * rejects with the signal's reason), and leaving the loop (`return()`) ends the thread.
 *
 * rxnto does not depend on IxJS. To use its operators, install `ix` (an optional peer) and wrap
 * the iterable with `from()` of `ix/asynciterable`. IxJS forwards its own AbortSignal only to
 * sources that are `AsyncIterableX` instances, so to abort a receive that waits inside an IxJS
 * pipeline, pass the signal to `receive({ signal })`.
 *
 * @example
 * ```ts
 * const it: PullIterable<Received<string>> = ch.receive({ signal });
 * for await (const m of it) if (m.kind === 'message') m.reply(m.data);
 *
 * // with IxJS (optional peer)
 * import { from } from 'ix/asynciterable';
 * import { filter, take } from 'ix/asynciterable/operators';
 * const firstTwo = from(ch.receive()).pipe(filter((m) => m.kind === 'message'), take(2));
 * for await (const m of firstTwo) if (m.kind === 'message') m.reply(m.data);
 * ```
 */
export interface PullIterable<T> extends AsyncIterable<T> {
  /**
   * Starts one iterator (one logical receiving thread). `signal`, when given, aborts it like the
   * `signal` option of `receive()` does; either one aborting is enough.
   */
  [Symbol.asyncIterator](signal?: AbortSignal): AsyncIterator<T>;
}
