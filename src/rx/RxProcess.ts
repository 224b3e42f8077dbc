import { Observable, Subject, Subscription } from 'rxjs';
import { InHand } from './inHand.js';
import { FileHandle } from './FileHandle.js';
import {
  CLOCK_MONOTONIC, ERRNO, KernelError, MAX_TIMER_DELAY, isKernelError, scheduleAfter, type TimerHandle, NAME_FLAG_ATTACH_GLOBAL, PRIORITY_MAX, SIGEV_PULSE, _NTO_CHF_DISCONNECT, _NTO_CHF_UNBLOCK, _NTO_SIDE_CHANNEL, type Kernel,
  type Process, type Thread,
} from '../kernel/index.js';
import { Channel } from './Channel.js';
import { bytes as bytesCodec, type Codec } from './codecs.js';
import { Connection, type Reattach } from './Connection.js';
import { checkSendOptions } from './sendOptions.js';
import { explained } from './explain.js';
import { AsyncChannel } from './AsyncChannel.js';
import { AsyncConnection } from './AsyncConnection.js';
import { durableChannel, durableConnect } from './durable.js';
import type { DurableChannel } from './DurableChannel.js';
import type { DurableConnection } from './DurableConnection.js';
import type { DurableChannelOptions, DurableConnectOptions } from './durableOptions.js';

export type { ChannelOptions, ConnectOptions, OpenOptions, TimerOptions, AsyncChannelOptions, AsyncConnectOptions, ChannelAddress, AttachOptions } from './processOptions.js';
import type { ChannelOptions, ConnectOptions, OpenOptions, TimerOptions, AsyncChannelOptions, AsyncConnectOptions, ChannelAddress, AttachOptions } from './processOptions.js';

/** name_open failures that mean "nobody serves it (yet)": an open that waits tries again. */
const NOT_YET = new Set<number>([ERRNO.ENOENT, ERRNO.ESRCH, ERRNO.EBADF, ERRNO.EHOSTDOWN, ERRNO.ETIMEDOUT]);

const NOOP = (): void => {};

/**
 * A process of the kernel, seen from RxJS: it owns channels and connections, and lends logical
 * threads to every blocking operation (one per subscriber of a channel, one per send).
 */
export class RxProcess {
  /** @internal Never blocks: replies, pulses, attaches and detaches go through it. */
  readonly control: Thread;
  private readonly idle: Thread[] = [];

  /** @internal */
  constructor(
    readonly kernel: Kernel,
    /** The kernel's process object. */
    readonly process: Process,
  ) {
    this.control = kernel.createThread(process, { name: 'main' });
  }

  get pid(): number {
    return this.process.pid;
  }

  /** @internal A logical thread for one blocking call, at `priority` (default: the process's). */
  acquireThread(priority?: number): Thread {
    const p = priority ?? this.process.priority;
    // a bad priority is refused before a thread is taken from the pool (or made)
    if (!Number.isInteger(p) || p < 1 || p > PRIORITY_MAX) throw new KernelError('EINVAL', 'pthread_setschedprio', { pid: this.pid });
    const t = this.idle.pop() ?? this.kernel.createThread(this.process, { name: 'rx' });
    if (t.priority !== p) this.kernel.setPriority(t, p);
    return t;
  }

  /** @internal */
  releaseThread(t: Thread): void {
    t.onExit = null;
    if (t.alive && t.wait === null && this.process.alive) this.idle.push(t);
    else t.local = null;
  }

  /**
   * @internal A buffer of `size` bytes owned by thread `t`, reused across its blocking calls
   * (a logical thread makes one at a time). Callers copy out what they keep.
   */
  scratch(t: Thread, size: number): Uint8Array {
    let buf = t.local;
    if (buf === null || buf.length < size) {
      buf = new Uint8Array(Math.max(size, 64));
      t.local = buf;
    }
    return buf.length === size ? buf : buf.subarray(0, size);
  }

