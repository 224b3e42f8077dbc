/**
 * Asynchronous messages (`asyncmsg_*`, QNX 6.4–6.5 docs) as the kernel keeps them: a connection's
 * attributes, a message a get returns, and a message in a sender's ring (`AsyncEntry`, its own
 * completion). They point at no other kernel object, so they live apart from `objects.ts` (the
 * channels and connections that hold them), which re-exports them. `AsyncEntry` is a
 * `Completion` by shape (`k.complete(entry, …)` checks it where it is queued).
 * @internal
 * @packageDocumentation
 */
import type { Buffers } from './buffers.js';
import type { Done } from './done.js';
import type { Itimer } from './types.js';

/** A put's completion callback: `(err, buffer, handle)`, once, after delivery (or EBADF at detach). */
export type AsyncCallback = (err: number, buf: Buffers, handle: number) => void;

/** `struct _asyncmsg_connection_attr`, as the kernel keeps it. */
export interface AsyncAttr {
  call_back: AsyncCallback | null;
  buffer_size: number;
  max_num_buffer: number;
  trigger_num_msg: number;
  trigger_time: Itimer;
}

/** One message a receiver got from `asyncmsg_get`. */
export interface AsyncMessage {
  /** Sender pid. */
  readonly pid: number;
  readonly chid: number;
  /** The sender's coid. */
  readonly coid: number;
  /** Bytes stored (at most the channel's buffer size). */
  readonly msglen: number;
  /** Bytes the sender put. */
  readonly srcmsglen: number;
  /** 0, or EMSGSIZE when the payload was longer than the buffer and was truncated. */
  readonly err: number;
  /** The receiver's bytes; from another node, views of one buffer per batch (copy before a transfer). */
  readonly data: Uint8Array;
}

/**
 * A message in a sender's ring, not yet consumed. It is also its own completion, queued up to
 * twice: first for the put (`onPut`, when the put was accepted at once), then for the callback
 * once the message was consumed or dropped; one object per put keeps puts allocation-light.
 */
export class AsyncEntry {
  err = 0;
  result = 0;
  aux = 0;
  /** The callback to run, chosen when the message is consumed (its own, else the connection's). */
  notify: AsyncCallback | null = null;

  /**
   * `at`: where the message starts in `buf` (0 but for a remote batch's message, which is `len`
   * bytes at `at` of the batch's payload: no view of its own until a receiver reads it).
   */
  constructor(
    readonly buf: Buffers,
    readonly len: number,
    readonly handle: number,
    readonly callback: AsyncCallback | null,
    private onPut: Done | null,
    readonly at: number = 0,
  ) {}

  /** Run the pending put completion, else the callback with the error it was queued with. */
  done(): void {
    const put = this.onPut;
    if (put !== null) {
      this.onPut = null;
      put(0, 0, 0);
      return;
    }
    this.notify?.(this.err, this.buf, this.handle);
  }
}

/**
 * A message a get took from another node's batch: its bytes are `msglen` bytes at `at` of the
 * batch's payload (the receiver's own copy), viewed when first read (a receiver that only counts
 * the messages makes no view of each).
 */
export class BatchMessage implements AsyncMessage {
  private view: Uint8Array | null = null;

  constructor(
    readonly pid: number,
    readonly chid: number,
    readonly coid: number,
    readonly msglen: number,
    readonly srcmsglen: number,
    readonly err: number,
    private readonly src: Uint8Array,
    private readonly at: number,
  ) {}

  get data(): Uint8Array {
    if (this.view === null) {
      const src = this.src;
      this.view = this.at === 0 && this.msglen === src.length ? src : new Uint8Array(src.buffer, src.byteOffset + this.at, this.msglen);
    }
    return this.view;
  }
}
