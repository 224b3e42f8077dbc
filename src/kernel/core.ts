/**
 * The kernel's state and its run-to-completion queue. Every call module takes a `KernelCore`.
 * @internal
 * @packageDocumentation
 */
import type { Buffers } from './buffers.js';
import { ERRNO } from './errno.js';
import { KernelError } from './KernelError.js';
import type { NetNames, PeerRef } from './netHooks.js';
import type { AsyncConn, Channel, CoidEntry, Completion, Connection, Done, Process, SendWait, Thread } from './objects.js';
import { scheduleAfter, type KernelScheduler, type TimerHandle } from './scheduler.js';
import type { Sigevent, TraceEvent } from './types.js';

/** A name registered in the path space (`/dev/name/local/...`). */
export interface PathEntry {
  readonly path: string;
  readonly mntid: number;
  readonly pid: number;
  readonly chid: number;
}

/**
 * The net manager as the kernel's call modules see it: the kernel calls these hooks where a send,
 * a pulse or a death crosses a link (qnet.md §2); `net/NetManager.ts` implements them. Declared
 * here, beside {@link KernelCore.net}, because its calls take a `KernelCore`; the shapes it
 * hands around are in `netHooks.ts`.
 */
export interface NetHooks {
  /** ConnectAttach to (nd, pid, chid) on another node: the coid. */
  attach(k: KernelCore, t: Thread, nd: number, pid: number, chid: number, index: number, flags: number): number;
  /** MsgSend through a remote connection (the checks of `msgSend` are done). */
  send(k: KernelCore, t: Thread, entry: CoidEntry, smsg: Buffers, rmsg: Buffers, done: Done, growReply: boolean, slen: number, rlen: number, call: string): void;
  /** MsgSendPulse through a remote connection. */
  pulse(k: KernelCore, from: Thread | Process, entry: CoidEntry, priority: number, code: number, value: number): void;
  /** Client side: ask the server node to let a remote send go (EINTR, EBADF, ETIMEDOUT …). */
  unblock(w: SendWait, err: number): void;
  /** Client side: the sending thread died (its thread lingers until the server answers). */
  cancel(w: SendWait): void;
  /** Client side: the send's TimerTimeout expired; the server decides by its state. */
  timeout(w: SendWait, flags: number): void;
  /** Client side: a remote send ended (answered, or its node lost). */
  forget(w: SendWait): void;
  /** Client side: the last reference of a remote connection went. */
  detach(conn: Connection): void;
  /** Server side: a vthread's send ended with (err, result): the REPLY or ERROR frame. */
  answer(w: SendWait, err: number, result: number): void;
  /** Server side: a vthread's message was received (RECEIVED), or sent back to SEND (REQUEUED). */
  received(w: SendWait): void;
  requeued(w: SendWait): void;
  /** Server side: the channel of a proxy's connection was destroyed (CHANNEL_GONE). */
  channelGone(conn: Connection): void;
  /** Server side: an event for a remote client (MsgDeliverEvent to a proxy). Never fails. */
  event(proxy: Process, ev: Sigevent, priority: number): void;
  /**
   * `open("/net/<node>/<path>")`: ask node `nd` who serves `path`; `done(errno, pid, chid)` from
   * inside a later kernel call (EHOSTUNREACH at once when no link reaches it).
   */
  resolve(nd: number, path: string, done: (errno: number, pid: number, chid: number) => void): void;
  /** Whether asynchronous messages may cross to other nodes (`asyncAcrossNodes`). */
  readonly asyncAcross: boolean;
  /** A trigger of a remote asynchronous connection: its newly visible messages go as one batch. */
  asyncTrigger(c: AsyncConn): void;
  /**
   * The ring of remote asynchronous connection `c` is full: read now what its peer's link holds
   * already (reports of taken messages free slots), as one nested kernel call per frame.
   */
  asyncCatchUp(c: AsyncConn): void;
  /** `netmgr_strtond`: the nd of a node name or `/net/<node>/…` path, and where the node part ends. */
  strtond(name: string): { nd: number; end: number };
  /** Every peer node this node knows, with the proxy processes of its clients here (for `snapshot`). */
  allPeers(): ReadonlyArray<PeerRef & { readonly proxies: ReadonlyMap<number, Process>; readonly calls: ReadonlyMap<number, SendWait> }>;
  /** This node's name. */
  readonly name: string;
  /** The global name table. */
  readonly names: NetNames;
}

/** What a dropped completion becomes in the queue. */
const DROPPED: Completion = { done: () => {}, err: 0, result: 0, aux: 0 };

export class KernelCore {
  readonly processes = new Map<number, Process>();
  readonly paths = new Map<string, PathEntry>();
  nextPid = 1;
  nextMntid = 1;
  tracer: ((e: TraceEvent) => void) | null = null;
  /** The net manager of a kernel with a node name (qnet.md), else null: nd ≠ 0 is ENOREMOTE. */
  net: NetHooks | null = null;
  /** What `tracer` calls (see tracing.ts). */
  traceListeners: ReadonlyArray<(e: TraceEvent) => void> = [];
  /** Where an exception thrown by a continuation goes (H10: never out of the drain loop). */
  onUnhandledError: (error: unknown) => void;

  // completions waiting for the end of the outermost call: a growable ring
  private ring: Array<Completion | undefined> = new Array<Completion | undefined>(64);
  private mask = 63;
  private head = 0;
  private tail = 0;
  private depth = 0;
  private draining = false;

