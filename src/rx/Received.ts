import { ERRNO, KernelError, emptyMsgInfo, isKernelError, readPulse, type ErrnoCode, type Kernel, type MsgInfo, type Thread } from '../kernel/index.js';
import { _NTO_MI_UNBLOCK_REQ } from '../kernel/constants.js';
import { heldSend } from '../kernel/rcvids.js';
import { bytes as bytesCodec, type Codec } from './codecs.js';
import { explain } from './explain.js';
import { encodeFailure, isRemoteError } from './RemoteError.js';

/** A pulse taken from a channel. */
export interface ReceivedPulse {
  readonly kind: 'pulse';
  /** 8-bit signed code: 0..127 for applications, negative for the kernel (`_PULSE_CODE_*`). */
  readonly code: number;
  /** The pulse's 32-bit value (`sigev_value.sival_int`). */
  readonly value: number;
  /** The server connection it came through (or -1 for thread and coid deaths). */
  readonly scoid: number;
  /**
   * Keep the receiving thread busy with this pulse: called while the pulse is being emitted, the
   * channel's subscriber receives again only once the returned function is called (a handler
   * still working on the pulse). Without it, a subscriber receives again at once. Present on
   * pulses a {@link Channel} subscription emits.
   */
  readonly hold?: () => () => void;
}

/** Every item a {@link Channel} emits. */
export type Received<T, R = T> = ReceivedMessage<T, R> | ReceivedPulse;

/** @internal Make a pulse item from a receive buffer. */
export function pulseItem(buf: Uint8Array): ReceivedPulse {
  const p = readPulse(buf);
  return { kind: 'pulse', code: p.code, value: p.value.sival_int, scoid: p.scoid };
}

/**
 * @internal What a message needs to be answered and decoded: the kernel, the server's thread that
 * answers (one that never blocks), and the codecs. A channel's receive context is one (each
 * message of the channel shares it); a view (`withCodecs`) has its own.
 */
export interface MessageContext<T, R> {
  readonly kernel: Kernel;
  readonly control: Thread;
  readonly codec: Codec<T>;
  readonly replyCodec: Codec<R>;
}

/**
 * A message taken from a channel: its sender waits (REPLY-blocked) until one of `reply()` or
 * `error()` is called, by this or any other code of the server process. Calling either a second
 * time throws a `KernelError` `ESRCH`, as a second `MsgReply` does.
 */
export class ReceivedMessage<T, R = T> {
  readonly kind = 'message' as const;
  private decoded = false;
  private value: T | undefined;
  /** @internal Called once when the receiving thread may receive again. */
  onSettled: (() => void) | null = null;
  /** The message itself; a view (`withCodecs`) shares its root's answer and cancellation. */
  private readonly root: ReceivedMessage<unknown, unknown>;
  private isAnswered = false;
  /** Made only when asked for: the cancellation signal, and the channel's hook for a released message. */
  private extra: { controller: AbortController | null; doneHook: (() => void) | null } | null = null;

  /** @internal */
  constructor(
    /** The kernel, the answering thread and the codecs (shared by the channel's messages). */
    private readonly ctx: MessageContext<T, R>,
    /** The receive id naming this sender until it is answered. */
    readonly rcvid: number,
    /** `struct _msg_info` as filled by the receive. */
    readonly info: Readonly<MsgInfo>,
    bytes: Uint8Array,
    borrowed = false,
    root?: ReceivedMessage<unknown, unknown>,
  ) {
    this.root = root ?? (this as ReceivedMessage<unknown, unknown>);
    this.own = bytes;
    this.borrowed = borrowed;
  }

  /** The root's bytes (a view reads its root's). */
  private own: Uint8Array;
  /** `own` is a view of the receiving thread's reused large buffer. */
  private borrowed: boolean;

  /**
   * The whole message as sent (the binding reads past a short receive buffer with `MsgRead`).
   *
   * A message longer than the channel's `bufferSize` is not copied out of the buffer it was read
   * into: its bytes are **borrowed**, valid until the message is settled (answered, or handed
   * back with `release()`, which copies them out first, so a message kept to be answered later
   * keeps its bytes). Call {@link ReceivedMessage.keep} to hold them past the answer. Shorter
   * messages are copies, so the rule never bites them, but code that holds bytes past the answer
   * should call `keep()` all the same.
   */
  get bytes(): Uint8Array {
    return this.root.own;
  }

  /**
   * The message's bytes as a copy of its own, valid for ever (copied once, only when they were
   * borrowed; later calls and `bytes` return the same array).
   */
  keep(): Uint8Array {
    const root = this.root;
    if (root.borrowed) {
      root.own = root.own.slice();
      root.borrowed = false;
    }
    return root.own;
  }

  /** Whether `reply()`, `replyBytes()` or `error()` reached the client through this message (or a view of it). */
  get answered(): boolean {
    return this.root.isAnswered;
  }

