/**
 * The kernel calls of a logical thread, as methods: each enters the core and runs to completion.
 * @packageDocumentation
 */
import type { Buffers } from './buffers.js';
import { channelCreate, channelDestroy } from './channels.js';
import { asyncChannelCheck, asyncChannelCreate, asyncHasRoom, asyncConnectAttach, asyncConnectAttr, asyncConnectDetach, asyncFlush, asyncGet, asyncPut, asyncTryPut } from './asyncCalls.js';
import { connectAttach, connectClientInfo, connectDetach, connectServerInfo } from './connections.js';
import { PRIORITY_DEFAULT, RLIMIT_NOFILE_DEFAULT } from './constants.js';
import { NetManager } from './net/NetManager.js';
import { alive, fail, int, KernelCore, type PathEntry } from './core.js';
import { processExit, threadExit } from './deaths.js';
import { ERRNO } from './errno.js';
import { KernelError } from './KernelError.js';
import { msgDeliverEvent, msgError, msgInfo, msgRead, msgReply, msgWrite } from './msgReply.js';
import { msgReceive } from './msgReceive.js';
import { msgSend, msgSendPulse } from './msgSend.js';
import { nameAttach, nameDetach, nameOpen, pathAttach, pathDetach, pathOpen, pathResolve } from './names.js';
import { Process, Thread, type AsyncAttr, type AsyncCallback, type AsyncMessage, type Done } from './objects.js';
import { checkPriority, type KernelOptions, type ProcessOptions, type ThreadOptions } from './kernelOptions.js';
import { unblockThread } from './release.js';
import type { KernelScheduler } from './scheduler.js';
import { applyAbilities, defaultAbilities } from './security.js';
import { nanosleep, timerCreate, timerDestroy, timerSettime, timerTimeout } from './timers.js';
import type { ClientInfo, Itimer, MsgInfo, Sigevent } from './types.js';

/**
 * The calls a logical thread makes (QNX's kernel calls), each run to completion on the core.
 * `Kernel` adds the kernel-wide views: inspection (snapshot, trace) and the node (its network).
 */
export class KernelCalls {
  /** @internal */
  readonly core: KernelCore;

  constructor(options: KernelOptions) {
    this.core = new KernelCore(options.scheduler, options.rlimitNofile ?? RLIMIT_NOFILE_DEFAULT, options.onUnhandledError);
    if (options.net !== undefined) this.core.net = new NetManager(this.core, options.net);
  }

  get scheduler(): KernelScheduler {
    return this.core.scheduler;
  }

  // ---- processes and threads ----

  /** Start a process (a fresh pid with its own ids) with no threads yet. */
  createProcess(options: ProcessOptions = {}): Process {
    checkPriority(options.priority, 'spawn');
    const k = this.core;
    const pid = k.nextPid++;
    const uid = options.uid ?? 0;
    const p = new Process(pid, options.name ?? `proc${pid}`, uid, options.gid ?? 0, options.priority ?? PRIORITY_DEFAULT, options.abilities ?? defaultAbilities(uid));
    k.processes.set(pid, p);
    return p;
  }

  /** Start a logical thread in `p`; tids are 1-based per process. */
  createThread(p: Process, options: ThreadOptions = {}): Thread {
    checkPriority(options.priority, 'pthread_create');
    if (!p.alive) throw fail('ESRCH', 'pthread_create', { pid: p.pid });
    const tid = p.nextTid++;
    const prio = options.priority ?? p.priority;
    const t = new Thread(tid, p, options.name ?? '', prio, prio);
    p.threads.set(tid, t);
    return t;
  }

  /** The live process `pid`, if any. */
  getProcess(pid: number): Process | undefined {
    return this.core.processes.get(pid);
  }

  /** End a logical thread (thread-death pulse to the process's death channel). */
  threadExit(t: Thread): void {
    this.core.run(() => threadExit(this.core, t, true));
  }

  /** End a process: its threads, channels and connections go, with the model's pulses. */
  processExit(p: Process, status = 0): void {
    this.core.run(() => processExit(this.core, p, status));
  }

  /** Set a thread's priority (`pthread_setschedprio`). */
  setPriority(t: Thread, priority: number): void {
    alive(t, 'pthread_setschedprio');
    checkPriority(priority, 'pthread_setschedprio');
    t.priority = priority;
    t.basePriority = priority;
  }