  /** `ChannelCreate`: a channel of this process, as an Observable of what arrives on it. */
  channel(options?: ChannelOptions<Uint8Array, Uint8Array> & { readonly codec?: undefined }): Channel<Uint8Array, Uint8Array>;
  channel<T, R = T>(options: ChannelOptions<T, R> & { readonly codec: Codec<T> }): Channel<T, R>;
  channel<T, R>(options: ChannelOptions<T, R> = {}): Channel<T, R> {
    const flags = (options.flags ?? 0) | (options.unblock === false ? 0 : _NTO_CHF_UNBLOCK);
    const chid = this.kernel.channelCreate(this.control, flags);
    return this.wrapChannel(chid, { ...options, flags });
  }

  /**
   * `name_attach`: a channel (made with `_NTO_CHF_DISCONNECT | _NTO_CHF_UNBLOCK`) registered
   * as `/dev/name/local/<name>`. The `_IO_CONNECT` of each `open` is accepted for you.
   */
  attach(name: string, options?: AttachOptions<Uint8Array, Uint8Array> & { readonly codec?: undefined }): Channel<Uint8Array, Uint8Array>;
  attach<T, R = T>(name: string, options: AttachOptions<T, R> & { readonly codec: Codec<T> }): Channel<T, R>;
  attach<T, R>(name: string, options: AttachOptions<T, R> = {}): Channel<T, R> {
    const entry = this.kernel.nameAttach(this.control, name, options.global === true ? NAME_FLAG_ATTACH_GLOBAL : 0);
    return this.wrapChannel(entry.chid, { ...options, flags: _NTO_CHF_DISCONNECT | _NTO_CHF_UNBLOCK }, true);
  }

  private wrapChannel<T, R>(chid: number, options: ChannelOptions<T, R>, named = false): Channel<T, R> {
    const codec = (options.codec ?? bytesCodec) as Codec<T>;
    const ctx = {
      kernel: this.kernel,
      chid,
      control: this.control,
      codec,
      replyCodec: (options.replyCodec ?? codec) as unknown as Codec<R>,
      bufferSize: options.bufferSize ?? 4096,
      acceptOpens: named,
      unblock: ((options.flags ?? 0) & _NTO_CHF_UNBLOCK) !== 0,
      inHand: new InHand(),
      errors: new Subject<KernelError>(),
    };
    return new Channel<T, R>(this, ctx, this.pid);
  }

  /** The nd of an address: 0 here, else this kernel's handle for its `node` (or its `nd`). */
  private ndOf(to: ChannelAddress): number {
    if ('node' in to && to.node !== undefined) return this.kernel.netmgrStrtond(to.node).nd;
    return 'nd' in to ? to.nd ?? 0 : 0;
  }

  /** `ConnectAttach` (a side-channel coid) to a channel. */
  connect(to: ChannelAddress, options?: ConnectOptions<Uint8Array, Uint8Array> & { readonly codec?: undefined }): Connection<Uint8Array, Uint8Array>;
  connect<T, R = T>(to: ChannelAddress, options: ConnectOptions<T, R> & { readonly codec: Codec<T> }): Connection<T, R>;
  connect<T, R>(to: ChannelAddress, options: ConnectOptions<T, R> = {}): Connection<T, R> {
    const attach = (): number => this.kernel.connectAttach(this.control, this.ndOf(to), to.pid, to.chid, _NTO_SIDE_CHANNEL, options.flags ?? 0);
    // subscribed again after an error or a completion: the same ConnectAttach
    const reattach: Reattach = (done) => {
      let coid: number;
      try {
        coid = attach();
      } catch (e) {
        done(e, -1);
        return NOOP;
      }
      done(null, coid);
      return NOOP;
    };
    return this.wrapConnection(attach(), options, reattach);
  }

