import { ERRNO, KernelError, _IO_BASE, _IO_CONNECT, _IO_MAX, emptyMsgInfo, type Kernel, type MsgInfo, type Thread } from '../kernel/index.js';
import type { Codec } from './codecs.js';
import type { InHand } from './inHand.js';
import type { Subject } from 'rxjs';
import { ReceivedMessage, pulseItem, type Received } from './Received.js';

/** What a receiving thread needs: the kernel, the channel, codecs and a thread for replies. */
export interface ReceiveContext<T, R> {
  readonly kernel: Kernel;
  readonly chid: number;
  /** A thread of the server process that never blocks: replies go through it. */
  readonly control: Thread;
  readonly codec: Codec<T>;
  readonly replyCodec: Codec<R>;
  readonly bufferSize: number;
  /** A named channel: accept each `_IO_CONNECT` (name_open) and answer other `_IO_*` messages ENOSYS. */
  readonly acceptOpens: boolean;
  /** The channel has `_NTO_CHF_UNBLOCK`: a subscriber holding a message still takes pulses. */
  readonly unblock: boolean;
  /** The messages held and not answered, for unblock pulses. */
  readonly inHand: InHand;
  /** Messages that could not be handed out (a codec that failed: EBADMSG). */
  readonly errors: Subject<KernelError>;
}

/** `done` gets the item, a `KernelError`, or `undefined` when the binding answered the message itself. */
export type ReceiveDone<T, R> = (err: KernelError | null, item: Received<T, R> | undefined) => void;

/**
 * A receiving logical thread: `arm()` is one `MsgReceive` into the thread's scratch buffer.
 * `done` gets the received item, a `KernelError`, or `undefined` when the binding answered the
 * message itself (an `_IO_CONNECT` on a named channel): arm again. A message longer than the
 * buffer is completed with `MsgRead`, so `bytes` is always the whole message (borrowed from a
 * buffer the receiver reuses: valid until the message is settled). `arm()` throws at
 * once for an unknown channel. One continuation serves every receive, and one info block
 * every receive until a message keeps it (pulses and answered opens never do).
 * @internal
 */
export class Receiver<T, R> {
  private info: MsgInfo = emptyMsgInfo();
  /**
   * The buffer that messages longer than the receive buffer are read into, reused from one to
   * the next: such a message's bytes are borrowed, valid until it is settled (see
   * `ReceivedMessage.keep`). It only grows, and is dropped with the receiver.
   */
  private large: Uint8Array | null = null;

  constructor(
    private readonly ctx: ReceiveContext<T, R>,
    private readonly thread: Thread,
    private readonly scratch: Uint8Array,
    private readonly done: ReceiveDone<T, R>,
  ) {}

  arm(): void {
    this.ctx.kernel.msgReceive(this.thread, this.ctx.chid, this.scratch, this.info, this.onReceive);
  }

  private readonly onReceive = (err: number, rcvid: number): void => {
    const { ctx, scratch, info } = this;
    if (err !== 0) {
      this.done(new KernelError(err, 'MsgReceive', { chid: ctx.chid }), undefined);
      return;
    }
    if (rcvid === 0) {
      this.done(null, pulseItem(scratch));
      return;
    }
    if (ctx.acceptOpens && info.msglen >= 2) {
      const type = scratch[0]! | (scratch[1]! << 8);
      if (type >= _IO_BASE && type <= _IO_MAX) {
        // the name_open handshake, and system messages a named server does not implement
        if (type === _IO_CONNECT) ctx.kernel.msgReply(ctx.control, rcvid, ERRNO.EOK, null);
        else ctx.kernel.msgError(ctx.control, rcvid, ERRNO.ENOSYS);
        this.done(null, undefined);
        return;
      }
    }
    const total = info.srcmsglen;
    const borrowed = total > info.msglen;
    let bytes: Uint8Array;
    if (borrowed) {
      // longer than the receive buffer: completed with MsgRead into the reused large buffer
      let large = this.large;
      if (large === null || large.length < total) large = this.large = new Uint8Array(Math.max(total, (large?.length ?? 0) * 2));
      bytes = large.length === total ? large : large.subarray(0, total);
      bytes.set(scratch.subarray(0, info.msglen));
      ctx.kernel.msgRead(ctx.control, rcvid, bytes.subarray(info.msglen), total - info.msglen, info.msglen);
    } else {
      // the scratch buffer is the thread's, reused by its next receive: a short message is copied
      bytes = scratch.slice(0, info.msglen);
    }
    // the message keeps this info block: the next receive gets a fresh one (pulses reuse theirs)
    this.info = emptyMsgInfo();
    this.done(null, new ReceivedMessage(ctx.kernel, ctx.control, ctx.codec, ctx.replyCodec, rcvid, info, bytes, borrowed));
  };
}
