import { Observable, defer, map, mergeMap, of, type ObservableInput, type OperatorFunction } from 'rxjs';
import { ERRNO, KernelError } from '../kernel/index.js';
import type { DispatchTable } from '../dispatch/DispatchTable.js';
import { isDeferred, resultOf, type HandlerResult } from '../rx/handlerResult.js';
import type { Received, ReceivedMessage, ReceivedPulse } from '../rx/Received.js';
import { replyWith } from './replyWith.js';

/** A message handler: its value, Promise or Observable (first value) is the reply. */
export type MessageHandler<T, R> = (data: T, message: ReceivedMessage<T, R>) => HandlerResult<R>;
/** A pulse handler: nothing to answer; a Promise or Observable keeps its receiving thread busy until it settles. */
export type PulseHandler = (pulse: ReceivedPulse) => unknown;

/** What a dispatch table holds for the RxJS layer: a message handler, a pulse handler, or a default for both. */
export type RouteHandler<T, R> =
  | { readonly kind: 'message'; readonly fn: MessageHandler<T, R> }
  | { readonly kind: 'pulse'; readonly fn: PulseHandler }
  | { readonly kind: 'default'; readonly message: MessageHandler<T, R> | null; readonly pulse: PulseHandler | null };

/** What {@link dispatchTo} emits per item it took. */
export interface Dispatched<T, R> {
  readonly item: Received<T, R>;
  /** The message type or pulse code. */
  readonly code: number;
  /** Whether a handler (range or default) took it. */
  readonly handled: boolean;
  /** 0, or the errno the client was answered with (EINVAL, ENOSYS, a handler's, EIO); EIO for a failed pulse handler. */
  readonly errno: number;
}

const NOOP = (): void => {};


/**
 * Routes each item of a channel through a dispatch table, in the dispatch layer's order: a
 * message under 2 bytes is answered `EINVAL`; one whose type no range covers goes to the default
 * handler, else is answered `ENOSYS`; a pulse goes to its code's handler, else the default, else
 * is dropped. A message handler's value (or Promise, or Observable's first value) is the reply.
 *
 * Intuition: `dispatch_handler()` for every item, `concurrency` at a time.
 *
 * ```text
 * channel:              -a(0x5001)-p(3)-b(0x6000)-c(1 byte)-|
 * dispatchTo(table):    -A---------P----B#ENOSYS--C#EINVAL--|   (# goes to that client only)
 * ```
 *
 * ## Example
 * ```ts
 * const table = new DispatchTable<RouteHandler<Uint8Array, Uint8Array>>();
 * table.attach('message_attach', 0x5000, 0x5fff, false, { kind: 'message', fn: (d) => d }, null, 0);
 * channel.pipe(dispatchTo(table)).subscribe();
 * ```
 * Most code uses `Router` (from `rxnto`), which builds the table and a thread pool of such subscribers.
 *
 * @param table The ranges, pulse codes and default.
 * @param concurrency Items in hand at once (default 1: one receiving thread's loop).
 * @returns An operator emitting one {@link Dispatched} per item.
 */
export function dispatchTo<T, R>(table: DispatchTable<RouteHandler<T, R>>, concurrency = 1): OperatorFunction<Received<T, R>, Dispatched<T, R>> {
  return mergeMap((item): ObservableInput<Dispatched<T, R>> => {
    if (item.kind === 'pulse') {
      const entry = table.lookup(true, item.code);
      const fn = entry === null ? null : entry.handler.kind === 'pulse' ? entry.handler.fn : entry.handler.kind === 'default' ? entry.handler.pulse : null;
      if (fn === null) return of({ item, code: item.code, handled: false, errno: 0 });
      return new Observable<Dispatched<T, R>>((subscriber) => {
        const done = (errno: number): void => {
          subscriber.next({ item, code: item.code, handled: true, errno });
          subscriber.complete();
        };
        let result: unknown;
        try {
          result = fn(item);
        } catch {
          done(ERRNO.EIO);
          return;
        }
        if (!isDeferred(result)) {
          done(0);
          return;
        }
        // an asynchronous handler keeps its receiving thread, as a pool thread busy in it would be
        const release = item.hold?.() ?? NOOP;
        const sub = resultOf(result).subscribe({
          error: () => { release(); done(ERRNO.EIO); },
          complete: () => { release(); done(0); },
        });
        return () => {
          sub.unsubscribe();
          release();
        };
      });
    }
    let handled = false;
    return defer(() => of(item)).pipe(
      replyWith<T, R>((data, message) => {
        if (message.bytes.length < 2) throw new KernelError('EINVAL', 'dispatch_handler', { rcvid: message.rcvid });
        const entry = table.lookup(false, message.type);
        const fn = entry === null ? null : entry.handler.kind === 'message' ? entry.handler.fn : entry.handler.kind === 'default' ? entry.handler.message : null;
        if (fn === null) throw new KernelError('ENOSYS', 'dispatch_handler', { rcvid: message.rcvid });
        handled = true;
        return fn(data, message);
      }, 1),
      map((a) => ({ item, code: item.type, handled, errno: a.errno })),
    );
  }, concurrency);
}

