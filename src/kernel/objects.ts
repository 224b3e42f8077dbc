/**
 * The kernel's objects. Fields are public to the kernel's own modules; users see them through
 * the readonly views `ThreadHandle` and `ProcessHandle`.
 *
 * The asynchronous-messaging objects that point at the others are here too, at the end (a
 * `Channel` holds its `AsyncChan`, an `AsyncConn` its `Connection`: one graph, one file); the
 * messages themselves are in `asyncMessage.ts`.
 * @internal
 * @packageDocumentation
 */
import { STATE_READY, _NTO_SIDE_CHANNEL } from './constants.js';
import { IdMap } from './IdMap.js';
import type { NetCall, RemoteConn } from './netHooks.js';
import { PriorityFifo, type FifoLinks } from './PriorityFifo.js';
import { ReplyList, type ReplyLinks } from './ReplyList.js';
import type { TimerHandle } from './scheduler.js';
import { SlotRing } from './SlotRing.js';
import type { AsyncAttr, AsyncEntry, AsyncMessage } from './asyncMessage.js';
import type { Buffers } from './buffers.js';
import type { Done } from './done.js';
import type { TimeoutArm } from './timeoutArm.js';
import type { MsgInfo, Sigevent } from './types.js';

// in files of their own (they point at no object here), re-exported for the modules that take them from here
export type { Done } from './done.js';
export type { TimeoutArm } from './timeoutArm.js';
export { AsyncEntry, type AsyncAttr, type AsyncCallback, type AsyncMessage } from './asyncMessage.js';

/** Anything that completes through the kernel's run-to-completion queue. */
export interface Completion {
  /** The thread whose call this completes, if any: its death drops the completion (`dropCompletionsOf`). */
  readonly thread?: Thread;
  done: Done;
  err: number;
  result: number;
  aux: number;
}

export class Process {
  readonly threads = new Map<number, Thread>();
  readonly channels = new IdMap<Channel>(1);
  /** fd-space coids from 0, side-channel coids from `_NTO_SIDE_CHANNEL`: two id spaces. */
  readonly coids = new IdMap<CoidEntry>(0, _NTO_SIDE_CHANNEL);
  /** Server connections by scoid index (scoid = _NTO_SIDE_CHANNEL | index). */
  readonly scoids = new IdMap<Connection>(1);
  /** Shareable connections by "nd:pid:chid". */
  readonly shared = new Map<string, Connection>();
  readonly timers = new IdMap<KTimer>(0);
  /** Async connections (asyncmsg_connect_attach) by coid. */
  readonly asyncConns = new Map<number, AsyncConn>();
  readonly abilities: Set<number>;
  deathChannel: Channel | null = null;
  alive = true;
  exitStatus = 0;
  nextTid = 1;
  /** The node this process runs on, as this kernel numbers nodes: 0 here; a proxy of a remote client otherwise. */
  nd = 0;

  constructor(
    readonly pid: number,
    readonly name: string,
    readonly uid: number,
    readonly gid: number,
    public priority: number,
    abilities: Iterable<number>,
  ) {
    this.abilities = new Set(abilities);
  }
}

export class Thread {
  state = STATE_READY;
  wait: SendWait | ReceiveWait | SleepWait | null = null;
  /** The channel of this thread's last receive, for server boost. */
  lastChannel: Channel | null = null;
  timeout: TimeoutArm | null = null;
  /** The calling thread's errno, for the C facade. */
  errno = 0;
  alive = true;
  /** Killed while REPLY-blocked on an UNBLOCK channel: lingers until the server replies. */
  zombie = false;
  /** Thread-local storage for the layer that runs the thread (the RxJS binding keeps its buffer here). */
  local: Uint8Array | null = null;
  /** The same layer's one-part iov around `local`, for sends whose reply may grow. */
  localIov: Uint8Array[] | null = null;
  /** One more object of that layer's, kept with the thread (the binding: its send continuations). */
  slot: unknown = null;
  /**
   * That layer's `_msg_info` for this thread's receives, which it never hands out (nobody can
   * freeze or seal it): MsgReceive skips its out-parameter check (a slow call) for this object.
   */
  receiveInfo: MsgInfo | null = null;
  /**
   * Called once (after the call that ends the thread) when the thread dies: the continuation of
   * a call it was blocked in never runs, so a binding learns of the death here.
   */
  onExit: (() => void) | null = null;
  /** The thread's last send and receive: their objects serve its next ones once heard (`KernelCore.heard`). */
  lastSend: SendWait | null = null;
  lastReceive: ReceiveWait | null = null;

