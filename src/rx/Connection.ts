import { Observable, Subject } from 'rxjs';
import {
  CLOCK_MONOTONIC, ERRNO, KernelError, PRIORITY_MAX, _NTO_TIMEOUT_REPLY, _NTO_TIMEOUT_SEND, isKernelError, type Kernel,
  type Thread,
} from '../kernel/index.js';
import type { ChannelOwner } from './Channel.js';
import type { Codec } from './codecs.js';
import { Reply } from './Received.js';

/** A pulse to send: a code (0..127 for applications), or code, value and priority. */
export type PulseInit = number | { readonly code: number; readonly value?: number; readonly priority?: number };

/** Which blocked states a send timeout covers (`_NTO_TIMEOUT_SEND`, `_NTO_TIMEOUT_REPLY`). */
export type TimeoutStates = 'send' | 'reply' | 'both';

/** Options of {@link Connection.send}. */
export interface SendOptions {
  /** Priority of the sending thread (1..255); default: the connection's. */
  readonly priority?: number;
  /** Size of the reply buffer; a longer reply is truncated (the model's rule). */
  readonly replySize?: number;
  /**
   * A kernel timeout (TimerTimeout) in scheduler milliseconds. A SEND timeout withdraws the
   * message; a REPLY timeout on a channel without `_NTO_CHF_UNBLOCK` fails at once, and on one
   * with it becomes an unblock pulse: the server decides.
   */
  readonly timeout?: number;
  /** States the timeout covers (default `'both'`: the whole round trip). */
  readonly timeoutStates?: TimeoutStates;
}

/** The largest reply buffer a send may ask for (a C `int` of bytes). */
const MAX_REPLY_SIZE = 2 ** 31 - 1;

/** Why `o` is not a usable {@link SendOptions}, or null when it is. */
export function checkSendOptions(o: SendOptions): string | null {
  if (typeof o !== 'object' || o === null) return 'options must be an object';
  const { priority, replySize, timeout, timeoutStates } = o;
  if (priority !== undefined && (!Number.isInteger(priority) || priority < 1 || priority > PRIORITY_MAX)) return `priority must be an integer 1..${PRIORITY_MAX}`;
  if (replySize !== undefined && (!Number.isInteger(replySize) || replySize < 0 || replySize > MAX_REPLY_SIZE)) return `replySize must be an integer 0..${MAX_REPLY_SIZE}`;
  if (timeout !== undefined && (typeof timeout !== 'number' || Number.isNaN(timeout) || timeout < 0)) return 'timeout must be a number of milliseconds >= 0';
  if (timeoutStates !== undefined && !(timeoutStates in STATES)) return "timeoutStates must be 'send', 'reply' or 'both'";
  return null;
}

/** Shared default: no allocation per send when options are left out. */
const NO_OPTIONS: SendOptions = {};

const STATES: Record<TimeoutStates, number> = {
  send: _NTO_TIMEOUT_SEND,
  reply: _NTO_TIMEOUT_REPLY,
  both: _NTO_TIMEOUT_SEND | _NTO_TIMEOUT_REPLY,
};

/** @internal */
export interface ConnectionConfig<T, R> {
  readonly owner: ChannelOwner;
  readonly coid: number;
  readonly codec: Codec<T>;
  readonly replyCodec: Codec<R>;
  readonly priority: number | undefined;
  readonly replySize: number;
}

/**
 * A connection to a channel, as a Subject: `next(pulse)` sends a pulse (`MsgSendPulse`, never
 * blocks), `send(msg)` is `MsgSend` as an Observable of one {@link Reply}, and `complete()`
 * detaches (`ConnectDetach`). Observers of the Subject see the pulses it sent. A pulse that
 * cannot be sent (the server is gone: `EBADF`) errors the Subject.
 *
 * Unsubscribing from `send()` before the reply is an unblock request: a SEND-blocked message is
 * withdrawn; a REPLY-blocked one is abandoned at once, or, on an `_NTO_CHF_UNBLOCK` channel, the
 * server gets an unblock pulse and the logical thread waits for its answer (which is dropped).
 *
 * @example
 * ```ts
 * const conn = client.connect(ch, { codec: utf8 });
 * conn.send('hello').subscribe((r) => console.log(r.status, r.data));
 * conn.next({ code: 3, value: 42 });
 * conn.complete();
 * ```
 */
export class Connection<T, R = T> extends Subject<PulseInit> {
  /** @internal */
  constructor(private readonly cfg: ConnectionConfig<T, R>) {
    super();
  }

