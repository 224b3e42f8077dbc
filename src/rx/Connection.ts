import { Observable, Subject, type Observer, type Subscription } from 'rxjs';
import { ERRNO, KernelError, isKernelError, type Kernel, type Thread } from '../kernel/index.js';
import type { ChannelOwner } from './Channel.js';
import type { Codec } from './codecs.js';
import { explained } from './explain.js';
import { checkPulse } from './pulseCheck.js';
import { Reply } from './Received.js';
import { replyBuffer, replyBytes } from './replyBuffers.js';
import { ReplySubject } from './ReplySubject.js';
import { subscribeDirect } from './DirectSubscriber.js';
import type { CompleteCallback, ErrorCallback, ObserverOrNext } from './directDelivery.js';
import { SendObservable, sendError, type SendTarget } from './sendCall.js';
import { NO_OPTIONS, type SendOptions } from './sendOptions.js';

export type { SendOptions, TimeoutStates } from './sendOptions.js';

const NO_BUFFER = new Uint8Array(0);

/** A pulse for {@link Connection.pulse}: a code, or code, value and priority. */
export type PulseInit = number | { readonly code: number; readonly value?: number; readonly priority?: number };

/**
 * @internal Attaches a connection again, after it errored or completed: `done(null, coid)` or
 * `done(error, -1)`, once (maybe at once); returns what withdraws it (then `done` is not called).
 */
export type Reattach = (done: (error: unknown, coid: number) => void) => () => void;

/** @internal */
export interface ConnectionConfig<T, R> {
  readonly owner: ChannelOwner;
  readonly coid: number;
  readonly codec: Codec<T>;
  readonly replyCodec: Codec<R>;
  readonly priority: number | undefined;
  /** A fixed reply buffer (the model's truncation), or undefined: the whole reply. */
  readonly replySize: number | undefined;
  /** How to attach again when subscribed after an error or completion; undefined: never (a file). */
  readonly reattach?: Reattach | undefined;
}

/**
 * The connection's client thread for `next()` in one attachment: the continuation of its sends
 * knows which attachment they belong to, so a late answer to a detached one is only cleaned up.
 */
class NextSender {
  constructor(
    private readonly conn: { replied(s: NextSender, err: number, status: number, length: number): void },
    readonly thread: Thread,
  ) {}

  /** The reply buffer of the send in flight: a fixed one, or a one-part iov that may grow. */
  rmsg: Uint8Array | Uint8Array[] = NO_BUFFER;

  readonly done = (err: number, status: number, length: number): void => this.conn.replied(this, err, status, length);
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
 *   drops what is queued; `next()` after either is ignored and `send()` fails EBADF, saying which
 *   of them happened.
 * - Subscribed again after an error or a completion, the connection **re-attaches**, as
 *   `webSocket()` re-connects: one from `open(name)` opens the name again (another provider of a
 *   global name, if this one is gone; waiting for one if the open had `wait`), one from
 *   `connect(channel)` attaches to the channel again. `next()` queues meanwhile; `send()` fails
 *   EBADF until it is attached. So `conn.pipe(retry({ delay: 100 }))` fails over; a failed
 *   re-attach errors the new subscribers (and `retry` tries again).
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
 * @example Fail over to another provider of a global name
 * ```ts
 * client.open('store', { global: true, wait: true, codec: json() }).pipe(
 *   switchMap((conn) => { ticks.subscribe((t) => conn.next(t)); return conn.pipe(retry({ delay: 100 })); }),
 * ).subscribe((r) => console.log(r.data));
 * ```
 */
export class Connection<T, R = T> extends Observable<Reply<R>> implements Observer<T> {
  private replies: Subject<Reply<R>> = new ReplySubject<Reply<R>>();
  /** Sends queued by next(), encoded. */
  private readonly queue: Uint8Array[] = [];
  /** The connection's own client thread (next()) in this attachment, made at the first next(). */
  private sender: NextSender | null = null;
  private inFlight = false;
  private closing = false;
  /** Withdraws the re-attach under way, or null. */
  private attaching: (() => void) | null = null;
  /** What closed the connection: `{ error }` for an error, null for a completion (while detached). */
  private ended: { readonly error: unknown } | null = null;
  /** The coid of this attachment (or the last one). */
  private id: number;

  /** @internal */
  constructor(private readonly cfg: ConnectionConfig<T, R>) {
    super((subscriber) => {
      // subscribed after an error or a completion: attach again (webSocket()'s re-connect)
      if (this.detached && this.attaching === null && this.cfg.reattach !== undefined) this.reattach(this.cfg.reattach);
      return this.replies.subscribe(subscriber);
    });
    this.id = cfg.coid;
    this.target = new ConnectionTarget(this as Connection<unknown, R>, cfg);
  }

  /** What every `send()` of this connection needs (made once); it keeps whether the connection is detached. */
  private readonly target: ConnectionTarget<R>;

