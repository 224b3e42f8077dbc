/**
 * A dispatch handle (`dispatch_t`): a channel, created lazily, with a handler table, contexts,
 * blocking receives with a persistent timeout, and the `dispatch_handler` decision order of
 * `qnx-model.md` §6.6. Driven through the kernel's continuations, so the C facade (Promises) and
 * the RxJS router share it.
 * @packageDocumentation
 */
import {
  CLOCK_MONOTONIC, DISPATCH_FLAG_NOLOCK, ERRNO, KernelError, MSG_FLAG_ALLOC_PULSE, MSG_FLAG_DEFAULT_FUNC, MSG_FLAG_SIDE_CHANNEL,
  MSG_FLAG_TYPE_PULSE, _NTO_CHF_COID_DISCONNECT, _NTO_CHF_DISCONNECT, _NTO_CHF_UNBLOCK, _NTO_SIDE_CHANNEL, _NTO_TIMEOUT_RECEIVE,
  _PULSE_CODE_COIDDEATH, _PULSE_CODE_UNBLOCK, emptyMsgInfo, type Kernel, type MsgInfo, type Process, type Thread,
} from '../kernel/index.js';
import { DispatchTable, type DispatchEntry } from './DispatchTable.js';

/** `message_attr_t` (the `reserved` words are not modelled). */
export interface message_attr_t {
  flags: number;
  /** iov slots per context; at least 1. */
  nparts_max: number;
  /** Largest message a context must hold. */
  msg_max_size: number;
}

/** A dispatch context (`message_context_t` = `resmgr_context_t` = `dispatch_context_t`). */
export interface DispatchContext {
  /** Receive id of the last `dispatch_block`: > 0 a message, 0 a pulse, -1 a timeout. */
  rcvid: number;
  /** The `_msg_info` of what was received. */
  readonly info: MsgInfo;
  /** The received bytes (a pulse in the `struct _pulse` layout when `rcvid === 0`). */
  msg: Uint8Array;
  readonly dpp: Dispatch<unknown>;
  /** The id of the resource-manager attach the message is for (0 otherwise). */
  id: number;
  /** Status a resource-manager handler sets for its reply. */
  status: number;
  /** Reply parts a resource-manager handler fills for `_RESMGR_NPARTS(n)`. */
  iov: Array<{ iov_base: Uint8Array; iov_len: number }>;
}

/** Smallest receive buffer of a context: room for a pulse or any I/O message header. */
export const DEFAULT_MSG_MAX = 512;

/** What {@link Dispatch.route} found for a received item. */
export interface Route<H> {
  readonly entry: DispatchEntry<H>;
  /** The message type or the pulse code. */
  readonly code: number;
}

/** Kernel-level `dispatch_t`; `H` is the handler type of the layer above. */
export class Dispatch<H> {
  readonly table = new DispatchTable<H>();
  /** Whether a context was ever allocated (sizes are frozen; with NOLOCK, the table too). */
  active = false;
  msgMaxSize = 0;
  npartsMax = 1;
  /** Persistent receive timeout (ns) for every `dispatch_block`, or `null`. */
  timeoutNs: number | bigint | null = null;
  /** Layers attached on top (the resource manager keeps its state here). */
  readonly extensions = new Map<string, unknown>();
  private ownsChannel: boolean;
  private selfCoid = -1;
  destroyed = false;

  constructor(
    readonly kernel: Kernel,
    readonly process: Process,
    /** The channel, or -1 until the first attach creates it. */
    public chid: number,
    readonly flags: number,
  ) {
    if (!Number.isInteger(flags) || (flags & ~DISPATCH_FLAG_NOLOCK) !== 0) throw new KernelError('EINVAL', 'dispatch_create_channel', undefined, { cause: 'unknown flags' });
    if (chid !== -1 && (!Number.isInteger(chid) || !process.channels.has(chid))) throw new KernelError('EINVAL', 'dispatch_create_channel', { chid });
    this.ownsChannel = chid === -1;
  }