  /**
   * `name_open`: an Observable of one connection, once the server accepts the `_IO_CONNECT`.
   * Unsubscribing, or aborting `signal`, while the open waits withdraws it (EINTR).
   *
   * Nobody serves the name: ENOENT at once, unless `wait` is set: then the open is tried again
   * (every 10 ms of the kernel's clock, or a tenth of the heartbeat on a node) until a provider
   * is attached, here or (`global`) on another node; `wait: ms` gives up with ETIMEDOUT after
   * `ms` milliseconds. A global open on a system that is not a node is ENOTSUP.
   *
   * The connection re-opens the name when subscribed again after an error or a completion (see
   * {@link Connection}), reaching another provider of a global name if its own is gone.
   *
   * @example
   * ```ts
   * const conn = await firstValueFrom(client.open('upper', { global: true, wait: 5000, codec: utf8 }));
   * ```
   */
  open(name: string, options?: OpenOptions<Uint8Array, Uint8Array> & { readonly codec?: undefined }): Observable<Connection<Uint8Array, Uint8Array>>;
  open<T, R = T>(name: string, options: OpenOptions<T, R> & { readonly codec: Codec<T> }): Observable<Connection<T, R>>;
  open<T, R>(name: string, options: OpenOptions<T, R> = {}): Observable<Connection<T, R>> {
    return new Observable<Connection<T, R>>((subscriber) => {
      const signal = options.signal;
      if (signal?.aborted === true) {
        subscriber.error(new KernelError('EINTR', 'name_open', undefined, { reason: 'the open was aborted', cause: signal.reason }));
        return;
      }
      const wait = options.wait;
      if (wait !== undefined && typeof wait !== 'boolean' && !(typeof wait === 'number' && wait >= 0 && wait <= MAX_TIMER_DELAY)) {
        subscriber.error(new KernelError('EINVAL', 'name_open', undefined, { reason: `wait must be a boolean or 0..${MAX_TIMER_DELAY} ms` }));
        return;
      }
      if (options.global === true && this.kernel.node === null) {
        subscriber.error(new KernelError('ENOTSUP', 'name_open', undefined, { reason: 'a global name needs a node (createSystem({ node }))' }));
        return;
      }
      let withdraw: (() => void) | null = null;
      const abort = (): void => {
        withdraw?.();
        subscriber.error(new KernelError('EINTR', 'name_open', undefined, { reason: 'the open was aborted', cause: signal!.reason }));
      };
      signal?.addEventListener('abort', abort, { once: true });
      const reopen: Reattach = (done) => this.nameOpenCoid(name, options, done);
      withdraw = reopen((error, coid) => {
        signal?.removeEventListener('abort', abort);
        if (error !== null) {
          subscriber.error(error);
          return;
        }
        let conn: Connection<T, R>;
        try {
          conn = this.wrapConnection(coid, options, reopen);
        } catch (e) {
          subscriber.error(e);
          return;
        }
        subscriber.next(conn);
        subscriber.complete();
      });
      return () => {
        signal?.removeEventListener('abort', abort);
        withdraw!();
      };
    });
  }