  /** `procmgr_ability`: allow or deny abilities of process `pid` (0 = the caller's). */
  procmgrAbility(t: Thread, pid: number, ops: readonly number[]): number {
    const call = 'procmgr_ability';
    alive(t, call);
    const target = this.core.processOf(t, int(pid, call, 'pid'), call);
    if (target !== t.process && t.process.uid !== 0) throw fail('EPERM', call, { pid });
    if (!Array.isArray(ops)) throw fail('EINVAL', call, { pid });
    const err = applyAbilities(t.process, target, ops);
    if (err !== 0) throw new KernelError(err, call, { pid });
    return 0;
  }

  // ---- channels and connections ----

  /** `ChannelCreate(flags)`: returns the chid. */
  channelCreate(t: Thread, flags: number): number {
    return this.core.run(() => channelCreate(this.core, t, flags));
  }

  /** `ChannelDestroy(chid)`: blocked senders and receivers get ESRCH. */
  channelDestroy(t: Thread, chid: number): number {
    return this.core.run(() => channelDestroy(this.core, t, chid));
  }

  /** `ConnectAttach(nd, pid, chid, index, flags)`: returns the coid. */
  connectAttach(t: Thread, nd: number, pid: number, chid: number, index: number, flags: number): number {
    return this.core.run(() => connectAttach(this.core, t, nd, pid, chid, index, flags));
  }

  /** `ConnectDetach(coid)`, also a server's `ConnectDetach(scoid)` after a disconnect pulse. */
  connectDetach(t: Thread, coid: number): number {
    return this.core.run(() => connectDetach(this.core, t, coid));
  }

  /** `ConnectServerInfo(pid, coid, info)`: returns the coid reported (maybe a higher one). */
  connectServerInfo(t: Thread, pid: number, coid: number, info: MsgInfo | null): number {
    return this.core.run(() => connectServerInfo(this.core, t, pid, coid, info));
  }

  /** `ConnectClientInfo(scoid, info, ngroups)`: the client's pid and credentials (scoid -1: the caller). */
  connectClientInfo(t: Thread, scoid: number, info: ClientInfo, ngroups = 0): number {
    return this.core.run(() => connectClientInfo(t, scoid, info, ngroups));
  }

  // ---- messages ----

  /**
   * `MsgSend`: `done(0, status, length)` after the reply (`length`: the reply's length before any
   * truncation), or `done(errno, 0, 0)`. With `growReply`, `rmsg` must be a one-part iov whose part
   * the kernel replaces by a larger buffer when the reply does not fit (nothing is truncated).
   */
  msgSend(t: Thread, coid: number, smsg: Buffers, rmsg: Buffers, done: Done, growReply = false): void {
    const k = this.core;
    k.enter();
    try {
      msgSend(k, t, coid, smsg, rmsg, done, growReply);
    } finally {
      k.leave();
    }
  }

  /** `MsgReceive`: `done(0, rcvid)` for a message, `done(0, 0)` for a pulse (in `rmsg`). */
  msgReceive(t: Thread, chid: number, rmsg: Buffers, info: MsgInfo | null, done: Done): void {
    const k = this.core;
    k.enter();
    try {
      msgReceive(k, t, chid, rmsg, info, done);
    } finally {
      k.leave();
    }
  }

  /** `MsgReceivePulse`: pulses only; queued messages stay queued. */
  msgReceivePulse(t: Thread, chid: number, rmsg: Buffers, done: Done): void {
    this.core.run(() => msgReceive(this.core, t, chid, rmsg, null, done, true));
  }

  /** `MsgReply(rcvid, status, msg, bytes)`: the reply is truncated to the client's buffer. */
  msgReply(t: Thread, rcvid: number, status: number, msg: Buffers | null = null, bytes?: number): number {
    const k = this.core;
    k.enter();
    try {
      return msgReply(k, t, rcvid, status, msg, bytes);
    } finally {
      k.leave();
    }
  }

  /** `MsgError(rcvid, error)`: EOK, ERESTART and -1 have the model's meanings. */
  msgError(t: Thread, rcvid: number, error: number): number {
    return this.core.run(() => msgError(this.core, t, rcvid, error));
  }