  constructor(
    readonly tid: number,
    readonly process: Process,
    readonly name: string,
    public priority: number,
    public basePriority: number,
  ) {}
}

export class Channel {
  readonly receivers: ReceiveWait[] = [];
  readonly pulseReceivers: ReceiveWait[] = [];
  readonly sendQueue = new PriorityFifo<SendWait | Pulse>(isPulseItem);
  readonly replySet = new ReplyList<SendWait>();
  readonly connections = new Set<Connection>();
  /** Threads whose last receive was on this channel (the server boost lifts them). */
  readonly servers = new Set<Thread>();
  /** The receiver side of an asynchronous channel (asyncmsg_channel_create), else null. */
  async: AsyncChan | null = null;
  alive = true;

  constructor(
    readonly chid: number,
    readonly owner: Process,
    readonly flags: number,
  ) {}
}

export type ServerSide = 'connected' | 'disconnected' | 'freed';

/** A kernel connection object, shared by the client coids that attach to the same channel. */
export class Connection {
  /** Coids of the client that point here. */
  coids = 0;
  /** Client threads SEND- or REPLY-blocked through it. */
  blocked = 0;
  serverSide: ServerSide = 'connected';
  /** The generation of the last rcvid handed out for this connection (rcvids.ts). */
  generation = 0;
  /**
   * The REPLY-blocked sends through this connection, by rcvid: the first in a field (the common
   * case, no allocation), any further ones in a map made when first needed.
   */
  held: SendWait | null = null;
  heldMore: Map<number, SendWait> | null = null;
  /** A connection to a channel on another node (qnet.md §3.1), else null. */
  remote: RemoteConn | null = null;

  constructor(
    readonly client: Process,
    public channel: Channel | null,
    readonly server: Process,
    readonly scoidIndex: number,
    readonly scoid: number,
    readonly shareKey: string | null,
  ) {}
}

export interface CoidEntry {
  readonly coid: number;
  readonly conn: Connection;
  readonly flags: number;
}

/**
 * A thread's send, from MsgSend to its end. A thread's ended send serves its next one once its
 * continuation has run (`KernelCore.heard`): `init` is the one place every field is set, for a
 * new send as for a reused one, so no state of the last send can leak into the next.
 */
export class SendWait implements Completion, ReplyLinks<SendWait>, FifoLinks<SendWait | Pulse> {
  prevReply!: SendWait | null;
  nextReply!: SendWait | null;
  prevQ!: SendWait | Pulse | null;
  nextQ!: SendWait | Pulse | null;
  seqQ!: number;
  inQ!: object | null;
  err!: number;
  result!: number;
  /** The reply's length so far: the end of the furthest MsgReply or MsgWrite, untruncated. */
  aux!: number;
  /** The client's reply iov grows to hold the whole reply (see `Kernel.msgSend`). */
  growReply!: boolean;
  rcvid!: number;
  /** Bytes copied into the receiver's buffer at receive time. */
  copied!: number;
  timer!: TimerHandle | null;
  timeoutFlags!: number;
  /** The armed timeout expired while the thread was in a state it does not cover. */
  expired!: boolean;
  unblockRequested!: boolean;
  unblockErr!: number;
  unblockPulse!: Pulse | null;
  conn!: Connection;
  coid!: number;
  channel!: Channel;
  smsg!: Buffers;
  /** Replaced only by a growing reply (`growReply`). */
  rmsg!: Buffers;
  priority!: number;
  done!: Done;
  slen!: number;
  rlen!: number;
  /** A send that crosses a link: the client's remote wait, or a vthread's send on the server node. */
  net!: NetCall | null;
  /** A remote send holding one credit of its peer's window (until RECEIVED, or its end). */
  credited!: boolean;

