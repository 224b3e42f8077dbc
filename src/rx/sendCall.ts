/**
 * `Connection.send()`: an Observable that is a small object (no closure graph per send), whose
 * subscriptions run on pooled logical threads that each keep one {@link SendCall} with its
 * continuations made once.
 * @packageDocumentation
 */
import { Observable, type Observer, type Subscription, type TeardownLogic } from 'rxjs';
import { ERRNO, KernelError, isKernelError, type Thread } from '../kernel/index.js';
import type { ChannelOwner } from './Channel.js';
import type { Codec } from './codecs.js';
import { explained } from './explain.js';
import { Reply } from './Received.js';
import { decodeFailure } from './RemoteError.js';
import { replyBuffer, replyBytes } from './replyBuffers.js';
import { NO_OPTIONS, armTimeout, checkSendOptions, type SendOptions } from './sendOptions.js';
import {
  CLOSED, directComplete, directError, directNext, mayGoDirect, subscribe3, type CompleteCallback, type ErrorCallback, type ObserverOrNext,
} from './directDelivery.js';

/** @internal What a send needs from its connection. */
export interface SendTarget<R> {
  readonly owner: ChannelOwner;
  readonly coid: number;
  readonly replyCodec: Codec<R>;
  /** The connection's priority and reply size (a send's options override them). */
  readonly priority: number | undefined;
  readonly replySize: number | undefined;
  /** The connection is detached: sends fail EBADF, with {@link SendTarget.refusal}'s error. */
  readonly detached: boolean;
  /** Why a send is refused while detached: EBADF, saying what happened to the connection. */
  refusal(call: string): KernelError;
}

/** @internal Where a send's outcome goes: its Subscriber, or the callbacks of a direct subscription. */
export interface Sink<T> {
  next(value: T): void;
  error(err: unknown): void;
  complete(): void;
}

/**
 * @internal The error of a send that failed with `err`, its reply buffer holding `length` bytes:
 * a {@link RemoteError} when the server described its failure there (EIO), else the errno explained.
 */
export function sendError(err: number, buf: Uint8Array, length: number, coid: number): KernelError {
  return (err === ERRNO.EIO && length > 0 ? decodeFailure(buf, length, 'MsgSend', { coid }) : null) ?? explained(err, 'MsgSend', { coid });
}

const NO_BUFFER = new Uint8Array(0);

/**
 * The send a pooled logical thread is making, if any: one per thread, reused by its next send.
 * Its fields belong to the send in flight; the continuations read them, reset them, give the
 * thread back, and only then tell the subscriber (which may start the next send on this thread).
 * A direct subscription (no Subscriber, see {@link SendObservable}) keeps the callbacks given to
 * `subscribe()` instead, until a Subscriber takes over (`adopt`).
 */
class SendCall {
  subscriber: Sink<Reply<unknown>> | null = null;
  /** The callbacks of a direct subscription (`subscriber` is then null). */
  o: ObserverOrNext<Reply<unknown>> = undefined;
  e: ErrorCallback = undefined;
  c: CompleteCallback = undefined;
  /** The connection of the send in flight, or null: no send. */
  target: SendTarget<unknown> | null = null;
  rmsg: Uint8Array | Uint8Array[] = NO_BUFFER;
  into: Uint8Array | undefined = undefined;
  signal: AbortSignal | undefined = undefined;
  abort: (() => void) | null = null;
  /** The send's signal aborted it: an EINTR or ECANCELED answer is then `signal.reason`. */
  aborted = false;
  /** Counts sends, so that a late teardown never touches a later send of this thread. */
  generation = 0;

  constructor(readonly thread: Thread) {}

  /** The one continuation of every `MsgSend` this thread makes from `send()`. */
  readonly done = (err: number, status: number, length: number): void => {
    const { subscriber, o, e, c, target, thread, rmsg, into, signal, aborted } = this;
    this.end();
    const buf = rmsg instanceof Uint8Array ? rmsg : rmsg[0]!;
    // a grown reply buffer was this send's alone: the iov gets the thread's scratch back
    if (!(rmsg instanceof Uint8Array)) rmsg[0] = thread.local ?? buf;
    if (err !== 0) {
      // read before the thread goes back: its scratch buffer may hold the server's description
      const error = aborted && (err === ERRNO.ECANCELED || err === ERRNO.EINTR) ? signal!.reason : sendError(err, buf, length, target!.coid);
      target!.owner.releaseThread(thread);
      if (subscriber !== null) subscriber.error(error);
      else directError(o, e, error);
      return;
    }
    const bytes = into === undefined ? replyBytes(buf, thread.local, length) : length < into.length ? into.subarray(0, length) : into;
    target!.owner.releaseThread(thread);
    const reply = new Reply(status, bytes, target!.replyCodec, length);
    if (subscriber !== null) {
      subscriber.next(reply);
      subscriber.complete();
    } else {
      directNext(o, reply);
      directComplete(o, c);
    }
  };

