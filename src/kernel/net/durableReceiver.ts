/**
 * The receiver side of a durable channel (durable.md): the channel's durable consumer is pulled;
 * each delivery goes through the order and dedupe state (durableOrder.ts) and, in seq order per
 * (producer, epoch), into the ring of a proxy connection of the channel, so `asyncmsg_get` takes
 * it as a local message. A message is acknowledged when the receiver settles it (the batch's
 * hold released, `asyncmsg_free`), after the high-water marks that cover it are saved, so a
 * restarted receiver drops what it settled before and gets again what it did not. Dead and
 * expired messages are resolved in their turn; long holds send in-progress acks; a consumer
 * that stops at its ack limit is a stall; a lost consumer is made again.
 * @internal
 * @packageDocumentation
 */
import { trigger } from '../asyncDelivery.js';
import { closeAsync } from '../asyncTeardown.js';
import { ERRNO } from '../errno.js';
import { AsyncConn, AsyncEntry, Connection, Process, type AsyncMessage, type Channel } from '../objects.js';
import type { TimerHandle } from '../scheduler.js';
import { DurableAcks } from './durableAcks.js';
import type { DurableConsumer, DurableDelivery } from './durableLog.js';
import { DurableOrder, type OrderItem } from './durableOrder.js';
import type { DurableHost } from './durableSender.js';

/** The receivers' settings, every default applied. */
export interface ReceiverSettings {
  readonly ackWaitMs: number;
  readonly maxDeliver: number;
  readonly maxAckPending: number;
  readonly fetchBatch: number;
  readonly fetchWaitMs: number;
  readonly gapMs: number;
  readonly stallMs: number;
  readonly maxProducers: number;
}

/** What the app is told of one durable message of a batch (its id for an effectively-once hook). */
export interface DurableMessageInfo {
  readonly id: string;
  readonly producer: string;
  readonly epoch: number;
  readonly seq: number;
  /** The sender's node. */
  readonly node: string;
  /** How many times the log delivered it (more than 1: it was delivered before and not settled). */
  readonly deliveries: number;
}

/** One get's messages, to settle together (or one by one with `settleOne`). */
export interface DurableTake {
  readonly infos: readonly (DurableMessageInfo | null)[];
  /** @internal */
  readonly items: readonly (OrderItem | null)[];
}

/** A proxy connection: one (producer, epoch)'s messages in the channel's rings. */
interface Proxy {
  readonly rc: AsyncConn;
  /** Items in the ring, oldest first, not yet taken by a get. */
  readonly fifo: OrderItem[];
}

export class DurableReceiver {
  private consumer: DurableConsumer | null = null;
  private order: DurableOrder | null = null;
  private readonly proxies = new Map<string, Proxy>();
  private readonly byCoid = new Map<number, Proxy>();
  private readonly items = new Map<number, OrderItem>();
  private nextHandle = 1;
  private nextCoid = 1;
  private fetching = false;
  private stopped = false;
  private timer: TimerHandle | null = null;
  private opening: TimerHandle | null = null;
  /** A stall: since when, and the counts; null while delivering. */
  stall: { since: number; ackPending: number; maxAckPending: number } | null = null;
  /** The acknowledgement path: marks saved, then acks and reports; the failure counts. */
  private readonly acks: DurableAcks;
  constructor(
    private readonly host: DurableHost,
    readonly ch: Channel,
    readonly name: string,
    private readonly s: ReceiverSettings,
    private readonly resume: ReadonlyMap<string, number>,
  ) {
    this.acks = new DurableAcks(host, {
      name, marks: () => this.order?.currentMarks() ?? null, consumer: () => this.consumer, live: () => this.live(),
      retryMs: Math.min(1000, s.fetchWaitMs),
    });
  }

  private get k() {
    return this.host.k;
  }

