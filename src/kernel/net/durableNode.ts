/**
 * A node's durable asynchronous messaging (issue 25, docs/durable.md): made by the node option
 * `net: { durable }`, it attaches durable connections (by channel name, while the receiver may be
 * absent), binds durable channels to their consumers, and is what the RxJS binding and the C
 * facade call. Calls take the kernel's logical threads, as every kernel call does.
 * @packageDocumentation
 */
import { validAttr } from '../asyncCalls.js';
import { _NTO_COF_NONBLOCK, _NTO_COF_NOSHARE } from '../constants.js';
import { allocateCoid } from '../connections.js';
import { alive, fail, int, type KernelCore } from '../core.js';
import { AsyncChan, AsyncConn, Connection, type AsyncAttr, type AsyncMessage, type Channel, type Process, type Thread } from '../objects.js';
import type { RemoteConn } from '../netHooks.js';
import type { DurableEvent, DurableOptions } from './durableEvents.js';
import { isDurableToken, type DurableLog } from './durableLog.js';
import { DurableReceiver, type DurableTake, type ReceiverSettings } from './durableReceiver.js';
import { DurableSender, type DurableHost } from './durableSender.js';
import { mix32 } from './netStats.js';

/** Options of {@link DurableNode.connect}. */
export interface DurableConnectOptions {
  /** The producer id (a subject token), the same across the sender's restarts; default `<node>-<pid>-<coid>`. */
  readonly producerId?: string;
  /** This connection's epoch (default: a new one from the node's incarnation). */
  readonly epoch?: number;
  /** Milliseconds a message may wait for a receiver (default 0: for ever); then its callback gets ETIMEDOUT. */
  readonly ttlMs?: number;
  /** `_NTO_COF_NONBLOCK`: a put on a full ring fails EAGAIN. */
  readonly flags?: number;
}

/** A durable channel stalled at its consumer's ack limit, as `stalls$` reports it. */
export interface DurableStall {
  readonly pid: number;
  readonly process: string;
  readonly chid: number;
  readonly name: string;
  readonly since: number;
  readonly ackPending: number;
  readonly maxAckPending: number;
}

export class DurableNode implements DurableHost {
  readonly log: DurableLog;
  readonly maxUntaken: number;
  private readonly settings: ReceiverSettings;
  private readonly senders = new Map<Connection, DurableSender>();
  private readonly receivers = new Map<Channel, DurableReceiver>();
  private readonly listeners = new Set<(e: DurableEvent) => void>();
  private epochs = 0;

  /**
   * @param netProcess the net manager's process and channel: a durable connection's kernel
   *   connection points at them, as a remote one does
   */
  constructor(
    readonly k: KernelCore, readonly node: string, private readonly incarnation: number, options: DurableOptions | DurableLog,
    private readonly netProcess: Process, private readonly netChannel: Channel,
  ) {
    const o: DurableOptions = 'append' in options ? { log: options } : options;
    const pos = (v: number | undefined, d: number): number => (v !== undefined && Number.isFinite(v) && v > 0 ? Math.floor(v) : d);
    this.log = o.log;
    this.maxUntaken = pos(o.maxUntaken, 65536);
    const ackWaitMs = pos(o.ackWaitMs, 30_000);
    this.settings = {
      ackWaitMs,
      maxDeliver: pos(o.maxDeliver, 5),
      maxAckPending: pos(o.maxAckPending, 1000),
      fetchBatch: pos(o.fetchBatch, 100),
      fetchWaitMs: pos(o.fetchWaitMs, 1000),
      gapMs: pos(o.gapMs, 3 * ackWaitMs),
      stallMs: pos(o.stallMs, 1000),
      maxProducers: pos(o.maxProducers, 4096),
    };
  }

  get listening(): boolean {
    return this.listeners.size > 0;
  }