  /**
   * `name_open` of `name` to a coid, tried again while nobody serves it if `options.wait` says so:
   * `done(null, coid)` or `done(error, -1)`, once. Returns what withdraws it (no `done` after; a
   * coid the open still gets is detached).
   */
  private nameOpenCoid(name: string, options: OpenOptions<unknown, unknown>, done: (error: unknown, coid: number) => void): () => void {
    const kernel = this.kernel;
    const flags = options.global === true ? NAME_FLAG_ATTACH_GLOBAL : 0;
    const wait = options.wait ?? false;
    // virtual-time friendly: the kernel's clock; a tenth of the heartbeat on a node (NAME_ADD
    // frames or the transport's resolver bring remote names), else 10 ms
    const every = Math.max(1, (kernel.net?.heartbeatMs ?? 100) / 10);
    let over = false;
    /** The attempt's thread while the kernel holds it. */
    let pending: Thread | null = null;
    let retry: TimerHandle | null = null;
    let deadline: TimerHandle | null = null;
    const withdraw = (): void => {
      if (over) return;
      over = true;
      retry?.unsubscribe();
      deadline?.unsubscribe();
      if (pending !== null) kernel.unblock(pending, ERRNO.EINTR);
    };
    const end = (error: unknown, coid: number): void => {
      withdraw();
      done(error, coid);
    };
    const attempt = (): void => {
      retry = null;
      let thread: Thread;
      try {
        thread = this.acquireThread(options.priority);
      } catch (e) {
        end(e, -1);
        return;
      }
      const t = thread;
      const settled = (err: number, coid: number, thrown?: unknown): void => {
        if (pending === t) pending = null;
        this.releaseThread(t);
        if (over) {
          // withdrawn while the answer was on its way: the coid goes back
          if (err === 0) try { kernel.connectDetach(this.control, coid); } catch { /* gone already */ }
          return;
        }
        if (err === 0) end(null, coid);
        else if (wait !== false && NOT_YET.has(err) && this.process.alive) retry = scheduleAfter(kernel.scheduler, attempt, every);
        else end(thrown ?? explained(err, 'name_open'), -1);
      };
      // this process may die while the open waits: the continuation would never run
      t.onExit = () => { if (pending === t) pending = null; if (!over) end(new KernelError('ESRCH', 'name_open'), -1); };
      pending = t;
      try {
        kernel.nameOpen(t, name, flags, (err, coid) => settled(err, coid));
      } catch (e) {
        if (isKernelError(e)) settled(e.errno, -1, e);
        else {
          pending = null;
          this.releaseThread(t);
          end(e, -1);
        }
      }
    };
    if (typeof wait === 'number') {
      deadline = scheduleAfter(kernel.scheduler, () => {
        end(new KernelError('ETIMEDOUT', 'name_open', undefined, { reason: `nobody served ${JSON.stringify(name)} within ${wait} ms` }), -1);
      }, wait);
    }
    attempt();
    return withdraw;
  }

  /**
   * `open(path, oflag)` on a resource manager's path: an Observable of one {@link FileHandle} once
   * the server accepts the `_IO_CONNECT`; errors with ENOENT (nobody serves the path) or what the
   * server answers (EACCES, …).
   */
  openFile(path: string, oflag: number, mode = 0): Observable<FileHandle> {
    return new Observable<FileHandle>((subscriber) => {
      const thread = this.acquireThread();
      thread.onExit = () => subscriber.error(new KernelError('ESRCH', 'open'));
      try {
        this.kernel.pathOpen(thread, path, oflag, mode, (err, fd) => {
          this.releaseThread(thread);
          if (err !== 0) subscriber.error(new KernelError(err, 'open'));
          else {
            subscriber.next(new FileHandle(this.wrapConnection<Uint8Array, Uint8Array>(fd, {})));
            subscriber.complete();
          }
        });
      } catch (e) {
        this.releaseThread(thread);
        subscriber.error(e);
      }
    });
  }

  private wrapConnection<T, R>(coid: number, options: ConnectOptions<T, R>, reattach?: Reattach): Connection<T, R> {
    const bad = checkSendOptions({ priority: options.priority, replySize: options.replySize });
    if (bad !== null) {
      // refused before anything is kept: the coid goes back
      try { this.kernel.connectDetach(this.control, coid); } catch { /* already gone */ }
      throw new KernelError('EINVAL', 'ConnectAttach', { coid }, { cause: bad });
    }
    const codec = (options.codec ?? bytesCodec) as Codec<T>;
    return new Connection<T, R>({
      owner: this,
      coid,
      codec,
      replyCodec: (options.replyCodec ?? codec) as unknown as Codec<R>,
      priority: options.priority,
      replySize: options.replySize,
      reattach,
    });
  }