  /** Load the marks, bind the consumer, start pulling. */
  start(): void {
    this.host.log.loadMarks(this.name, (err, marks) => this.k.run(() => {
      if (!this.live()) return;
      if (err !== 0) {
        this.host.emit({ type: 'error', name: this.name, call: 'loadMarks', errno: err });
        this.opening = this.k.schedule(() => { this.opening = null; this.start(); }, Math.min(1000, this.s.fetchWaitMs));
        return;
      }
      const start = this.acks.loaded(marks);
      for (const [key, seq] of this.resume) if (seq > (start.get(key) ?? 0)) start.set(key, seq);
      this.order = new DurableOrder(start, (d) => this.acks.effective(d) > this.s.maxDeliver, this.s.maxProducers);
      this.open(null);
      const tick = Math.max(1, Math.floor(Math.min(this.s.ackWaitMs, this.s.gapMs, this.s.stallMs) / 3));
      const every = (): void => {
        this.timer = this.k.schedule(() => { this.tick(); if (!this.stopped) every(); }, tick);
      };
      every();
    }));
  }

  /** Bind (or make again, after `reason`) the durable consumer. */
  private open(reason: string | null): void {
    const { ackWaitMs, maxAckPending } = this.s;
    // no limit in the log: the receiver alone decides when a message is dead (a log that stopped
    // delivering it at its own limit would leave it stuck, unreported)
    this.host.log.consumer(this.name, { ackWaitMs, maxDeliver: 0, maxAckPending }, (err, consumer) => this.k.run(() => {
      if (!this.live()) { consumer?.close(); return; }
      if (err !== 0 || consumer === null) {
        this.host.emit({ type: 'error', name: this.name, call: 'consumer', errno: err });
        this.opening = this.k.schedule(() => { this.opening = null; this.open(reason); }, Math.min(1000, this.s.fetchWaitMs));
        return;
      }
      this.consumer = consumer;
      if (reason !== null) this.host.emit({ type: 'consumer', name: this.name, reason });
      this.fetch();
    }));
  }

  private fetch(): void {
    const consumer = this.consumer;
    if (this.stopped || this.fetching || consumer === null) return;
    this.fetching = true;
    consumer.fetch(this.s.fetchBatch, this.s.fetchWaitMs, (err, ds) => this.k.run(() => this.fetched(consumer, err, ds)));
  }

  private fetched(consumer: DurableConsumer, err: number, ds: readonly DurableDelivery[]): void {
    this.fetching = false;
    if (!this.live()) {
      for (const d of ds) consumer.nak(d, 0);
      return;
    }
    if (err === ERRNO.ENOENT) {
      consumer.close();
      this.consumer = null;
      this.open('the consumer was gone');
      return;
    }
    if (err !== 0) {
      this.host.emit({ type: 'error', name: this.name, call: 'fetch', errno: err });
      this.opening = this.k.schedule(() => { this.opening = null; this.fetch(); }, Math.min(1000, this.s.fetchWaitMs));
      return;
    }
    for (const d of ds) this.offer(d);
    if (ds.length > 0) this.unstall();
    else this.checkStall(consumer);
    this.fetch();
  }

  private offer(d: DurableDelivery): void {
    const o = this.order!.offer(d, this.k.scheduler.now());
    if (o.kind === 'duplicate') {
      this.consumer?.ack(d);
      // its receiver may have died before it told the sender: told again, as it was settled
      this.acks.duplicate(d);
      if (this.host.listening) this.host.emit({ type: 'duplicate', name: this.name, id: d.id });
    } else if (o.kind === 'late') {
      this.dead(null, d, 'late: its gap was skipped');
    } else if (o.kind === 'accepted') {
      this.act(o.ready);
    }
  }

  /** Items now in order: messages into their rings, dead and expired ones resolved. */
  private act(ready: readonly OrderItem[]): void {
    const touched = new Set<Proxy>();
    for (const item of ready) {
      if (item.kind === 'message') touched.add(this.enqueue(item));
      else if (item.kind === 'dead') this.dead(item, item.d, `delivered ${item.d.deliveries} times`);
      else {
        // terminated once the marks that cover it are saved (settleItem), as acks are
        this.host.emit({ type: 'expired', name: this.name, id: item.d.id });
        this.settleItem(item, ERRNO.ETIMEDOUT);
      }
    }
    for (const p of touched) trigger(this.k, p.rc);
  }