  /** No live coid: closed (see `ended`), or re-attaching (see `attaching`). Kept on the target, which each send reads. */
  private get detached(): boolean {
    return this.target.detached;
  }

  private set detached(value: boolean) {
    this.target.detached = value;
  }

  /** Subscribed with callbacks, the subscriber calls them itself (see `DirectSubscriber`): as RxJS would, with less between. */
  override subscribe(observerOrNext?: Partial<Observer<Reply<R>>> | ((value: Reply<R>) => void)): Subscription;
  /** @deprecated Instead of passing separate callback arguments, use an observer argument (as in RxJS). */
  override subscribe(next?: ((value: Reply<R>) => void) | null, error?: ((error: any) => void) | null, complete?: (() => void) | null): Subscription;
  override subscribe(observerOrNext?: ObserverOrNext<Reply<R>>, error?: ErrorCallback, complete?: CompleteCallback): Subscription {
    return subscribeDirect(this, observerOrNext, error, complete);
  }

  /** The connection id in the client process (of the current attachment, or the last one). */
  get coid(): number {
    return this.id;
  }

  /** Whether `complete()` or `error()` has been called (later `next()`s are ignored until it is subscribed again). */
  get closed(): boolean {
    return this.closing || (this.detached && this.attaching === null);
  }

  private get kernel(): Kernel {
    return this.cfg.owner.kernel;
  }

  /** Send `msg` after the sends already queued; its reply goes to the subscribers. A value the codec cannot encode throws at once. */
  next(msg: T): void {
    if (this.closed) return;
    const bytes = this.cfg.codec.encode(msg);
    // nothing ahead of it (and attached): it goes at once, without a trip through the queue
    if (this.inFlight || this.detached || this.queue.length > 0) {
      this.queue.push(bytes);
      this.pump();
    } else this.start(bytes);
  }

  /** Detach once the sends queued by `next()` are answered, then complete the subscribers. */
  complete(): void {
    if (this.closed) return;
    this.closing = true;
    if (!this.inFlight && !this.detached) this.finish();
  }

  /** Detach at once, dropping the queued sends (one in flight is unblocked), then error the subscribers. */
  error(err: unknown): void {
    if (this.detached && this.attaching === null) return;
    this.queue.length = 0;
    this.detach({ error: err });
    this.replies.error(err);
  }

  /**
   * `MsgSendPulse(coid, priority, code, value)`: never blocks. `code` must be an application code
   * (0..127: negative codes are the kernel's), `value` an int32 and `priority` 1..255 (default:
   * the process's): otherwise a `RangeError` is thrown and nothing is sent. A connection that is
   * closed, re-attaching or whose server is gone throws a `KernelError` (`EBADF`).
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
    if (this.detached) throw this.refusal('MsgSendPulse');
    if (this.closing) throw new KernelError(ERRNO.EBADF, 'MsgSendPulse', { coid: this.id }, { reason: 'the connection is completing (complete() was called)' });
    try {
      this.kernel.msgSendPulse(this.cfg.owner.control, this.id, priority ?? -1, code, value);
    } catch (e) {
      throw isKernelError(e) ? explained(e.errno, 'MsgSendPulse', { coid: this.id }) : e;
    }
  }

  /**
   * `MsgSend`: an Observable that sends `msg` on subscription and emits one {@link Reply}, then
   * completes; a server's `MsgError` (or a transport failure) is a `KernelError` notification.
   * Each subscription is one send by a logical thread of its own. On a closed connection it fails
   * EBADF, saying whether it was completed or errored (and with what: the error's `cause`).
   */
  send(msg: T, options: SendOptions = NO_OPTIONS): Observable<Reply<R>> {
    return new SendObservable(this.target, msg, options, this.cfg.codec as Codec<unknown>);
  }

  /** `MsgSend` of bytes that are already encoded (a typed header, a C struct). */
  sendBytes(bytes: Uint8Array, options: SendOptions = NO_OPTIONS): Observable<Reply<R>> {
    return new SendObservable(this.target, bytes, options);
  }

  /** @internal Why a send or pulse is refused now (the connection is detached): EBADF, with what happened. */
  refusal(call: string): KernelError {
    const info = { coid: this.id };
    if (this.attaching !== null) return new KernelError(ERRNO.EBADF, call, info, { reason: 'the connection is re-attaching (subscribed again after it closed)' });
    if (this.ended === null) return new KernelError(ERRNO.EBADF, call, info, { reason: 'the connection was completed' });
    const { error } = this.ended;
    const what = error instanceof Error ? error.message : String(error);
    return new KernelError(ERRNO.EBADF, call, info, { reason: `the connection errored (${what}); subscribe to it again to re-attach`, cause: error });
  }

  /** Start the next queued send on the connection's own thread, if none is in flight. */
  private pump(): void {
    if (this.inFlight || this.detached) return;
    // nothing queued is the common case: no shift() of an empty array then
    const bytes = this.queue.length === 0 ? undefined : this.queue.shift();
    if (bytes === undefined) {
      if (this.closing) this.finish();
      return;
    }
    this.start(bytes);
  }