  /** The connection id in the client process. */
  get coid(): number {
    return this.cfg.coid;
  }

  private get kernel(): Kernel {
    return this.cfg.owner.kernel;
  }

  /**
   * `MsgSendPulse`. A pulse the kernel refuses for what it is (a code outside -128..127, a bad
   * priority or value: `EINVAL`) throws that `KernelError` at the caller and changes nothing; a
   * connection that can no longer carry pulses (`EBADF`: the server is gone; `EPERM`) errors the
   * Subject.
   */
  override next(pulse: PulseInit): void {
    if (this.closed || this.isStopped) return;
    const p: { code?: unknown; value?: unknown; priority?: unknown } = typeof pulse === 'number' ? { code: pulse } : typeof pulse === 'object' && pulse !== null ? pulse : {};
    try {
      this.kernel.msgSendPulse(this.cfg.owner.control, this.cfg.coid, (p.priority ?? -1) as number, p.code as number, (p.value ?? 0) as number);
    } catch (e) {
      if (isKernelError(e) && e.code === 'EINVAL') throw e;
      this.error(e);
      return;
    }
    super.next(pulse);
  }

  /** Detach, then error the Subject's observers. */
  override error(err: unknown): void {
    if (this.isStopped) return;
    this.detach();
    super.error(err);
  }

  /** `ConnectDetach`, then complete the Subject's observers. */
  override complete(): void {
    if (this.isStopped) return;
    this.detach();
    super.complete();
  }

  private detach(): void {
    try {
      this.kernel.connectDetach(this.cfg.owner.control, this.cfg.coid);
    } catch (e) {
      if (!(e instanceof KernelError)) throw e;
    }
  }

  /**
   * `MsgSend`: an Observable that sends `msg` on subscription and emits one {@link Reply}, then
   * completes; a server's `MsgError` (or a transport failure) is a `KernelError` notification.
   * Each subscription is one send by a logical thread of its own.
   */
  send(msg: T, options: SendOptions = NO_OPTIONS): Observable<Reply<R>> {
    return this.sendBytes(this.cfg.codec.encode(msg), options);
  }

  /** `MsgSend` of bytes that are already encoded (a typed header, a C struct). */
  sendBytes(bytes: Uint8Array, options: SendOptions = NO_OPTIONS): Observable<Reply<R>> {
    const { owner, coid, replyCodec } = this.cfg;
    return new Observable<Reply<R>>((subscriber) => {
      // bad options are refused before a logical thread is taken: nothing leaks, nothing changes
      const bad = options === NO_OPTIONS ? null : checkSendOptions(options);
      if (bad !== null) {
        subscriber.error(new KernelError(ERRNO.EINVAL, 'MsgSend', { coid }, { cause: bad }));
        return;
      }
      const thread: Thread = owner.acquireThread(options.priority ?? this.cfg.priority);
      let replyBuf: Uint8Array;
      try {
        // the thread's reusable buffer; the reply bytes are copied out of it
        replyBuf = owner.scratch(thread, options.replySize ?? this.cfg.replySize);
      } catch (e) {
        owner.releaseThread(thread);
        subscriber.error(e instanceof RangeError ? new KernelError(ERRNO.ENOMEM, 'MsgSend', { coid }, { cause: e }) : e);
        return;
      }
      let settled = false;
      // the client process may die mid-call: the send's continuation would never run
      thread.onExit = () => {
        if (settled) return;
        settled = true;
        subscriber.error(new KernelError(ERRNO.ESRCH, 'MsgSend', { coid }));
      };
      try {
        if (options.timeout !== undefined) {
          this.kernel.timerTimeout(thread, CLOCK_MONOTONIC, STATES[options.timeoutStates ?? 'both'], null, Math.max(0, options.timeout) * 1e6);
        }
        this.kernel.msgSend(thread, coid, bytes, replyBuf, (err, status, length) => {
          settled = true;
          owner.releaseThread(thread);
          if (err !== 0) subscriber.error(new KernelError(err, 'MsgSend', { coid }));
          else {
            subscriber.next(new Reply(status, replyBuf.slice(0, length), replyCodec));
            subscriber.complete();
          }
        });
      } catch (e) {
        settled = true;
        owner.releaseThread(thread);
        subscriber.error(e);
      }
      return () => {
        // an unsubscribe before the answer is an unblock request (see the class comment)
        if (!settled) this.kernel.unblock(thread, ERRNO.EINTR);
      };
    });
  }
}