  constructor(
    readonly thread: Thread,
    conn: Connection, coid: number, channel: Channel, smsg: Buffers, rmsg: Buffers,
    priority: number, done: Done, slen: number, rlen: number, growReply: boolean,
  ) {
    this.init(conn, coid, channel, smsg, rmsg, priority, done, slen, rlen, growReply);
  }

  /** Every field, for a new send of the thread (`thread` stays). */
  init(
    conn: Connection, coid: number, channel: Channel, smsg: Buffers, rmsg: Buffers,
    priority: number, done: Done, slen: number, rlen: number, growReply: boolean,
  ): this {
    this.conn = conn;
    this.coid = coid;
    this.channel = channel;
    this.smsg = smsg;
    this.rmsg = rmsg;
    this.priority = priority;
    this.done = done;
    this.slen = slen;
    this.rlen = rlen;
    this.growReply = growReply;
    this.prevReply = this.nextReply = null;
    this.prevQ = this.nextQ = null;
    this.inQ = null;
    this.seqQ = this.err = this.result = this.aux = this.rcvid = this.copied = this.timeoutFlags = this.unblockErr = 0;
    this.expired = this.unblockRequested = this.credited = false;
    this.timer = null;
    this.unblockPulse = null;
    this.net = null;
    return this;
  }
}

/** A thread's receive; reused as a send is (see {@link SendWait}). */
export class ReceiveWait implements Completion {
  err!: number;
  result!: number;
  aux!: number;
  timer!: TimerHandle | null;
  channel!: Channel;
  rmsg!: Buffers;
  info!: MsgInfo | null;
  pulseOnly!: boolean;
  done!: Done;

  constructor(readonly thread: Thread, channel: Channel, rmsg: Buffers, info: MsgInfo | null, pulseOnly: boolean, done: Done) {
    this.init(channel, rmsg, info, pulseOnly, done);
  }

  /** Every field, for a new receive of the thread. */
  init(channel: Channel, rmsg: Buffers, info: MsgInfo | null, pulseOnly: boolean, done: Done): this {
    this.channel = channel;
    this.rmsg = rmsg;
    this.info = info;
    this.pulseOnly = pulseOnly;
    this.done = done;
    this.err = this.result = this.aux = 0;
    this.timer = null;
    return this;
  }
}

export class SleepWait implements Completion {
  err = 0;
  result = 0;
  aux = 0;
  timer: TimerHandle | null = null;

  constructor(
    readonly thread: Thread,
    public done: Done,
  ) {}
}

export class Pulse implements FifoLinks<SendWait | Pulse> {
  /** Set for a `_PULSE_CODE_UNBLOCK` pulse: the send that asked to leave. */
  unblockFor: SendWait | null = null;
  prevQ: SendWait | Pulse | null = null;
  nextQ: SendWait | Pulse | null = null;
  seqQ = 0;
  inQ: object | null = null;

  constructor(
    readonly code: number,
    readonly value: number,
    readonly priority: number,
    readonly scoid: number,
  ) {}
}

export class KTimer {
  handle: TimerHandle | null = null;
  /** Scheduler time of the next expiry, or -1 when disarmed. */
  due = -1;
  intervalMs = 0;
  intervalNs: number | bigint = 0;

  constructor(
    readonly id: number,
    readonly owner: Process,
    readonly clockid: number,
    readonly event: Sigevent | null,
  ) {}
}

/** Which send-queue items are pulses (for `MsgReceivePulse`). */
function isPulseItem(item: SendWait | Pulse): boolean {
  return item instanceof Pulse;
}

// ---- asynchronous messaging (`asyncmsg_*`, QNX 6.4–6.5 docs): the receiver's channel side and
// the sender's ring per connection ----

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
  /** A proxy of another node's ring: what a get takes goes back in one report (`cut`: truncated ones' indexes). */
  taken: ((count: number, cut: number[] | null) => void) | null = null;

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
