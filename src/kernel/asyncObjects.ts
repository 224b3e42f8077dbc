/**
 * Asynchronous messaging state (`asyncmsg_*`, QNX 6.4–6.5 docs): the receiver's channel side and
 * the sender's ring per connection.
 * @internal
 * @packageDocumentation
 */
import type { Buffers } from './buffers.js';
import { SlotRing } from './SlotRing.js';
import type { Completion, Connection, Done, Thread } from './objects.js';
import type { TimerHandle } from './scheduler.js';
import type { Itimer, Sigevent } from './types.js';

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
  readonly data: Uint8Array;
}

/**
 * A message in a sender's ring, not yet consumed. It is also its own completion, queued up to
 * twice: first for the put (`onPut`, when the put was accepted at once), then for the callback
 * once the message was consumed or dropped; one object per put keeps puts allocation-light.
 */
export class AsyncEntry implements Completion {
  err = 0;
  result = 0;
  aux = 0;
  /** The callback to run, chosen when the message is consumed (its own, else the connection's). */
  notify: AsyncCallback | null = null;

  constructor(
    readonly buf: Buffers,
    readonly len: number,
    readonly handle: number,
    readonly callback: AsyncCallback | null,
    private onPut: Done | null,
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

/** A put waiting for a free ring slot. */
export interface PutWaiter extends Completion {
  readonly entry: AsyncEntry;
  readonly thread: Thread;
}

/** A blocking flush or get. */
export interface Waiter extends Completion {
  readonly thread: Thread;
}

/** The sender side of an asynchronous connection. */
export class AsyncConn {
  /** The send ring: `max_num_buffer − 1` slots, since one slot always stays empty. */
  readonly entries: SlotRing<AsyncEntry>;
  /** How many entries, from the head, a trigger has made visible to `asyncmsg_get`. */
  visible = 0;
  inFifo = false;
  timer: TimerHandle | null = null;
  readonly putWaiters: PutWaiter[] = [];
  readonly flushWaiters: Waiter[] = [];
  alive = true;

  constructor(
    readonly coid: number,
    readonly conn: Connection,
    readonly chan: AsyncChan,
    public attr: AsyncAttr,
    readonly nonblock: boolean,
  ) {
    this.entries = new SlotRing<AsyncEntry>(attr.max_num_buffer - 1);
  }

  /** Messages outstanding (put, not consumed) at most. */
  get capacity(): number {
    return this.entries.capacity;
  }
}

/** The receiver side of an asynchronous channel. */
export class AsyncChan {
  /** Triggered connections, in the order they were first triggered. */
  readonly fifo: AsyncConn[] = [];
  /** Messages visible across connections (for the empty → non-empty event). */
  visibleTotal = 0;
  readonly getters: GetWaiter[] = [];
  /** Every live connection to this channel: its death ends them all (EBADF). */
  readonly conns = new Set<AsyncConn>();

  constructor(
    readonly bufferSize: number,
    readonly maxNumBuffer: number,
    readonly event: Sigevent | null,
    readonly mode: number,
  ) {}
}

/** A thread blocked in `asyncmsg_get` on an empty blocking channel. */
export class GetWaiter implements Waiter {
  err = 0;
  result = 0;
  aux = 0;
  messages: AsyncMessage[] = [];

  constructor(
    readonly thread: Thread,
    readonly limit: number,
    readonly onDone: (err: number, messages: AsyncMessage[]) => void,
    /** The receiver's buffers, filled in order (`asyncmsg_get`'s ALLOC'd ones); `null`: the kernel allocates. */
    readonly buffers: readonly Uint8Array[] | null = null,
  ) {}

  readonly done: Done = (err) => this.onDone(err, this.messages);
}