  emit(e: DurableEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch (error) {
        this.k.onUnhandledError(error);
      }
    }
  }

  /** Listen to the durable layer's events; returns the stop function. */
  onEvent(listener: (e: DurableEvent) => void): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  // ---- senders ----

  /**
   * `asyncmsg_connect_attach` to durable channel `name`: a coid at once, whether or not a
   * receiver exists; puts fill the ring, triggers publish, slots free when stored.
   */
  connect(t: Thread, name: string, attr: AsyncAttr, options: DurableConnectOptions = {}): number {
    return this.k.run(() => {
      const call = 'asyncmsg_connect_attach';
      alive(t, call);
      if (!isDurableToken(name)) throw fail('EINVAL', call);
      const a = validAttr(attr, call);
      const flags = int(options.flags ?? 0, call, 'flags');
      const p = t.process;
      const coid = allocateCoid(p, 0, this.k.rlimitNofile, call);
      const producer = options.producerId ?? `${this.node}-${p.pid}-${coid}`;
      if (!isDurableToken(producer)) throw fail('EINVAL', call);
      const conn = new Connection(p, this.netChannel, this.netProcess, -1, -1, null);
      // a remote end that reaches no peer: sends and pulses on the coid fail EHOSTUNREACH, triggers come here
      const remote: RemoteConn = { peer: { nd: 0, name: `durable:${name}`, state: 'down' } as RemoteConn['peer'], pid: -1, chid: -1, cid: -1, state: 'connected', scoid: -1, errno: 0 };
      conn.remote = remote;
      conn.coids++;
      p.coids.set(coid, { coid, conn, flags: flags | _NTO_COF_NOSHARE });
      const c = new AsyncConn(coid, conn, new AsyncChan(0, 0, null, 0), a, (flags & _NTO_COF_NONBLOCK) !== 0);
      p.asyncConns.set(coid, c);
      const epoch = options.epoch ?? (mix32(this.incarnation ^ Math.imul(++this.epochs, 0x9e3779b1)) || 1);
      this.senders.set(conn, new DurableSender(this, c, name, producer, epoch >>> 0, Math.max(0, options.ttlMs ?? 0)));
      if (this.k.tracer !== null) this.k.trace('connect', t, { coid, durable: name, producer, epoch });
      return coid;
    });
  }

  /** Whether `conn` is a durable connection (its triggers and detach come here). */
  owns(conn: Connection): boolean {
    return this.senders.has(conn);
  }

  /** A trigger of durable connection `c`. */
  trigger(c: AsyncConn): void {
    this.senders.get(c.conn)?.trigger();
  }

  /** The last coid of durable connection `conn` went. */
  detached(conn: Connection): void {
    this.senders.get(conn)?.end();
    this.senders.delete(conn);
  }

  /** The producer id and epoch of durable connection `coid` of `t`'s process (EBADF if none). */
  identity(t: Thread, coid: number): { producer: string; epoch: number } {
    const c = t.process.asyncConns.get(coid);
    const s = c === undefined ? undefined : this.senders.get(c.conn);
    if (s === undefined) throw fail('EBADF', 'asyncmsg_connect_attach', { coid });
    return { producer: s.producer, epoch: s.epoch };
  }

  // ---- receivers ----

  /**
   * Make asynchronous channel `chid` of `t`'s process the durable channel `name`: its consumer is
   * bound (made if absent) and pulled. `resume`: the app's own high-water marks
   * (`<producer>:<epoch>` → seq), saved with its state: what they cover is dropped as settled.
   */
  bind(t: Thread, chid: number, name: string, resume: ReadonlyMap<string, number> = new Map()): void {
    this.k.run(() => {
      const call = 'asyncmsg_channel_create';
      alive(t, call);
      const ch = t.process.channels.get(int(chid, call, 'chid'));
      if (ch === undefined || ch.async === null || !ch.alive) throw fail('EINVAL', call, { chid });
      if (!isDurableToken(name)) throw fail('EINVAL', call, { chid });
      for (const [other, r] of this.receivers) {
        if (!r.active || !other.alive) this.receivers.delete(other);
        else if (r.name === name) throw fail('EBUSY', call, { chid });
      }
      const r = new DurableReceiver(this, ch, name, this.settings, resume);
      this.receivers.set(ch, r);
      r.start();
    });
  }

  private receiver(t: Thread, chid: number, call: string): DurableReceiver {
    const ch = t.process.channels.get(chid);
    const r = ch === undefined ? undefined : this.receivers.get(ch);
    if (r === undefined) throw fail('EBADF', call, { chid });
    return r;
  }

  /** Whether `chid` of `t`'s process is a durable channel bound here. */
  has(t: Thread, chid: number): boolean {
    const ch = t.process.channels.get(chid);
    return ch !== undefined && this.receivers.get(ch)?.active === true;
  }

  /** What a get on durable channel `chid` returned: call first thing in the get's continuation. */
  batch(t: Thread, chid: number, messages: readonly AsyncMessage[]): DurableTake {
    return this.receiver(t, chid, 'asyncmsg_get').batch(messages);
  }

  /** Settle a batch (or part of it): acknowledged when `ok`, else given back to the log. */
  settle(t: Thread, chid: number, batch: DurableTake, ok = true): void {
    const ch = t.process.channels.get(chid);
    const r = ch === undefined ? undefined : this.receivers.get(ch);
    if (r === undefined) return;
    this.k.run(() => r.settle(batch.items, ok));
  }

  /** `asyncmsg_channel_destroy` of a durable channel: its consumer and messages go; senders hear EBADF. */
  destroy(t: Thread, chid: number): void {
    this.k.run(() => {
      const ch = t.process.channels.get(chid);
      const r = ch === undefined ? undefined : this.receivers.get(ch);
      if (r === undefined || ch === undefined) return;
      this.receivers.delete(ch);
      r.stop(true);
    });
  }

  /** Durable channels whose consumer is stalled at its ack limit now. */
  stalls(): DurableStall[] {
    const out: DurableStall[] = [];
    for (const [ch, r] of this.receivers) {
      if (r.stall === null || !r.active) continue;
      out.push({ pid: ch.owner.pid, process: ch.owner.name, chid: ch.chid, name: r.name, ...r.stall });
    }
    return out;
  }
}