  /**
   * A kernel timer (`TimerCreate` with a `SIGEV_PULSE` event, then `TimerSettime`) that sends
   * pulses through `via`, a connection of this process. Unsubscribing destroys the timer.
   * Throws a `KernelError` (EBADF for a dead connection, EINVAL for a bad code or priority).
   */
  timer(via: { readonly coid: number }, options: TimerOptions): Subscription {
    const id = this.kernel.timerCreate(this.control, CLOCK_MONOTONIC, {
      sigev_notify: SIGEV_PULSE,
      sigev_coid: via.coid,
      sigev_priority: options.priority ?? -1,
      sigev_code: options.code,
      sigev_value: { sival_int: options.value ?? 0 },
    });
    this.kernel.timerSettime(this.control, id, 0, { nsec: Math.max(1, options.delay) * 1e6, interval_nsec: (options.period ?? 0) * 1e6 });
    return new Subscription(() => {
      try {
        this.kernel.timerDestroy(this.control, id);
      } catch (e) {
        if (!(e instanceof KernelError)) throw e;
      }
    });
  }

  /** `asyncmsg_channel_create`: an Observable of delivered batches (see {@link AsyncChannel}). */
  asyncChannel(options: DurableChannelOptions<Uint8Array> & { readonly codec?: undefined }): DurableChannel<Uint8Array>;
  asyncChannel<T>(options: DurableChannelOptions<T> & { readonly codec: Codec<T> }): DurableChannel<T>;
  asyncChannel(options?: AsyncChannelOptions<Uint8Array> & { readonly codec?: undefined }): AsyncChannel<Uint8Array>;
  asyncChannel<T>(options: AsyncChannelOptions<T> & { readonly codec: Codec<T> }): AsyncChannel<T>;
  asyncChannel<T>(options: AsyncChannelOptions<T> | DurableChannelOptions<T> = {}): AsyncChannel<T> | DurableChannel<T> {
    // the durable form (issue 25): a durable channel by name, on the node's durable log
    if ('durable' in options && options.durable !== undefined) return durableChannel(this, this.pid, options);
    const maxNumBuffer = options.maxNumBuffer ?? 5;
    const chid = this.kernel.asyncChannelCreate(this.control, 0, 0o666, options.bufferSize ?? 4096, maxNumBuffer, null);
    return new AsyncChannel<T>({ owner: this, chid, codec: (options.codec ?? bytesCodec) as Codec<T>, maxNumBuffer }, this.pid);
  }

  /** `asyncmsg_connect_attach`: a Subject whose `next()` puts (see {@link AsyncConnection}). */
  asyncConnect(name: string, options: DurableConnectOptions<Uint8Array> & { readonly codec?: undefined }): DurableConnection<Uint8Array>;
  asyncConnect<T>(name: string, options: DurableConnectOptions<T> & { readonly codec: Codec<T> }): DurableConnection<T>;
  asyncConnect(to: ChannelAddress, options?: AsyncConnectOptions<Uint8Array> & { readonly codec?: undefined }): AsyncConnection<Uint8Array>;
  asyncConnect<T>(to: ChannelAddress, options: AsyncConnectOptions<T> & { readonly codec: Codec<T> }): AsyncConnection<T>;
  asyncConnect<T>(to: ChannelAddress | string, options: AsyncConnectOptions<T> | DurableConnectOptions<T> = {}): AsyncConnection<T> {
    // the durable form (issue 25): a durable channel by name, attached while its receiver may be absent
    if (typeof to === 'string') return durableConnect(this, to, options as DurableConnectOptions<T>);
    // another node's channel is ENOREMOTE, as in QNX: Qnet carries no asynchronous messages
    const coid = this.kernel.asyncConnectAttach(this.control, this.ndOf(to), to.pid, to.chid, 0, 0, {
      call_back: null,
      buffer_size: 0,
      max_num_buffer: options.ringSize ?? 64,
      trigger_num_msg: options.count ?? 1,
      trigger_time: { nsec: (options.time ?? 0) * 1e6, interval_nsec: (options.interval ?? 0) * 1e6 },
    });
    return new AsyncConnection<T>({ owner: this, coid, codec: (options.codec ?? bytesCodec) as Codec<T> });
  }

  /** End the process: its channels and connections go, with the model's pulses. */
  exit(status = 0): void {
    this.kernel.processExit(this.process, status);
  }
}
