import { ERRNO, KernelError, _FTYPE_ANY, _FTYPE_NAME, _IO_CONNECT, _IO_CONNECT_OPEN, emptyMsgInfo, type MsgInfo, type Thread } from '../kernel/index.js';
import { IO_CONNECT_HEADER } from '../kernel/ioMessages.js';
import type { InHand } from './inHand.js';
import type { Subject } from 'rxjs';
import { ReceivedMessage, pulseItem, type MessageContext, type Received } from './Received.js';

/** What a receiving thread needs: the kernel, the channel, codecs and a thread for replies. */
export interface ReceiveContext<T, R> extends MessageContext<T, R> {
  readonly chid: number;
  /** A thread of the server process that never blocks: replies go through it. */
  readonly control: Thread;
  readonly bufferSize: number;
  /**
   * A named channel: accept each `_IO_CONNECT` that `name_open` / `open` sends (recognised by its
   * whole header, see {@link isOpenHandshake}). Every other message reaches the subscriber,
   * whatever its first bytes.
   */
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
 * message itself (the `_IO_CONNECT` handshake of `name_open` / `open` on a named channel): arm
 * again. A message longer than the buffer is completed with `MsgRead`, so `bytes` is always the
 * whole message, checked as a whole for the handshake (borrowed from a
 * buffer the receiver reuses: valid until the message is settled). `arm()` throws at
 * once for an unknown channel. One continuation serves every receive, and one info block every
 * receive of the thread (its `receiveInfo`, which the kernel need not check): a message gets a
 * copy of it (pulses and answered opens need none).
 * @internal
 */
export class Receiver<T, R> {
  /**
   * The buffer that messages longer than the receive buffer are read into, reused from one to
   * the next: such a message's bytes are borrowed, valid until it is settled (see
   * `ReceivedMessage.keep`). It only grows, and is dropped with the receiver.
   */
  private large: Uint8Array | null = null;
  /**
   * A view of the first bytes of the receive buffer, as long as the last short message: a short
   * message is copied out of it whole (the copy constructor, V8's cheapest copy), and messages
   * of one length, the common case, reuse it.
   */
  private view: Uint8Array;

  constructor(
    private readonly ctx: ReceiveContext<T, R>,
    private readonly thread: Thread,
    private readonly scratch: Uint8Array,
    private readonly done: ReceiveDone<T, R>,
  ) {
    this.view = scratch;
  }

  arm(): void {
    const thread = this.thread;
    // the info block of the thread's receives (see Thread.receiveInfo), made at its first
    const info = thread.receiveInfo ?? (thread.receiveInfo = emptyMsgInfo());
    this.ctx.kernel.msgReceive(thread, this.ctx.chid, this.scratch, info, this.onReceive);
  }

  private readonly onReceive = (err: number, rcvid: number): void => {
    const { ctx, scratch } = this;
    const info = this.thread.receiveInfo!;
    if (err !== 0) {
      this.done(new KernelError(err, 'MsgReceive', { chid: ctx.chid }), undefined);
      return;
    }
    if (rcvid === 0) {
      this.done(null, pulseItem(scratch));
      return;
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
      const n = info.msglen;
      let view = this.view;
      if (view.length !== n) view = this.view = n === scratch.length ? scratch : scratch.subarray(0, n);
      bytes = new Uint8Array(view);
    }
    if (ctx.acceptOpens && isOpenHandshake(bytes)) {
      // the name_open / open handshake: accepted here, never shown (the info block stays ours)
      ctx.kernel.msgReply(ctx.control, rcvid, ERRNO.EOK, null);
      this.done(null, undefined);
      return;
    }
    // the message keeps a copy of the info block: the block stays the thread's (a fresh object
    // stored into the long-lived thread and wait objects at every message would cost more)
    this.done(null, new ReceivedMessage(ctx, rcvid, copyInfo(info), bytes, borrowed));
  };
}

/** A copy of `i` (the fields in `emptyMsgInfo`'s order). */
function copyInfo(i: MsgInfo): MsgInfo {
  return {
    nd: i.nd, srcnd: i.srcnd, pid: i.pid, tid: i.tid, chid: i.chid, scoid: i.scoid, coid: i.coid,
    msglen: i.msglen, srcmsglen: i.srcmsglen, dstmsglen: i.dstmsglen, priority: i.priority, flags: i.flags,
  };
}

/**
 * Whether `msg` (the whole message) is exactly the `_IO_CONNECT` / `_IO_CONNECT_OPEN` that
 * `name_open` or `open` sends (`ioConnectMessage`): type, subtype, a file type of `_FTYPE_NAME`
 * or `_FTYPE_ANY`, and a `path_len` that accounts for every byte after the 40-byte header, the
 * last one the path's NUL. Matching the first two bytes alone would take application data that
 * happens to start `00 01` for a handshake.
 * @internal
 */
export function isOpenHandshake(msg: Uint8Array): boolean {
  const n = msg.length;
  if (n <= IO_CONNECT_HEADER || (msg[0]! | (msg[1]! << 8)) !== _IO_CONNECT) return false;
  const dv = new DataView(msg.buffer, msg.byteOffset, n);
  if (dv.getUint16(2, true) !== _IO_CONNECT_OPEN) return false;
  const fileType = dv.getUint32(4, true);
  if (fileType !== _FTYPE_NAME && fileType !== _FTYPE_ANY) return false;
  return IO_CONNECT_HEADER + dv.getUint16(36, true) === n && msg[n - 1] === 0;
}