  /** Send `bytes` on the connection's own thread (attached, none in flight). */
  private start(bytes: Uint8Array): void {
    const { owner } = this.cfg;
    const coid = this.id;
    let sender = this.sender;
    if (sender === null || !sender.thread.alive) {
      const s = sender = this.sender = new NextSender(this, owner.acquireThread(this.cfg.priority));
      // this process's death ends the Subject as it ends a send
      s.thread.onExit = () => { if (this.sender === s) this.error(explained(ERRNO.ESRCH, 'MsgSend', { coid })); };
    }
    this.inFlight = true;
    const thread = sender.thread;
    const size = this.cfg.replySize;
    // a fixed reply buffer goes as it is (the kernel's fastest copy); a growing one as an iov
    const rmsg = sender.rmsg = size === undefined ? replyBuffer(owner, thread, undefined) : owner.scratch(thread, size);
    try {
      this.kernel.msgSend(thread, coid, bytes, rmsg, sender.done, size === undefined);
    } catch (e) {
      this.inFlight = false;
      this.error(isKernelError(e) ? explained(e.errno, 'MsgSend', { coid }) : e);
    }
  }

  /** @internal The reply to a send from `next()` made by `s` (one continuation per attachment). */
  replied(s: NextSender, err: number, status: number, length: number): void {
    const thread = s.thread;
    const rmsg = s.rmsg;
    s.rmsg = NO_BUFFER;
    const buf = rmsg instanceof Uint8Array ? rmsg : rmsg[0]!;
    // a grown reply buffer was this reply's alone: the iov gets the thread's scratch back
    if (!(rmsg instanceof Uint8Array)) rmsg[0] = thread.local ?? buf;
    if (s !== this.sender) {
      // error() unblocked this send: the thread is no longer the connection's
      this.cfg.owner.releaseThread(thread);
      return;
    }
    this.inFlight = false;
    if (err !== 0) {
      // read from the reply buffer: the server may have described its failure there
      this.error(sendError(err, buf, length, this.id));
      return;
    }
    // a grown buffer is this reply's alone (no copy); the scratch buffer is copied out
    const bytes = replyBytes(buf, thread.local, length);
    this.replies.next(new Reply(status, bytes, this.cfg.replyCodec, length));
    this.pump();
  }

  /** Every queued send answered after complete(): detach, complete the subscribers. */
  private finish(): void {
    if (this.detached) return;
    this.detach(null);
    this.replies.complete();
  }

  /** Detached from now on; a send in flight is unblocked (its continuation frees its thread), a re-attach withdrawn. */
  private detach(ended: { readonly error: unknown } | null): void {
    this.ended = ended;
    this.closing = false;
    this.inFlight = false;
    const sender = this.sender;
    this.sender = null;
    if (sender !== null) {
      const thread = sender.thread;
      if (thread.wait !== null) this.kernel.unblock(thread, ERRNO.EINTR);
      else this.cfg.owner.releaseThread(thread);
    }
    const attaching = this.attaching;
    this.attaching = null;
    if (attaching !== null) {
      attaching();
      return;
    }
    if (this.detached) return;
    this.detached = true;
    try {
      this.kernel.connectDetach(this.cfg.owner.control, this.id);
    } catch (e) {
      if (!isKernelError(e)) throw e;
    }
  }

  /** Subscribed after an error or a completion: a new Subject, and the connection attached again. */
  private reattach(reattach: Reattach): void {
    this.replies = new ReplySubject<Reply<R>>();
    this.ended = null;
    this.closing = false;
    let attaching = true;
    const cancel = reattach((error, coid) => {
      attaching = false;
      this.attaching = null;
      if (error !== null) {
        this.queue.length = 0;
        this.closing = false;
        this.ended = { error };
        this.replies.error(error);
        return;
      }
      this.id = coid;
      this.detached = false;
      this.pump();
    });
    if (attaching) this.attaching = cancel;
  }
}

/**
 * What every `send()` of a connection needs, made once: a class, so that its fields stay fast
 * properties (the coid is read through the connection, which keeps `detached` here).
 */
class ConnectionTarget<R> implements SendTarget<R> {
  readonly owner: ChannelOwner;
  readonly replyCodec: Codec<R>;
  readonly priority: number | undefined;
  readonly replySize: number | undefined;
  /** The connection has no live coid (closed, or re-attaching): sends are refused. */
  detached = false;

  constructor(private readonly conn: Connection<unknown, R>, cfg: ConnectionConfig<unknown, R>) {
    this.owner = cfg.owner;
    this.replyCodec = cfg.replyCodec;
    this.priority = cfg.priority;
    this.replySize = cfg.replySize;
  }

  get coid(): number {
    return this.conn.coid;
  }

  refusal(call: string): KernelError {
    return this.conn.refusal(call);
  }
}