  /**
   * Aborted when the client asks to leave (its send timed out, was unsubscribed or aborted) and
   * the channel has `_NTO_CHF_UNBLOCK` (the binding's default): the work for this message may
   * stop, and the message should be answered `error(-1)` (the client's send then fails as it
   * asked: ETIMEDOUT, its `signal.reason`, or EINTR). `replyWith`, `serveProtocol`, `dispatchTo`
   * and `Router` do this for you; pass it on to `fetch` and other abortable work.
   *
   * Its `reason` is a `KernelError` whose code says why: `ETIMEDOUT` (the send's `timeout`),
   * `ECANCELED` (the client aborted its `signal`) or `EINTR` (it unsubscribed, or its thread was
   * unblocked).
   */
  get signal(): AbortSignal {
    return this.controller().signal;
  }

  private controller(): AbortController {
    const x = (this.root.extra ??= { controller: null, doneHook: null });
    return (x.controller ??= new AbortController());
  }

  /** @internal The client asked to leave (an unblock pulse named this message). */
  cancel(): void {
    if (this.root.isAnswered) return;
    // the unblock pulse names the send, not why it leaves: the kernel kept the errno it will get
    // (ETIMEDOUT, ECANCELED for an AbortSignal, EINTR), also for a remote client (its UNBLOCK frame)
    const err = heldSend(this.ctx.control.process, this.rcvid)?.unblockErr ?? 0;
    const errno = err === 0 ? ERRNO.EINTR : err;
    const why = LEAVING[errno] ?? 'the client asked to leave';
    this.controller().abort(new KernelError(errno, 'MsgReceive', { rcvid: this.rcvid }, { reason: `${why}: stop the work and answer error(-1)` }));
  }

  /** @internal Called once when the message is answered, or can never be. */
  set onDone(f: (() => void) | null) {
    (this.root.extra ??= { controller: null, doneHook: null }).doneHook = f;
  }

  /** Answered (or beyond answering): once. */
  private markAnswered(): void {
    const root = this.root;
    if (root.isAnswered) return;
    root.isAnswered = true;
    const x = root.extra;
    if (x === null) return;
    const f = x.doneHook;
    x.doneHook = null;
    f?.();
  }

  /** The payload, decoded with the channel's codec (on first access; with the `bytes` codec, `bytes` itself). */
  get data(): T {
    const codec = this.ctx.codec;
    if (codec === bytesCodec) return this.bytes as T;
    if (!this.decoded) {
      this.value = codec.decode(this.bytes);
      this.decoded = true;
    }
    return this.value as T;
  }

  /** The same message seen through other codecs (the `decode` operator). */
  withCodecs<T2, R2>(codec: Codec<T2>, replyCodec: Codec<R2>): ReceivedMessage<T2, R2> {
    const { kernel, control } = this.ctx;
    const view = new ReceivedMessage({ kernel, control, codec, replyCodec }, this.rcvid, this.info, this.bytes, false, this.root);
    // answering the view answers this message: the receiving thread must be released either way
    view.onSettled = () => this.release();
    return view;
  }

  /** The first two bytes, little-endian: the message type the dispatch layer routes on (-1 if shorter). */
  get type(): number {
    return this.bytes.length < 2 ? -1 : this.bytes[0]! | (this.bytes[1]! << 8);
  }

  /**
   * `MsgReply`: answer with `status` and `value` encoded (nothing for `undefined`); truncated to
   * the client's buffer. Throws a `KernelError` `ESRCH` when the client is no longer waiting (it
   * timed out, was unblocked or died, or the message was answered already): the receiving
   * subscriber receives again all the same, a failed answer never costs the server its thread.
   * An answer refused for its arguments (EINVAL, EFAULT) leaves the message in hand.
   */
  reply(value?: R, status = 0): void {
    try {
      const ctx = this.ctx;
      ctx.kernel.msgReply(ctx.control, this.rcvid, status, value === undefined ? null : ctx.replyCodec.encode(value));
    } catch (e) {
      this.failed(e);
    }
    this.answered$();
  }

  /** `MsgReply` with raw bytes. */
  replyBytes(bytes: Uint8Array | null, status = 0): void {
    try {
      const ctx = this.ctx;
      ctx.kernel.msgReply(ctx.control, this.rcvid, status, bytes);
    } catch (e) {
      this.failed(e);
    }
    this.answered$();
  }

  /**
   * `MsgError`: the client's send fails with `errno` (EOK makes it return 0; ERESTART resends it;
   * -1 hands over the errno of its unblock request).
   *
   * With `error` and errno `EIO`, an rxnto client gets a {@link RemoteError} carrying `error`'s
   * name and message (and cause where it can travel): a description is written into its reply
   * buffer (`MsgWrite`) before the `MsgError`, across nodes too. A C client sees a plain `EIO`.
   * A plain `KernelError` as `error` is not described: its errno says it all.
   */
  error(errno: number | ErrnoCode, error?: unknown): void {
    const n = typeof errno === 'number' ? errno : ERRNO[errno];
    try {
      if (n === ERRNO.EIO && error !== undefined && (isRemoteError(error) || !isKernelError(error))) {
        this.ctx.kernel.msgWrite(this.ctx.control, this.rcvid, encodeFailure(error), undefined, 0);
      }
      this.ctx.kernel.msgError(this.ctx.control, this.rcvid, n);
    } catch (e) {
      this.failed(e);
    }
    this.answered$();
  }

