import { Observable, Subject, type Observer } from 'rxjs';
import { ERRNO, isKernelError, type Kernel, type Thread } from '../kernel/index.js';
import type { ChannelOwner } from './Channel.js';
import type { Codec } from './codecs.js';
import { explained } from './explain.js';
import { checkPulse } from './pulseCheck.js';
import { Reply } from './Received.js';
import { replyBuffer, replyBytes } from './replyBuffers.js';
import { SendObservable, type SendTarget } from './sendCall.js';
import { NO_OPTIONS, type SendOptions } from './sendOptions.js';

export type { SendOptions, TimeoutStates } from './sendOptions.js';

/** A pulse for {@link Connection.pulse}: a code, or code, value and priority. */
export type PulseInit = number | { readonly code: number; readonly value?: number; readonly priority?: number };

/** @internal */
export interface ConnectionConfig<T, R> {
  readonly owner: ChannelOwner;
  readonly coid: number;
  readonly codec: Codec<T>;
  readonly replyCodec: Codec<R>;
  readonly priority: number | undefined;
  /** A fixed reply buffer (the model's truncation), or undefined: the whole reply. */
  readonly replySize: number | undefined;
}

/**
 * A connection to a channel, as a Subject in the way RxJS's `WebSocketSubject` is one:
 *
 * - `next(msg)` sends `msg` (`MsgSend`) from the connection's own client thread: one at a time,
 *   in order, queuing while one is in flight (a QNX client thread). The connection is attached by
 *   `connect()`, so `next()` sends even with nobody subscribed.
 * - Subscribers receive the {@link Reply} to each of those sends, in order, multicast. A server's
 *   `MsgError` (or any failure) of one of them errors the Subject, which detaches; for
 *   per-request errors use {@link Connection.send} and `catchError`.
 * - Unsubscribing every subscriber does not detach (a `take(1)` subscriber ends nothing).
 * - `complete()` detaches once the queued sends are answered; `error()` detaches at once and
 *   drops what is queued; `next()` after either is ignored, and a late subscriber gets the
 *   completion or the error at once.
 * - {@link Connection.pulse} sends a pulse; {@link Connection.send} is one `MsgSend` as an
 *   Observable of one {@link Reply}, on a logical thread of its own (correlation, `mergeMap`).
 *
 * Unsubscribing from `send()` before the reply (or aborting its `signal`) is an unblock request:
 * a SEND-blocked message is withdrawn; a REPLY-blocked one is abandoned at once, or, on an
 * `_NTO_CHF_UNBLOCK` channel (the binding's default), the server is told and cancels its work.
 *
 * @example
 * ```ts
 * const conn = client.connect(ch, { codec: utf8 });
 * conn.subscribe((r) => console.log(r.data)); // replies to next(), in order
 * conn.next('hello');
 * conn.send('once').subscribe((r) => console.log(r.status, r.data));
 * conn.pulse(3, 42);
 * conn.complete(); // detaches after 'hello' is answered
 * ```
 */
export class Connection<T, R = T> extends Observable<Reply<R>> implements Observer<T> {
  private readonly replies = new Subject<Reply<R>>();
  /** Sends queued by next(), encoded. */
  private readonly queue: Uint8Array[] = [];
  /** The connection's own client thread (next()), made at the first next(). */
  private sender: Thread | null = null;
  private inFlight = false;
  /** The thread of the send in flight from `next()`. */
  private flight: Thread | null = null;
  private closing = false;
  private detached = false;

  /** @internal */
  constructor(private readonly cfg: ConnectionConfig<T, R>) {
    super((subscriber) => this.replies.subscribe(subscriber));
    const connection = this;
    this.target = {
      owner: cfg.owner, coid: cfg.coid, replyCodec: cfg.replyCodec, priority: cfg.priority, replySize: cfg.replySize,
      get detached() { return connection.detached; },
    };
  }

  /** What every `send()` of this connection needs (made once). */
  private readonly target: SendTarget<R>;

  /** The connection id in the client process. */
  get coid(): number {
    return this.cfg.coid;
  }

  /** Whether `complete()` or `error()` has been called (later `next()`s are ignored). */
  get closed(): boolean {
    return this.closing || this.detached;
  }

  private get kernel(): Kernel {
    return this.cfg.owner.kernel;
  }

  /** Send `msg` after the sends already queued; its reply goes to the subscribers. A value the codec cannot encode throws at once. */
  next(msg: T): void {
    if (this.closing || this.detached) return;
    const bytes = this.cfg.codec.encode(msg);
    // nothing ahead of it: it goes at once, without a trip through the queue
    if (this.inFlight || this.queue.length > 0) {
      this.queue.push(bytes);
      this.pump();
    } else this.start(bytes);
  }