  /** The client process died mid-call: the send's continuation never runs. */
  readonly exit = (): void => {
    const { subscriber, o, e, target } = this;
    if (target === null) return;
    this.end();
    fail(subscriber, o, e, explained(ERRNO.ESRCH, 'MsgSend', { coid: target.coid }));
  };

  /** A Subscriber takes over the notifications of a direct subscription (its send is in flight). */
  adopt(subscriber: Sink<Reply<unknown>>): void {
    this.subscriber = subscriber;
    this.o = this.e = this.c = undefined;
  }

  /** What unsubscribing from the send in flight does: an unblock request (a later send of the thread is never touched). */
  teardown(): () => void {
    const generation = this.generation;
    const thread = this.thread;
    return () => {
      // an unsubscribe before the answer is an unblock request (see Connection)
      if (this.generation !== generation) return;
      if (this.abort !== null) {
        this.signal!.removeEventListener('abort', this.abort);
        this.abort = null;
      }
      this.target!.owner.kernel.unblock(thread, ERRNO.EINTR);
    };
  }

  /** The send is over: forget it (the thread may make another). */
  end(): void {
    if (this.abort !== null) this.signal!.removeEventListener('abort', this.abort);
    this.subscriber = null;
    this.o = this.e = this.c = undefined;
    this.target = null;
    this.rmsg = NO_BUFFER;
    this.into = undefined;
    this.signal = undefined;
    this.abort = null;
    this.aborted = false;
    this.generation++;
  }
}

/** The thread's send call (made at its first send). */
function callOf(thread: Thread): SendCall {
  const slot = thread.slot;
  if (slot instanceof SendCall) return slot;
  const call = new SendCall(thread);
  thread.slot = call;
  return call;
}

/** A send's error, to its Subscriber or (a direct subscription) to the callbacks of its `subscribe()`. */
function fail<T>(subscriber: Sink<T> | null, o: ObserverOrNext<T>, e: ErrorCallback, err: unknown): void {
  if (subscriber !== null) subscriber.error(err);
  else directError(o, e, err);
}

/**
 * One subscription of a {@link SendObservable}: one `MsgSend` on a logical thread of its own,
 * told to `subscriber`, or with `subscriber` null to the callbacks `o`, `e`, `c` (a direct
 * subscription). Returns the send's call while it is in flight, null once it is over (answered,
 * or failed: the error is told).
 */