  constructor(
    readonly scheduler: KernelScheduler,
    readonly rlimitNofile: number,
    onUnhandledError?: (error: unknown) => void,
  ) {
    this.onUnhandledError =
      onUnhandledError ??
      ((error) => {
        scheduler.schedule(() => {
          throw error;
        });
      });
  }

  /** Record that `w` is complete; its continuation runs when the outermost call ends. */
  complete(w: Completion, err: number, result: number): void {
    w.err = err;
    w.result = result;
    if (this.tail - this.head > this.mask) this.grow();
    this.ring[this.tail++ & this.mask] = w;
  }

  /**
   * Thread `t` died: a continuation of its already queued (its call completed earlier in this
   * same kernel call) never runs, as a dead thread never resumes. Deaths are rare and the queue
   * short, so the scan is here rather than a check per completion in the drain.
   */
  dropCompletionsOf(t: Thread): void {
    for (let i = this.head; i !== this.tail; i++) {
      const j = i & this.mask;
      if (this.ring[j]?.thread === t) this.ring[j] = DROPPED;
    }
  }

  /** The completion whose continuation is running now (it has left the queue), or null. */
  private current: Completion | null = null;

  /**
   * Whether the ended call `w` has been heard: its continuation runs now, or the queue is empty
   * (an outermost call). Its wait object may then serve the thread's next call.
   */
  heard(w: Completion): boolean {
    return w === this.current || (this.depth === 1 && !this.draining);
  }

  enter(): void {
    this.depth++;
  }

  leave(): void {
    if (--this.depth === 0 && !this.draining) this.drain();
  }

  /** Run `fn` as one kernel call: state changes first, continuations after, never re-entered. */
  run<R>(fn: () => R): R {
    this.depth++;
    try {
      return fn();
    } finally {
      if (--this.depth === 0 && !this.draining) this.drain();
    }
  }

  private drain(): void {
    this.draining = true;
    try {
      // a continuation may call the kernel: its completions join this same loop
      while (this.head !== this.tail) {
        const i = this.head++ & this.mask;
        const w = this.ring[i]!;
        this.ring[i] = undefined;
        this.current = w;
        try {
          w.done(w.err, w.result, w.aux);
        } catch (error) {
          this.onUnhandledError(error);
        }
      }
    } finally {
      this.draining = false;
      this.current = null;
    }
  }

  private grow(): void {
    const size = this.mask + 1;
    const next = new Array<Completion | undefined>(size * 2);
    for (let i = 0; i < size; i++) next[i] = this.ring[(this.head + i) & this.mask];
    this.ring = next;
    this.tail -= this.head;
    this.head = 0;
    this.mask = size * 2 - 1;
  }

  /** Run `work` as one kernel call after `ms` scheduler milliseconds (never early, however long). */
  schedule(work: () => void, ms: number): TimerHandle {
    return scheduleAfter(this.scheduler, () => this.run(work), ms);
  }

  /** Emit a trace event. Call sites test `tracer !== null` first, so no detail object is built for nothing. */
  trace(kind: TraceEvent['kind'], t: Thread | Process | null, detail: Record<string, number | string>): void {
    const tracer = this.tracer;
    if (tracer === null) return;
    const pid = t === null ? 0 : 'pid' in t ? t.pid : t.process.pid;
    const tid = t !== null && 'tid' in t ? t.tid : 0;
    tracer({ time: this.scheduler.now(), kind, pid, tid, detail });
  }

  /** The process `pid` names for a caller (0 = the caller's own). */
  processOf(caller: Thread, pid: number, call: string): Process {
    if (pid === 0) return caller.process;
    const p = this.processes.get(pid);
    if (p === undefined || !p.alive) throw fail('ESRCH', call, { pid });
    return p;
  }

  channelOf(caller: Thread, chid: number, call: string, errno: keyof typeof ERRNO = 'ESRCH'): Channel {
    const ch = caller.process.channels.get(chid);
    if (ch === undefined) throw fail(errno, call, { chid });
    return ch;
  }
}

/** A {@link KernelError} for `call`. */
export function fail(code: keyof typeof ERRNO, call: string, info?: ConstructorParameters<typeof KernelError>[2]): KernelError {
  return new KernelError(ERRNO[code], call, info);
}

/** Throw EINVAL unless `v` is an integer (guards every numeric argument that crosses the API). */
export function int(v: unknown, call: string, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new KernelError(ERRNO.EINVAL, call, undefined, { cause: `${what} must be an integer` });
  }
  return v;
}

/**
 * Throw EFAULT unless `o` can take a C out-parameter's fields: an object that is not frozen,
 * sealed or otherwise closed to new fields. Checked before a call changes anything.
 */
export function outParam(o: unknown, call: string, what: string): void {
  if (typeof o !== 'object' || o === null || !Object.isExtensible(o)) {
    throw new KernelError(ERRNO.EFAULT, call, undefined, { cause: `${what} must be a writable object` });
  }
}

/** Throw ESRCH unless `t` is a live thread of a live process. */
export function alive(t: Thread, call: string): void {
  if (!t.alive || !t.process.alive) throw fail('ESRCH', call, { pid: t.process.pid, tid: t.tid });
}

/** Throw unless `t` is a live thread that is not already blocked in a kernel call. */
export function callable(t: Thread, call: string): void {
  if (!t.alive || !t.process.alive) throw fail('ESRCH', call, { pid: t.process.pid, tid: t.tid });
  if (t.wait !== null) throw fail('EDEADLK', call, { pid: t.process.pid, tid: t.tid });
}