  /** Detach once the sends queued by `next()` are answered, then complete the subscribers. */
  complete(): void {
    if (this.closing || this.detached) return;
    this.closing = true;
    if (!this.inFlight) this.finish();
  }

  /** Detach at once, dropping the queued sends (one in flight is unblocked), then error the subscribers. */
  error(err: unknown): void {
    if (this.detached) return;
    this.queue.length = 0;
    this.detach();
    this.replies.error(err);
  }

  /**
   * `MsgSendPulse(coid, priority, code, value)`: never blocks. `code` must be an application code
   * (0..127: negative codes are the kernel's), `value` an int32 and `priority` 1..255 (default:
   * the process's): otherwise a `RangeError` is thrown and nothing is sent. A connection that is
   * detached or whose server is gone throws a `KernelError` (`EBADF`).
   */
  pulse(code: number, value?: number, priority?: number): void;
  /** The same, from a {@link PulseInit} (a code, or `{ code, value, priority }`): handy as `subscribe((p) => conn.pulse(p))`. */
  pulse(init: PulseInit): void;
  pulse(codeOrInit: PulseInit, value = 0, priority?: number): void {
    let code: number;
    if (typeof codeOrInit === 'object' && codeOrInit !== null) {
      ({ code, value = 0, priority } = codeOrInit);
    } else code = codeOrInit;
    checkPulse(code, value, priority);
    if (this.detached || this.closing) throw explained(ERRNO.EBADF, 'send', { coid: this.coid });
    try {
      this.kernel.msgSendPulse(this.cfg.owner.control, this.cfg.coid, priority ?? -1, code, value);
    } catch (e) {
      throw isKernelError(e) ? explained(e.errno, 'MsgSendPulse', { coid: this.coid }) : e;
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
    return new SendObservable(this.target, bytes, options);
  }

  /** Start the next queued send on the connection's own thread, if none is in flight. */
  private pump(): void {
    if (this.inFlight || this.detached) return;
    const bytes = this.queue.shift();
    if (bytes === undefined) {
      if (this.closing) this.finish();
      return;
    }
    this.start(bytes);
  }

  /** Send `bytes` on the connection's own thread (none is in flight). */
  private start(bytes: Uint8Array): void {
    const { owner, coid } = this.cfg;
    let thread = this.sender;
    if (thread === null || !thread.alive) {
      thread = this.sender = owner.acquireThread(this.cfg.priority);
      // this process's death ends the Subject as it ends a send
      thread.onExit = () => { if (!this.detached) this.error(explained(ERRNO.ESRCH, 'MsgSend', { coid })); };
    }
    this.inFlight = true;
    this.flight = thread;
    const replyIov = replyBuffer(owner, thread, this.cfg.replySize);
    try {
      this.kernel.msgSend(thread, coid, bytes, replyIov, this.onReply, this.cfg.replySize === undefined);
    } catch (e) {
      this.inFlight = false;
      this.flight = null;
      this.error(isKernelError(e) ? explained(e.errno, 'MsgSend', { coid }) : e);
    }
  }

  /** The reply to the send in flight from `next()` (one continuation for every such send). */
  private readonly onReply = (err: number, status: number, length: number): void => {
    const thread = this.flight!;
    this.flight = null;
    this.inFlight = false;
    const replyIov = thread.localIov!;
    const buf = replyIov[0]!;
    replyIov[0] = thread.local ?? buf;
    if (this.detached) {
      // error() unblocked this send: the thread is no longer the connection's
      this.cfg.owner.releaseThread(thread);
      return;
    }
    if (err !== 0) {
      this.error(explained(err, 'MsgSend', { coid: this.cfg.coid }));
      return;
    }
    // a grown buffer is this reply's alone (no copy); the scratch buffer is copied out
    const bytes = replyBytes(buf, thread.local, length);
    this.replies.next(new Reply(status, bytes, this.cfg.replyCodec, length));
    this.pump();
  };

  /** Every queued send answered after complete(): detach, complete the subscribers. */
  private finish(): void {
    if (this.detached) return;
    this.detach();
    this.replies.complete();
  }

  /** Detached from now on; a send in flight is unblocked (its continuation frees its thread). */
  private detach(): void {
    this.detached = true;
    const sender = this.sender;
    this.sender = null;
    if (sender !== null) {
      if (sender.wait !== null) this.kernel.unblock(sender, ERRNO.EINTR);
      else this.cfg.owner.releaseThread(sender);
    }
    try {
      this.kernel.connectDetach(this.cfg.owner.control, this.cfg.coid);
    } catch (e) {
      if (!isKernelError(e)) throw e;
    }
  }
}
