/**
 * The options of a send ({@link SendOptions}), their check, and the kernel timeout they arm.
 * @packageDocumentation
 */
import { CLOCK_MONOTONIC, PRIORITY_MAX, _NTO_TIMEOUT_REPLY, _NTO_TIMEOUT_SEND, type Kernel, type Thread } from '../kernel/index.js';

/** Which blocked states a send timeout covers (`_NTO_TIMEOUT_SEND`, `_NTO_TIMEOUT_REPLY`). */
export type TimeoutStates = 'send' | 'reply' | 'both';

/** Options of {@link Connection.send}. */
export interface SendOptions {
  /** Priority of the sending thread (1..255); default: the connection's. */
  readonly priority?: number;
  /**
   * Size of the reply buffer. Left out, the whole reply arrives whatever its length; given, a
   * longer reply is cut to it (the model's rule), and `reply.truncated` says so.
   */
  readonly replySize?: number;
  /**
   * A buffer of yours for the reply (C's `rmsg`): the server's reply is copied straight into it,
   * cut to its length like a `replySize` of `replyInto.length` (which it replaces), and
   * `reply.bytes` is a view of it: no allocation and one copy per reply, the fastest way to take
   * large replies. Leave it alone until the send settles; it is yours again after.
   */
  readonly replyInto?: Uint8Array;
  /**
   * A kernel timeout (TimerTimeout) in scheduler milliseconds. A SEND timeout withdraws the
   * message; a REPLY timeout on a channel without `_NTO_CHF_UNBLOCK` fails at once, and on one
   * with it becomes an unblock pulse: the server decides (the binding's servers cancel).
   */
  readonly timeout?: number;
  /** States the timeout covers (default `'both'`: the whole round trip). */
  readonly timeoutStates?: TimeoutStates;
  /**
   * Aborting it is an unblock request, as unsubscribing is: the send then fails with
   * `signal.reason` (as `fetch` does), already at subscription when the signal is aborted. On an
   * `_NTO_CHF_UNBLOCK` channel (the binding's default) the server decides: its handler's
   * `message.signal` aborts with reason code `ECANCELED`, and a reply it still sends is the
   * send's reply.
   */
  readonly signal?: AbortSignal;
}

/** The largest reply buffer a send may ask for (a C `int` of bytes). */
const MAX_REPLY_SIZE = 2 ** 31 - 1;

const STATES: Record<TimeoutStates, number> = {
  send: _NTO_TIMEOUT_SEND,
  reply: _NTO_TIMEOUT_REPLY,
  both: _NTO_TIMEOUT_SEND | _NTO_TIMEOUT_REPLY,
};

/** Shared default: no allocation per send when options are left out. */
export const NO_OPTIONS: SendOptions = {};

/** @internal Why `o` is not a usable {@link SendOptions}, or null when it is. */
export function checkSendOptions(o: SendOptions): string | null {
  if (typeof o !== 'object' || o === null) return 'options must be an object';
  const { priority, replySize, timeout, timeoutStates, signal } = o;
  if (priority !== undefined && (!Number.isInteger(priority) || priority < 1 || priority > PRIORITY_MAX)) return `priority must be an integer 1..${PRIORITY_MAX}`;
  if (replySize !== undefined && (!Number.isInteger(replySize) || replySize < 0 || replySize > MAX_REPLY_SIZE)) return `replySize must be an integer 0..${MAX_REPLY_SIZE}`;
  if (o.replyInto !== undefined) {
    if (!(o.replyInto instanceof Uint8Array)) return 'replyInto must be a Uint8Array';
    if (replySize !== undefined) return 'give replySize or replyInto, not both';
  }
  if (timeout !== undefined && (typeof timeout !== 'number' || Number.isNaN(timeout) || timeout < 0)) return 'timeout must be a number of milliseconds >= 0';
  if (timeoutStates !== undefined && !(timeoutStates in STATES)) return "timeoutStates must be 'send', 'reply' or 'both'";
  if (signal !== undefined && !(typeof signal === 'object' && signal !== null && typeof (signal as AbortSignal).addEventListener === 'function')) return 'signal must be an AbortSignal';
  return null;
}

/** @internal Arm the kernel timeout of `options` for `thread`'s next blocking call. */
export function armTimeout(kernel: Kernel, thread: Thread, options: SendOptions): void {
  if (options.timeout === undefined) return;
  kernel.timerTimeout(thread, CLOCK_MONOTONIC, STATES[options.timeoutStates ?? 'both'], null, Math.max(0, options.timeout) * 1e6);
}