  /** `MsgRead(rcvid, msg, bytes, offset)`: more of the client's message. */
  msgRead(t: Thread, rcvid: number, msg: Buffers, bytes: number | undefined, offset: number): number {
    return this.core.run(() => msgRead(t, rcvid, msg, bytes, offset));
  }

  /** `MsgWrite(rcvid, msg, bytes, offset)`: into the client's reply buffer, before the reply. */
  msgWrite(t: Thread, rcvid: number, msg: Buffers, bytes: number | undefined, offset: number): number {
    return this.core.run(() => msgWrite(t, rcvid, msg, bytes, offset));
  }

  /** `MsgInfo(rcvid, info)`: refreshed info, with `_NTO_MI_UNBLOCK_REQ` once requested. */
  msgInfo(t: Thread, rcvid: number, info: MsgInfo): number {
    return this.core.run(() => msgInfo(t, rcvid, info));
  }

  /** `MsgSendPulse(coid, priority, code, value)`: never blocks. */
  msgSendPulse(t: Thread, coid: number, priority: number, code: number, value: number): number {
    this.core.run(() => msgSendPulse(this.core, t, coid, priority, code, value));
    return 0;
  }

  /** `MsgDeliverEvent(rcvid, event)`. */
  msgDeliverEvent(t: Thread, rcvid: number, event: Sigevent): number {
    return this.core.run(() => msgDeliverEvent(this.core, t, rcvid, event));
  }

  /**
   * Unblock `t` as a signal would (EINTR by default): a SEND-blocked or RECEIVE-blocked thread
   * returns the error at once; a REPLY-blocked one on an `_NTO_CHF_UNBLOCK` channel stays
   * blocked and its server gets one `_PULSE_CODE_UNBLOCK` pulse.
   */
  unblock(t: Thread, errno: number = ERRNO.EINTR): void {
    this.core.run(() => unblockThread(this.core, t, errno));
  }

  // ---- time ----

  /** `TimerTimeout(id, flags, notify, ntime)`: arms the next blocking call; returns the old flags. */
  timerTimeout(t: Thread, clockid: number, flags: number, notify: Sigevent | null, ntime: number | bigint | null): number {
    return this.core.run(() => timerTimeout(this.core, t, clockid, flags, notify, ntime));
  }

  /** `TimerCreate(clockid, event)`: returns the timer id. */
  timerCreate(t: Thread, clockid: number, event: Sigevent | null): number {
    return this.core.run(() => timerCreate(t, clockid, event));
  }

  /** `TimerSettime(id, flags, itime, oitime)`. */
  timerSettime(t: Thread, id: number, flags: number, itime: Itimer, oitime: Itimer | null = null): number {
    return this.core.run(() => timerSettime(this.core, t, id, flags, itime, oitime));
  }

  /** `TimerDestroy(id)`. */
  timerDestroy(t: Thread, id: number): number {
    return this.core.run(() => timerDestroy(t, id));
  }

  /** Block `t` for `ns` nanoseconds (NANOSLEEP). */
  nanosleep(t: Thread, ns: number | bigint, done: Done): void {
    this.core.run(() => nanosleep(this.core, t, ns, done));
  }

  // ---- names ----

  /** `name_attach`: registers `/dev/name/local/<name>`; returns `{ chid, mntid, ... }`. */
  nameAttach(t: Thread, name: string, flags: number, chid?: number): PathEntry {
    return this.core.run(() => nameAttach(this.core, t, name, flags, chid));
  }

  /** `name_detach`: removes the name; destroys its channel unless `keepChannel`. */
  nameDetach(t: Thread, mntid: number, keepChannel = false): number {
    return this.core.run(() => nameDetach(this.core, t, mntid, keepChannel));
  }

  /** `name_open`: `done(0, coid)` after the server accepts `_IO_CONNECT`. */
  nameOpen(t: Thread, name: string, flags: number, done: Done): void {
    this.core.run(() => nameOpen(this.core, t, name, flags, done));
  }

  /** Register `path` for channel `chid` (a resource manager's mount); EPERM without PATHSPACE. */
  pathAttach(t: Thread, path: string, chid: number): PathEntry {
    return this.core.run(() => pathAttach(this.core, t, path, chid));
  }

  /** Remove the path registered as `mntid`. */
  pathDetach(t: Thread, mntid: number): number {
    return this.core.run(() => pathDetach(this.core, t, mntid));
  }