  /**
   * Answer with what your code threw or rejected with: a `KernelError` goes as its errno
   * (`MsgError`), anything else as `EIO` with its description, which the client receives as a
   * {@link RemoteError} (`error(EIO, error)`). What `replyWith`, `serveProtocol` and `Router` do
   * with a handler's error.
   *
   * ```ts
   * try { m.reply(await lookup(m.data)); } catch (e) { m.fail(e); }
   * ```
   */
  fail(error: unknown): void {
    this.error(isKernelError(error) && !isRemoteError(error) ? error.errno : ERRNO.EIO, error);
  }

  /** An answer went out: the message is answered and its receiving thread receives again. */
  private answered$(): void {
    this.markAnswered();
    this.release();
  }

  /**
   * An answer failed with `e`, which is re-thrown. The receiving thread is released when the
   * answer can never go out (ESRCH: nobody waits); one refused for its own arguments (EINVAL,
   * EFAULT) changes nothing, and the message stays in hand to be answered properly.
   */
  private failed(e: unknown): never {
    if (!(isKernelError(e) && (e.code === 'EINVAL' || e.code === 'EFAULT'))) {
      // nobody waits any more: as good as answered
      this.markAnswered();
      this.release();
    }
    throw explain(e);
  }

  /**
   * Let the receiving thread go back to receiving before this message is answered (a server that
   * keeps the rcvid and replies later). `reply()` and `error()` do this for you; until one of the
   * three is called, the subscriber that received this message receives nothing else, so queued
   * clients stay SEND-blocked in priority order (back-pressure).
   */
  release(): void {
    // kept to be answered later: borrowed bytes leave the buffer the thread receives into next
    if (!this.root.isAnswered) this.keep();
    const settled = this.onSettled;
    this.onSettled = null;
    settled?.();
  }

  /** `MsgRead`: up to `length` bytes of the client's message from `offset`. */
  read(offset: number, length: number): Uint8Array {
    const buf = new Uint8Array(Math.max(0, length));
    const n = this.ctx.kernel.msgRead(this.ctx.control, this.rcvid, buf, length, offset);
    return buf.subarray(0, n);
  }

  /** `MsgWrite`: place bytes in the client's reply buffer at `offset`; returns the count written. */
  write(bytes: Uint8Array, offset: number): number {
    return this.ctx.kernel.msgWrite(this.ctx.control, this.rcvid, bytes, bytes.length, offset);
  }

  /** `MsgInfo`: whether the client has asked to leave (`_NTO_MI_UNBLOCK_REQ`, on UNBLOCK channels). */
  get unblockRequested(): boolean {
    const info = emptyMsgInfo();
    try {
      this.ctx.kernel.msgInfo(this.ctx.control, this.rcvid, info);
    } catch (e) {
      if (e instanceof KernelError) return false;
      throw e;
    }
    return (info.flags & _NTO_MI_UNBLOCK_REQ) !== 0;
  }
}

/** Why a client leaves, by the errno of its unblock request (the message's `signal.reason`). */
const LEAVING: Partial<Record<number, string>> = {
  [ERRNO.ETIMEDOUT]: "the client's send timed out",
  [ERRNO.ECANCELED]: 'the client aborted its send (its AbortSignal)',
  [ERRNO.EINTR]: 'the client unsubscribed from its send (or its thread was unblocked)',
  [ERRNO.EBADF]: "the client's connection was detached",
};

/** What {@link Connection.send} emits: the reply status and data. */
export class Reply<R> {
  private decoded = false;
  private value: R | undefined;

  /** @internal */
  constructor(
    /** The `status` the server passed to `MsgReply` (MsgSend's return value). */
    readonly status: number,
    /** The reply bytes that arrived: all of them, unless the send gave a smaller `replySize`. */
    readonly bytes: Uint8Array,
    private readonly codec: Codec<R>,
    /** The length of the reply the server gave (more than `bytes.length` when it was cut). */
    readonly length: number = bytes.length,
  ) {}

  /** Whether the reply was cut to the send's `replySize` (the model's truncation): `length > bytes.length`. */
  get truncated(): boolean {
    return this.length > this.bytes.length;
  }

  /** The reply decoded with the connection's reply codec (on first access). */
  get data(): R {
    if (!this.decoded) {
      this.value = this.codec.decode(this.bytes);
      this.decoded = true;
    }
    return this.value as R;
  }
}
