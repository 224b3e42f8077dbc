import { Observable, mergeMap, take, type OperatorFunction } from 'rxjs';
import { ERRNO, isKernelError } from '../kernel/index.js';
import { isDeferred, resultOf, type HandlerResult } from '../rx/handlerResult.js';
import type { ReceivedMessage } from '../rx/Received.js';

/** What {@link replyWith} emits for each message it answered. */
export interface Answered<T, R> {
  readonly message: ReceivedMessage<T, R>;
  /** The reply sent (undefined for an empty reply or an error). */
  readonly reply: R | undefined;
  /**
   * 0 when the reply reached the client; the errno given to `MsgError` (-1 for a cancelled
   * message: the client gets EINTR, or ETIMEDOUT after a timeout); or the errno of an answer that
   * reached nobody (`ESRCH`: the client timed out, was unblocked or died first).
   */
  readonly errno: number;
  /**
   * Why the message was not replied to: what the handler threw or rejected with (the client got
   * its `KernelError`'s errno, else EIO), the codec's error for a message it could not decode
   * (EBADMSG), the cancellation (the message's `signal.reason`), or the failed answer.
   */
  readonly error?: unknown;
}

/**
 * Answers every message with what `project` returns: a value is replied at once, a Promise or
 * an Observable when it settles (its first value; an empty one gives an empty reply). A thrown
 * or rejected `KernelError` becomes `MsgError` with its errno; any other error becomes `EIO`
 * (kept in `Answered.error`); a message its codec cannot decode is answered `EBADMSG`. A message
 * `project` answered itself is left alone.
 *
 * Cancellation reaches the handler: when the client gives up (its `timeout()`, `switchMap`,
 * `takeUntil` or `AbortSignal` on an `_NTO_CHF_UNBLOCK` channel, the binding's default), the
 * handler's Observable is unsubscribed (a Promise handler sees `message.signal` abort) and the
 * message is answered `error(-1)`: the client gets EINTR, or ETIMEDOUT after a timeout.
 *
 * Intuition: the body of a QNX server loop, `MsgReply(rcvid, EOK, f(msg))`.
 *
 * ```text
 * messages:                   -a-----b------|
 * replyWith(x => timer(2)*):  ---A------B---|     (* resolves 2 frames later)
 * ```
 *
 * Unsubscribing stops the handlers: messages still waiting for their answer get `ECANCELED`, so
 * no client is left blocked.
 *
 * ## Example
 * ```ts
 * channel.pipe(messages(), replyWith((s: string) => s.toUpperCase())).subscribe();
 * channel.pipe(messages(), replyWith((q, m) => fetch(url(q), { signal: m.signal }).then((r) => r.text())));
 * ```
 *
 * @param project Maps a message's data (and the message) to the reply.
 * @param concurrency How many messages may be in hand at once (default: no limit), like a
 * thread pool's maximum.
 * @returns An operator emitting one {@link Answered} per message.
 * Errors it can give clients: the project's `KernelError` codes, `EIO`, `EBADMSG`, `ECANCELED`,
 * and EINTR / ETIMEDOUT for a cancelled message.
 * @see {@link messages}
 */
export function replyWith<T, R>(
  // NoInfer: the reply type comes from the channel, not from what the handler happens to return
  project: (data: T, message: ReceivedMessage<T, R>) => NoInfer<R> | PromiseLike<NoInfer<R>> | Observable<NoInfer<R>>,
  concurrency = Number.POSITIVE_INFINITY,
): OperatorFunction<ReceivedMessage<T, R>, Answered<T, R>> {
  return mergeMap((message) => {
    return new Observable<Answered<T, R>>((subscriber) => {
      let done = false;
      let onCancel: (() => void) | null = null;
      const answer = (reply: R | undefined, errno: number, error?: unknown): void => {
        done = true;
        if (onCancel !== null) message.signal.removeEventListener('abort', onCancel);
        // answered by `project` itself: left alone
        if (message.answered) {
          subscriber.next({ message, reply, errno });
          subscriber.complete();
          return;
        }
        let outcome = errno;
        let why = error;
        try {
          if (errno === 0) message.reply(reply);
          // a handler's error goes with its EIO: the client gets a RemoteError saying what it was
          else message.error(errno, error);
        } catch (e) {
          // the receiving thread is free again either way (ReceivedMessage releases it); ESRCH
          // means nobody heard the answer: answered already, or the client left first
          if (!isKernelError(e)) {
            subscriber.error(e);
            return;
          }
          outcome = e.errno;
          why ??= e;
        }
        subscriber.next(why === undefined ? { message, reply: outcome === 0 ? reply : undefined, errno: outcome } : { message, reply: undefined, errno: outcome, error: why });
        subscriber.complete();
      };
      const fail = (e: unknown): void => answer(undefined, isKernelError(e) ? e.errno : ERRNO.EIO, e);
      let data: T;
      try {
        data = message.data;
      } catch (e) {
        answer(undefined, ERRNO.EBADMSG, e);
        return;
      }
      let result: HandlerResult<R>;
      try {
        result = project(data, message);
      } catch (e) {
        fail(e);
        return;
      }
      if (!isDeferred(result)) {
        answer(result, 0);
        return;
      }
      let got = false;
      const inner = resultOf(result).pipe(take(1)).subscribe({
        next: (v) => { got = true; answer(v, 0); },
        error: fail,
        complete: () => { if (!got) answer(undefined, 0); },
      });
      if (!done) {
        // the client asked to leave: stop the work, hand it the unblock errno (MsgError -1)
        onCancel = () => {
          inner.unsubscribe();
          if (!done) answer(undefined, -1, message.signal.reason);
        };
        if (message.signal.aborted) onCancel();
        else message.signal.addEventListener('abort', onCancel);
      }
      return () => {
        inner.unsubscribe();
        if (onCancel !== null) message.signal.removeEventListener('abort', onCancel);
        if (!done) {
          try { message.error(ERRNO.ECANCELED); } catch (e) { if (!isKernelError(e)) throw e; }
        }
      };
    });
  }, concurrency);
}