  /** The channel, created on first need with UNBLOCK | DISCONNECT (+ COID_DISCONNECT if unclaimed). */
  channel(t: Thread): number {
    this.alive('dispatch');
    if (this.chid === -1) {
      const death = t.process.deathChannel === null ? _NTO_CHF_COID_DISCONNECT : 0;
      this.chid = this.kernel.channelCreate(t, _NTO_CHF_UNBLOCK | _NTO_CHF_DISCONNECT | death);
      this.ownsChannel = true;
    }
    return this.chid;
  }

  /** Take `chid` (made for this handle, e.g. by `name_attach`) as the handle's own channel. */
  adopt(chid: number): void {
    this.chid = chid;
    this.ownsChannel = true;
  }

  private alive(call: string): void {
    if (this.destroyed) throw new KernelError('EINVAL', call, undefined, { cause: 'the dispatch handle was destroyed' });
  }

  /** Under DISPATCH_FLAG_NOLOCK the table is frozen once a context exists (EINVAL). */
  checkMutable(call: string): void {
    this.alive(call);
    if (this.active && (this.flags & DISPATCH_FLAG_NOLOCK) !== 0) {
      throw new KernelError('EINVAL', call, undefined, { cause: 'DISPATCH_FLAG_NOLOCK: the table is frozen once a context exists' });
    }
  }

  /** Grow the context sizes; after a context exists, growing is EINVAL. */
  reserve(call: string, attr: Partial<message_attr_t> | null): void {
    const size = attr?.msg_max_size ?? 0;
    const parts = Math.max(1, attr?.nparts_max ?? 1);
    if (!Number.isInteger(size) || size < 0 || !Number.isInteger(parts)) throw new KernelError('EINVAL', call);
    if (this.active && (size > Math.max(this.msgMaxSize, DEFAULT_MSG_MAX) || parts > this.npartsMax)) {
      throw new KernelError('EINVAL', call, undefined, { cause: 'contexts exist: msg_max_size and nparts_max can no longer grow' });
    }
    this.msgMaxSize = Math.max(this.msgMaxSize, size);
    this.npartsMax = Math.max(this.npartsMax, parts);
  }

  /**
   * `message_attach` / `pulse_attach`: returns 0 for a message range, the code for a pulse
   * range (the allocated one with `MSG_FLAG_ALLOC_PULSE`).
   */
  attach(t: Thread, call: string, attr: Partial<message_attr_t> | null, low: number, high: number, handler: H, handle: unknown): number {
    const flags = attr?.flags ?? 0;
    this.checkMutable(call);
    const pulse = (flags & MSG_FLAG_TYPE_PULSE) !== 0;
    const isDefault = (flags & MSG_FLAG_DEFAULT_FUNC) !== 0;
    const alloc = pulse && (flags & MSG_FLAG_ALLOC_PULSE) !== 0;
    // every check before anything changes (the channel, the sizes, the table)
    if (isDefault) this.table.checkDefault(call);
    else if (alloc) low = high = this.table.allocPulse(call);
    else this.table.check(call, low, high, pulse);
    const chid = this.channel(t);
    if (pulse && !alloc && low <= _PULSE_CODE_COIDDEATH && _PULSE_CODE_COIDDEATH <= high) {
      const ch = this.process.channels.get(chid);
      if (ch !== undefined && (ch.flags & _NTO_CHF_COID_DISCONNECT) === 0) throw new KernelError('EBUSY', call, { chid });
    }
    this.reserve(call, attr);
    if (isDefault) {
      this.table.attachDefault(call, handler, handle, flags);
      return 0;
    }
    this.table.attach(call, low, high, pulse, handler, handle, flags);
    return pulse ? low : 0;
  }

  /** `message_detach` / `pulse_detach`: EINVAL when no entry has exactly that range. */
  detach(call: string, low: number, high: number, flags: number): number {
    this.checkMutable(call);
    const found = this.table.detach(low, high, (flags & MSG_FLAG_TYPE_PULSE) !== 0, (flags & MSG_FLAG_DEFAULT_FUNC) !== 0);
    if (!found) throw new KernelError('EINVAL', call, undefined, { cause: `no entry ${low}..${high}` });
    return 0;
  }