  /** Move `d` to the dead-letter subject, then resolve it (EIO to its sender). */
  private dead(item: OrderItem | null, d: DurableDelivery, reason: string): void {
    this.host.log.deadLetter(d, reason, (err) => this.k.run(() => {
      // a receiver that died meanwhile does nothing more: the next one dead-letters it again
      if (!this.live()) return;
      if (err !== 0) {
        // not moved: it stays unacknowledged, and comes again after the ack wait
        this.host.emit({ type: 'error', name: this.name, call: 'deadLetter', errno: err });
        return;
      }
      this.host.emit(item === null ? { type: 'late', name: this.name, id: d.id } : { type: 'dead-letter', name: this.name, id: d.id, deliveries: d.deliveries, reason });
      // a late one is under the marks already; a dead one is terminated once the marks cover it
      if (item === null) this.consumer?.term(d);
      else this.settleItem(item, ERRNO.EIO);
    }));
  }

  private enqueue(item: OrderItem): Proxy {
    let p = this.proxies.get(item.key);
    if (p === undefined || !p.rc.alive) {
      const d = item.d;
      const proxy = new Process(d.pid, `${d.node}/${d.producer}`, 0, 0, this.ch.owner.priority, []);
      const conn = new Connection(proxy, this.ch, this.ch.owner, -1, -1, null);
      const attr = { call_back: this.taken, buffer_size: 0, max_num_buffer: this.s.maxAckPending + 2, trigger_num_msg: 0, trigger_time: { nsec: 0, interval_nsec: 0 } };
      const rc = new AsyncConn(this.nextCoid++, conn, this.ch.async!, attr, false);
      this.ch.async!.conns.add(rc);
      p = { rc, fifo: [] };
      this.proxies.set(item.key, p);
      this.byCoid.set(rc.coid, p);
    }
    const handle = this.nextHandle;
    this.nextHandle = this.nextHandle >= 0x7fffffff ? 1 : this.nextHandle + 1;
    this.items.set(handle, item);
    item.handle = handle;
    p.fifo.push(item);
    const data = item.d.data;
    p.rc.entries.push(new AsyncEntry(data, data.length, handle, null, null));
    return p;
  }

  /** A proxy connection's callback: a get took the message (`err` 0 or EMSGSIZE), or the ring was closed (EBADF). */
  private readonly taken = (err: number, _buf: unknown, handle: number): void => {
    const item = this.items.get(handle);
    if (item === undefined) return;
    this.items.delete(handle);
    if (err === ERRNO.EBADF) return; // the channel or the proxy went: the log delivers it again
    const p = this.proxies.get(item.key);
    if (p !== undefined && p.fifo[0] === item) {
      // taken by a get that did not go through `batch()`: settled as it is taken
      p.fifo.shift();
      this.settleItem(item, err);
    }
  };

  /** The messages one get returned (its done, before anything else): what each is, to settle later. */
  batch(messages: readonly AsyncMessage[]): DurableTake {
    const items: (OrderItem | null)[] = [];
    const infos: (DurableMessageInfo | null)[] = [];
    for (const m of messages) {
      const item = this.byCoid.get(m.coid)?.fifo.shift() ?? null;
      if (item !== null) item.err = m.err;
      items.push(item);
      infos.push(item === null ? null : { id: item.d.id, producer: item.d.producer, epoch: item.d.epoch, seq: item.seq, node: item.d.node, deliveries: item.d.deliveries });
    }
    return { infos, items };
  }

  /** Settle a batch's messages: `ok` acknowledges them; otherwise they go back to the log, and their (producer, epoch)s start again after their marks. */
  settle(items: readonly (OrderItem | null)[], ok: boolean): void {
    if (this.stopped || this.order === null) return;
    if (ok) {
      for (const item of items) if (item !== null && !item.settled) this.settleItem(item, item.err ?? 0);
      return;
    }
    const keys = new Set<string>();
    const failed = new Set<OrderItem>();
    for (const item of items) {
      if (item === null) continue;
      keys.add(item.key);
      failed.add(item);
      this.acks.failed(item.d.id);
    }
    // the batch's messages failed once more; the others of their connections go back with them
    // through no fault of theirs, and their next delivery does not count against them
    const deadNow = (it: OrderItem): boolean => {
      if (failed.has(it)) return this.acks.failures(it.d.id) >= this.s.maxDeliver;
      this.acks.spared(it.d.id);
      return false;
    };
    for (const key of keys) {
      const p = this.proxies.get(key);
      if (p !== undefined) {
        // what is still in its ring goes back too, or it would be handed on twice
        for (const item of p.fifo) if (item.handle !== undefined) this.items.delete(item.handle);
        this.proxies.delete(key);
        this.byCoid.delete(p.rc.coid);
        closeAsync(this.k, p.rc, false);
      }
      const { back, ready } = this.order.rewind(key, this.k.scheduler.now(), deadNow);
      for (const d of back) this.consumer?.nak(d, 0);
      this.act(ready);
    }
  }