  /** `open(path, oflag, mode)`: `done(0, fd)` once the path's server accepts `_IO_CONNECT`; ENOENT at once. */
  pathOpen(t: Thread, path: string, oflag: number, mode: number, done: Done): void {
    this.core.run(() => pathOpen(this.core, t, path, oflag, mode, done));
  }

  /** Who serves `path`: `{ pid, chid, mntid }`, or ENOENT. */
  pathResolve(t: Thread, path: string): PathEntry {
    return pathResolve(this.core, t, path);
  }

  // ---- asynchronous messaging ----

  /** `asyncmsg_channel_create(flags, mode, buffer_size, max_num_buffer, ev)`: `_NTO_CHF_ASYNC` is added. */
  asyncChannelCreate(t: Thread, flags: number, mode: number, bufferSize: number, maxNumBuffer: number, event: Sigevent | null): number {
    return this.core.run(() => asyncChannelCreate(this.core, t, flags, mode, bufferSize, maxNumBuffer, event));
  }

  /** `asyncmsg_channel_destroy(chid)`: EINVAL for an unknown or synchronous channel. */
  asyncChannelDestroy(t: Thread, chid: number): number {
    return this.core.run(() => {
      asyncChannelCheck(t, chid);
      return channelDestroy(this.core, t, chid);
    });
  }

  /** `asyncmsg_connect_attach(nd, pid, chid, index, flags, attr)`: a coid with its own send ring. */
  asyncConnectAttach(t: Thread, nd: number, pid: number, chid: number, index: number, flags: number, attr: AsyncAttr): number {
    return this.core.run(() => asyncConnectAttach(this.core, t, nd, pid, chid, index, flags, attr));
  }

  /** `asyncmsg_connect_detach(coid)`: undelivered messages complete with EBADF. */
  asyncConnectDetach(t: Thread, coid: number): number {
    return this.core.run(() => asyncConnectDetach(this.core, t, coid));
  }

  /** `asyncmsg_connect_attr(coid, old, new)`. */
  asyncConnectAttr(t: Thread, coid: number, old: AsyncAttr | null, neu: AsyncAttr | null): number {
    return this.core.run(() => asyncConnectAttr(t, coid, old, neu));
  }

  /** `asyncmsg_put`: `done(0)` once the message is in the ring; the callback runs after delivery. */
  asyncPut(t: Thread, coid: number, buf: Buffers, handle: number, callback: AsyncCallback | null, done: Done): void {
    const k = this.core;
    k.enter();
    try {
      asyncPut(k, t, coid, buf, handle, callback, done);
    } finally {
      k.leave();
    }
  }

  /**
   * `asyncmsg_put` that never waits: true once the message is in the ring; false, with nothing
   * put and no error made, when the ring is full (or puts wait for a slot). EBADF as
   * `asyncmsg_put`. The callback runs after delivery, as for `asyncPut`.
   */
  asyncTryPut(t: Thread, coid: number, buf: Buffers, handle: number, callback: AsyncCallback | null): boolean {
    const k = this.core;
    k.enter();
    try {
      return asyncTryPut(k, t, coid, buf, handle, callback);
    } finally {
      k.leave();
    }
  }

  /** Whether a put on `coid` would enter its ring now (no waiting); EBADF for an unknown connection. */
  asyncHasRoom(t: Thread, coid: number): boolean {
    return asyncHasRoom(t, coid);
  }

  /** `asyncmsg_flush(coid, mode)`: mode 0 completes when every message was taken by a get. */
  asyncFlush(t: Thread, coid: number, mode: number, done: Done): void {
    this.core.run(() => asyncFlush(this.core, t, coid, mode, done));
  }

  /**
   * `asyncmsg_get(chid)`: up to `limit` messages (at most `max_num_buffer`), one connection at a
   * time. With `buffers`, at most that many, each copied into the next buffer (no other copy).
   */
  asyncGet(t: Thread, chid: number, limit: number, done: (err: number, messages: AsyncMessage[]) => void, buffers: readonly Uint8Array[] | null = null): void {
    const k = this.core;
    k.enter();
    try {
      asyncGet(k, t, chid, limit, done, buffers);
    } finally {
      k.leave();
    }
  }
}