  /** `message_connect`: a connection to the dispatch's own channel. */
  connect(t: Thread, flags: number): number {
    const chid = this.channel(t);
    return this.kernel.connectAttach(t, 0, this.process.pid, chid, (flags & MSG_FLAG_SIDE_CHANNEL) !== 0 ? _NTO_SIDE_CHANNEL : 0, 0);
  }

  /** `dispatch_context_alloc`: EINVAL while nothing is attached. Freezes the sizes. */
  contextAlloc(): DispatchContext {
    this.alive('dispatch_context_alloc');
    if (this.table.empty || this.chid === -1) throw new KernelError('EINVAL', 'dispatch_context_alloc', undefined, { cause: 'nothing is attached' });
    this.active = true;
    return { rcvid: 0, info: emptyMsgInfo(), msg: new Uint8Array(Math.max(this.msgMaxSize, DEFAULT_MSG_MAX)), dpp: this as Dispatch<unknown>, id: 0, status: 0, iov: [] };
  }

  /**
   * `dispatch_block`: receive into `ctp`. `done(0)` with `ctp.rcvid` set; on the handle's
   * timeout `done(ETIMEDOUT)` with `ctp.rcvid === -1`; other failures `done(errno)`.
   */
  block(t: Thread, ctp: DispatchContext, done: (err: number) => void): void {
    this.alive('dispatch_block');
    if (this.timeoutNs !== null) this.kernel.timerTimeout(t, CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, null, this.timeoutNs);
    ctp.id = 0;
    ctp.status = 0;
    ctp.iov = [];
    this.kernel.msgReceive(t, this.chid, ctp.msg, ctp.info, (err, rcvid) => {
      if (err === ERRNO.ETIMEDOUT) {
        ctp.rcvid = -1;
      } else if (err === 0) {
        ctp.rcvid = rcvid;
      }
      done(err);
    });
  }

  /**
   * The first half of `dispatch_handler`: find the entry for what `ctp` holds. A message under 2
   * bytes is answered EINVAL, an unmatched message ENOSYS; an unmatched pulse is dropped. `null`
   * means `dispatch_handler` returns -1.
   */
  route(t: Thread, ctp: DispatchContext): Route<H> | null {
    if (ctp.rcvid === -1) return null;
    if (ctp.rcvid === 0) {
      const code = (ctp.msg[4]! << 24) >> 24; // int8 code of struct _pulse
      const entry = this.table.lookup(true, code);
      return entry === null ? null : { entry, code };
    }
    if (ctp.info.msglen < 2) {
      this.kernel.msgError(t, ctp.rcvid, ERRNO.EINVAL);
      return null;
    }
    const type = ctp.msg[0]! | (ctp.msg[1]! << 8);
    const entry = this.table.lookup(false, type);
    if (entry === null) {
      this.kernel.msgError(t, ctp.rcvid, ERRNO.ENOSYS);
      return null;
    }
    return { entry, code: type };
  }

  /** `dispatch_unblock`: one `_PULSE_CODE_UNBLOCK` pulse (value 0) to the own channel. */
  unblock(t: Thread): void {
    if (this.destroyed || this.chid === -1) return;
    if (this.selfCoid === -1) this.selfCoid = this.kernel.connectAttach(t, 0, this.process.pid, this.chid, _NTO_SIDE_CHANNEL, 0);
    this.kernel.msgSendPulse(t, this.selfCoid, t.priority, _PULSE_CODE_UNBLOCK, 0);
  }

  /**
   * `dispatch_destroy`: destroys the channel if the handle created it; a channel you passed to
   * `dispatch_create_channel` stays yours (`qnx-model.md` §11.14).
   */
  destroy(t: Thread): number {
    this.alive('dispatch_destroy');
    this.destroyed = true;
    if (this.selfCoid !== -1) this.kernel.connectDetach(t, this.selfCoid);
    if (this.ownsChannel && this.chid !== -1 && this.process.channels.has(this.chid)) this.kernel.channelDestroy(t, this.chid);
    return 0;
  }
}