  /**
   * `item` is done with: its fate is `err` (0: taken by a get whose batch settled; EMSGSIZE: cut;
   * ETIMEDOUT, EIO), told to its sender once the marks that cover it are saved, so that a
   * receiver that dies before that leaves the fate to the next one: one report per message.
   */
  private settleItem(item: OrderItem, err: number): void {
    this.acks.decided(item, err);
    this.acks.release(this.order?.settle(item.key, item.seq) ?? []);
  }

  /** Every third of the shortest bound: in-progress acks for what is held, gaps given up, the stall's age. */
  private tick(): void {
    if (!this.live() || this.order === null) return;
    const consumer = this.consumer;
    if (consumer !== null) {
      for (const st of this.order.streams.values()) {
        for (const it of st.early.values()) consumer.working(it.d);
        for (const it of st.handed.values()) if (!it.settled) consumer.working(it.d);
      }
    }
    for (const gap of this.order.gapsDue(this.k.scheduler.now(), this.s.gapMs)) {
      const { producer, epoch } = gap.stream;
      this.acks.report(producer, { kind: 'lost', epoch, from: gap.from, to: gap.to });
      this.host.emit({ type: 'gap', name: this.name, producer, epoch, from: gap.from, to: gap.to });
      this.act(gap.ready);
    }
  }

  /** An empty pull: stalled if the consumer is at its ack limit with messages waiting. */
  private checkStall(consumer: DurableConsumer): void {
    consumer.info((err, info) => this.k.run(() => {
      if (err !== 0 || info === null || !this.live()) return;
      if (info.ackPending >= info.maxAckPending && info.pending > 0) {
        if (this.stall !== null) return;
        this.stall = { since: this.k.scheduler.now(), ackPending: info.ackPending, maxAckPending: info.maxAckPending };
        this.host.emit({ type: 'stall', name: this.name, stalled: true, ...this.stall });
      } else {
        this.unstall();
      }
    }));
  }

  private unstall(): void {
    if (this.stall === null) return;
    const { since, maxAckPending } = this.stall;
    this.stall = null;
    this.host.emit({ type: 'stall', name: this.name, stalled: false, since, ackPending: this.order?.outstanding() ?? 0, maxAckPending });
  }

  /**
   * Stop: `destroy` (the channel destroyed by its owner) deletes the consumer and its messages and
   * tells the senders (EBADF); otherwise (the channel died with its process) what is held goes
   * back to the log for the next receiver.
   */
  stop(destroy: boolean): void {
    if (this.stopped) return;
    this.stopped = true;
    this.timer?.unsubscribe();
    this.opening?.unsubscribe();
    this.acks.stop();
    const consumer = this.consumer;
    this.consumer = null;
    if (consumer !== null && this.order !== null && !destroy) {
      // given back for the next receiver (the dead ones too: it dead-letters them on their next delivery)
      for (const st of this.order.streams.values()) {
        for (const it of [...st.handed.values(), ...st.early.values()]) if (!it.settled) consumer.nak(it.d, 0);
      }
    }
    consumer?.close();
    for (const p of this.proxies.values()) closeAsync(this.k, p.rc, false);
    this.proxies.clear();
    this.byCoid.clear();
    this.items.clear();
    if (destroy) this.host.log.destroy(this.name, () => {});
  }

  /** Whether the receiver goes on: its channel died (its process did) → it stops now, before acting on anything. */
  private live(): boolean {
    if (this.stopped) return false;
    if (this.ch.alive) return true;
    this.stop(false);
    return false;
  }

  get active(): boolean {
    return !this.stopped;
  }
}