function startSend<R>(
  send: SendObservable<R>, subscriber: Sink<Reply<R>> | null, o: ObserverOrNext<Reply<R>>, e: ErrorCallback, c: CompleteCallback,
): SendCall | null {
  const { target, options, codec } = send;
  // a detached connection refuses first, saying what happened to it
  if (target.detached) {
    fail(subscriber, o, e, target.refusal('send'));
    return null;
  }
  const { owner, coid } = target;
  // bad options are refused before a logical thread is taken: nothing leaks, nothing changes
  const bad = options === NO_OPTIONS ? null : checkSendOptions(options);
  if (bad !== null) {
    fail(subscriber, o, e, new KernelError(ERRNO.EINVAL, 'MsgSend', { coid }, { reason: bad }));
    return null;
  }
  const signal = options.signal;
  if (signal?.aborted === true) {
    // as fetch does: an aborted send fails with the signal's reason
    fail(subscriber, o, e, signal.reason);
    return null;
  }
  // encoded here, not in send(): the Observable is cold, and a value the codec refuses is this
  // subscription's error notification
  let bytes: Uint8Array;
  if (codec === null) bytes = send.message as Uint8Array;
  else {
    try {
      bytes = codec.encode(send.message);
    } catch (err) {
      const what = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      fail(subscriber, o, e, new KernelError(ERRNO.EINVAL, 'MsgSend', { coid }, { reason: `the ${codec.name} codec could not encode the message (${what})`, cause: err }));
      return null;
    }
  }
  const thread = owner.acquireThread(options.priority ?? target.priority);
  const into = options.replyInto;
  const size = into === undefined ? options.replySize ?? target.replySize : into.length;
  // a fixed reply buffer goes as it is (the kernel's fastest copy); a growing one as an iov
  let rmsg: Uint8Array | Uint8Array[];
  try {
    rmsg = into ?? (size === undefined ? replyBuffer(owner, thread, undefined) : owner.scratch(thread, size));
  } catch (err) {
    owner.releaseThread(thread);
    fail(subscriber, o, e, err instanceof RangeError ? new KernelError(ERRNO.ENOMEM, 'MsgSend', { coid }, { cause: err }) : err);
    return null;
  }
  const call = callOf(thread);
  call.subscriber = subscriber as Sink<Reply<unknown>> | null;
  call.o = o as ObserverOrNext<Reply<unknown>>;
  call.e = e;
  call.c = c;
  call.target = target;
  call.rmsg = rmsg;
  call.into = into;
  const generation = call.generation;
  const kernel = owner.kernel;
  // the client process may die mid-call: the send's continuation would never run
  thread.onExit = call.exit;
  if (signal !== undefined) {
    call.signal = signal;
    call.abort = () => {
      if (call.generation !== generation) return;
      call.aborted = true;
      // ECANCELED, not the EINTR of an unsubscribe: the server's message.signal.reason tells them apart
      kernel.unblock(thread, ERRNO.ECANCELED);
    };
    signal.addEventListener('abort', call.abort);
  }
  try {
    if (options.timeout !== undefined) armTimeout(kernel, thread, options);
    kernel.msgSend(thread, coid, bytes, rmsg, call.done, size === undefined);
  } catch (err) {
    call.end();
    owner.releaseThread(thread);
    fail(subscriber, o, e, isKernelError(err) ? explained(err.errno, 'MsgSend', { coid }) : err);
    return null;
  }
  // answered already (the common case in-process): nothing to tear down
  return call.generation === generation ? call : null;
}

function subscribeSend<R>(this: Observable<Reply<R>>, subscriber: Sink<Reply<R>>): TeardownLogic {
  const call = startSend(this as SendObservable<R>, subscriber, undefined, undefined, undefined);
  return call === null ? undefined : call.teardown();
}

/**
 * @internal What `Connection.send()` returns: each subscription is one `MsgSend` of `message`,
 * encoded with `codec` at that subscription (`message` is already bytes when `codec` is left out);
 * on a detached connection it fails with the connection's refusal (EBADF, saying what happened).
 * A class rather than `new Observable(closure)`: one small object per `send()`.
 *
 * `subscribe()` with callbacks (or a plain observer) goes direct: the send starts with no
 * `Subscriber`, and when it is answered within the call (in-process, a server waiting) the
 * callbacks run as a `SafeSubscriber` would run them and a closed Subscription is returned.
 * A send still in flight when the call returns gets a `Subscriber` then, torn down as ever.
 */
export class SendObservable<R> extends Observable<Reply<R>> {
  readonly codec: Codec<unknown> | null;

  constructor(
    readonly target: SendTarget<R>,
    readonly message: unknown,
    readonly options: SendOptions,
    codec?: Codec<unknown>,
  ) {
    super(subscribeSend);
    this.codec = codec ?? null;
  }

  /** One `MsgSend`, direct when the arguments allow (see the class); a Subscriber's goes through RxJS as ever. */
  override subscribe(observerOrNext?: Partial<Observer<Reply<R>>> | ((value: Reply<R>) => void)): Subscription;
  /** @deprecated Instead of passing separate callback arguments, use an observer argument (as in RxJS). */
  override subscribe(next?: ((value: Reply<R>) => void) | null, error?: ((error: any) => void) | null, complete?: (() => void) | null): Subscription;
  override subscribe(observerOrNext?: ObserverOrNext<Reply<R>>, error?: ErrorCallback, complete?: CompleteCallback): Subscription {
    if (!mayGoDirect(observerOrNext)) return subscribe3.call(this, observerOrNext, error, complete);
    let call: SendCall | null;
    try {
      call = startSend(this, null, observerOrNext, error, complete);
    } catch (err) {
      // as Observable._trySubscribe: a throw is the subscription's error
      directError(observerOrNext, error, err);
      return CLOSED;
    }
    if (call === null) return CLOSED;
    // still in flight: a Subscriber takes the notifications over, and unsubscribing unblocks
    const inFlight = call;
    const teardown = inFlight.teardown();
    return subscribe3.call(new Observable<Reply<R>>((subscriber) => {
      inFlight.adopt(subscriber as Sink<Reply<unknown>>);
      return teardown;
    }), observerOrNext, error, complete);
  }
}
