/**
 * `Connection.send()`: an Observable that is a small object (no closure graph per send), whose
 * subscriptions run on pooled logical threads that each keep one {@link SendCall} with its
 * continuations made once.
 * @packageDocumentation
 */
import { Observable, type Subscriber, type TeardownLogic } from 'rxjs';
import { ERRNO, KernelError, isKernelError, type Thread } from '../kernel/index.js';
import type { ChannelOwner } from './Channel.js';
import type { Codec } from './codecs.js';
import { explained } from './explain.js';
import { Reply } from './Received.js';
import { decodeFailure } from './RemoteError.js';
import { replyBuffer, replyBytes } from './replyBuffers.js';
import { NO_OPTIONS, armTimeout, checkSendOptions, type SendOptions } from './sendOptions.js';

/** @internal What a send needs from its connection. */
export interface SendTarget<R> {
  readonly owner: ChannelOwner;
  readonly coid: number;
  readonly replyCodec: Codec<R>;
  /** The connection's priority and reply size (a send's options override them). */
  readonly priority: number | undefined;
  readonly replySize: number | undefined;
  /** The connection is detached: sends fail EBADF. */
  readonly detached: boolean;
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
 */
class SendCall {
  subscriber: Subscriber<Reply<unknown>> | null = null;
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
    const { subscriber, target, thread, rmsg, into, signal, aborted } = this;
    this.end();
    const buf = rmsg instanceof Uint8Array ? rmsg : rmsg[0]!;
    // a grown reply buffer was this send's alone: the iov gets the thread's scratch back
    if (!(rmsg instanceof Uint8Array)) rmsg[0] = thread.local ?? buf;
    if (err !== 0) {
      // read before the thread goes back: its scratch buffer may hold the server's description
      const error = aborted && (err === ERRNO.ECANCELED || err === ERRNO.EINTR) ? signal!.reason : sendError(err, buf, length, target!.coid);
      target!.owner.releaseThread(thread);
      subscriber!.error(error);
      return;
    }
    const reply = into === undefined ? replyBytes(buf, thread.local, length) : length < into.length ? into.subarray(0, length) : into;
    target!.owner.releaseThread(thread);
    subscriber!.next(new Reply(status, reply, target!.replyCodec, length));
    subscriber!.complete();
  };

  /** The client process died mid-call: the send's continuation never runs. */
  readonly exit = (): void => {
    const { subscriber, target } = this;
    if (subscriber === null) return;
    this.end();
    subscriber.error(explained(ERRNO.ESRCH, 'MsgSend', { coid: target!.coid }));
  };

  /** The send is over: forget it (the thread may make another). */
  end(): void {
    if (this.abort !== null) this.signal!.removeEventListener('abort', this.abort);
    this.subscriber = null;
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

/** One subscription of a {@link SendObservable}: one `MsgSend` on a logical thread of its own. */
function startSend<R>(target: SendTarget<R>, message: unknown, codec: Codec<unknown> | null, options: SendOptions, subscriber: Subscriber<Reply<R>>): TeardownLogic {
  const { owner, coid } = target;
  // bad options are refused before a logical thread is taken: nothing leaks, nothing changes
  const bad = options === NO_OPTIONS ? null : checkSendOptions(options);
  if (bad !== null) {
    subscriber.error(new KernelError(ERRNO.EINVAL, 'MsgSend', { coid }, { reason: bad }));
    return;
  }
  if (target.detached) {
    subscriber.error(explained(ERRNO.EBADF, 'send', { coid }));
    return;
  }
  const signal = options.signal;
  if (signal?.aborted === true) {
    // as fetch does: an aborted send fails with the signal's reason
    subscriber.error(signal.reason);
    return;
  }
  // encoded here, not in send(): the Observable is cold, and a value the codec refuses is this
  // subscription's error notification
  let bytes: Uint8Array;
  if (codec === null) bytes = message as Uint8Array;
  else {
    try {
      bytes = codec.encode(message);
    } catch (e) {
      const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      subscriber.error(new KernelError(ERRNO.EINVAL, 'MsgSend', { coid }, { reason: `the ${codec.name} codec could not encode the message (${what})`, cause: e }));
      return;
    }
  }
  const thread = owner.acquireThread(options.priority ?? target.priority);
  const into = options.replyInto;
  const size = into === undefined ? options.replySize ?? target.replySize : into.length;
  // a fixed reply buffer goes as it is (the kernel's fastest copy); a growing one as an iov
  let rmsg: Uint8Array | Uint8Array[];
  try {
    rmsg = into ?? (size === undefined ? replyBuffer(owner, thread, undefined) : owner.scratch(thread, size));
  } catch (e) {
    owner.releaseThread(thread);
    subscriber.error(e instanceof RangeError ? new KernelError(ERRNO.ENOMEM, 'MsgSend', { coid }, { cause: e }) : e);
    return;
  }
  const call = callOf(thread);
  call.subscriber = subscriber as Subscriber<Reply<unknown>>;
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
  } catch (e) {
    call.end();
    owner.releaseThread(thread);
    subscriber.error(isKernelError(e) ? explained(e.errno, 'MsgSend', { coid }) : e);
    return;
  }
  // answered already (the common case in-process): nothing to tear down
  if (call.generation !== generation) return;
  return () => {
    // an unsubscribe before the answer is an unblock request (see Connection)
    if (call.generation !== generation) return;
    if (call.abort !== null) {
      call.signal!.removeEventListener('abort', call.abort);
      call.abort = null;
    }
    kernel.unblock(thread, ERRNO.EINTR);
  };
}

function subscribeSend<R>(this: Observable<Reply<R>>, subscriber: Subscriber<Reply<R>>): TeardownLogic {
  const self = this as SendObservable<R>;
  return startSend(self.target, self.message, self.codec, self.options, subscriber);
}

/**
 * @internal What `Connection.send()` returns: each subscription is one `MsgSend` of `message`,
 * encoded with `codec` at that subscription (`message` is already bytes when `codec` is left out).
 * A class rather than `new Observable(closure)`: one small object per `send()`.
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
}
