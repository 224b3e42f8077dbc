/**
 * A {@link DurableLog} in memory that behaves as JetStream does where it bites (durable.md): a
 * dedupe window in scheduler time, ack wait, in-progress acks, a delivery limit, an ack limit at
 * which delivery stops silently, discard-new when full, redeliveries mixed with new messages, and
 * faults to inject (lost publish acks, duplicate deliveries, a lost consumer). Driven only by the
 * scheduler it is given, so a `VirtualClock` runs it in virtual time, deterministically with a
 * seeded `random`.
 * @packageDocumentation
 */
import { ERRNO } from '../kernel/errno.js';
import type {
  DurableAck, DurableConsumer, DurableConsumerOptions, DurableDelivery, DurableFeatures, DurableLog, DurableRecord, DurableReport,
  KernelScheduler,
} from '../kernel/net/durable.js';
import { ConsumerState, MemoryConsumer } from './memoryConsumer.js';
import { MemoryStore } from './memoryStore.js';

/** Options of {@link MemoryDurableLog}. */
export interface MemoryDurableLogOptions {
  /** The clock (a `VirtualClock` for virtual time). */
  readonly scheduler: KernelScheduler;
  /** JetStream's `duplicate_window` in ms (default 120 000, its default). */
  readonly dedupeWindowMs?: number;
  /** At most this many messages stored (default: no limit); past it a publish is refused (EAGAIN, discard new). */
  readonly maxMsgs?: number;
  /** At most this many payload bytes stored (default: no limit). */
  readonly maxBytes?: number;
  /** Every answer comes this many ms after the call (default 0: on a later task). */
  readonly latencyMs?: number;
  /** The randomness of redelivery order and faults (default `Math.random`; pass a seeded one to replay). */
  readonly random?: () => number;
}

/** A message moved to a channel's dead-letter subject. */
export interface DeadLetter {
  readonly record: DurableRecord;
  readonly deliveries: number;
  readonly reason: string;
}

/**
 * The in-memory log.
 *
 * @example
 * ```ts
 * const clock = new VirtualClock();
 * const log = new MemoryDurableLog({ scheduler: clock, dedupeWindowMs: 1000 });
 * const a = createSystem({ scheduler: clock, node: 'a', net: { durable: { log, ackWaitMs: 500 } } });
 * ```
 */
export class MemoryDurableLog implements DurableLog {
  readonly features: DurableFeatures = { version: 'memory', atomicBatch: false, syncInterval: true, messageTtl: false };
  private readonly store: MemoryStore;
  private gens = 0;
  private readonly listeners = new Map<string, Set<{ producer: string; fn: (r: readonly DurableReport[]) => void }>>();
  private readonly dead = new Map<string, DeadLetter[]>();
  private readonly marks = new Map<string, Map<string, number>>();
  private losing = 0;

  constructor(options: MemoryDurableLogOptions) {
    this.store = new MemoryStore(
      options.scheduler, options.random ?? Math.random, options.dedupeWindowMs ?? 120_000,
      options.maxMsgs ?? Infinity, options.maxBytes ?? Infinity, options.latencyMs ?? 0,
    );
  }

  append(records: readonly DurableRecord[], done: (acks: readonly DurableAck[]) => void): void {
    const copy = [...records];
    // stored when the publish reaches the server, answered a latency later
    this.store.later(() => {
      const acks: DurableAck[] = copy.map((r) => {
        if (this.store.duplicateOf(r.id) !== 0) return { err: 0, duplicate: true };
        if (this.store.store(r) === 0) return { err: ERRNO.EAGAIN, duplicate: false };
        if (this.losing > 0) {
          this.losing--;
          return { err: ERRNO.ETIMEDOUT, duplicate: false }; // stored, but the PubAck never came
        }
        return { err: 0, duplicate: false };
      });
      this.store.later(() => done(acks));
    });
  }

  consumer(name: string, options: DurableConsumerOptions, done: (err: number, consumer: DurableConsumer | null) => void): void {
    let state = this.store.consumers.get(name);
    if (state === undefined) {
      state = new ConsumerState(name, { ...options }, ++this.gens, this.store);
      this.store.consumers.set(name, state);
    } else {
      state.options = { ...options };
    }
    const c = new MemoryConsumer(this.store, state);
    this.store.later(() => done(0, c));
  }

  deadLetter(d: DurableDelivery, reason: string, done: (err: number) => void): void {
    let list = this.dead.get(d.name);
    if (list === undefined) this.dead.set(d.name, (list = []));
    const record: DurableRecord = {
      name: d.name, id: d.id, producer: d.producer, epoch: d.epoch, seq: d.seq, node: d.node, pid: d.pid, coid: d.coid, ttlMs: d.ttlMs, data: d.data,
    };
    list.push({ record, deliveries: d.deliveries, reason });
    this.store.later(() => done(0));
  }

  report(name: string, producer: string, reports: readonly DurableReport[]): void {
    const set = this.listeners.get(name);
    if (set === undefined) return;
    const copy = [...reports];
    for (const l of set) if (l.producer === producer) this.store.later(() => l.fn(copy));
  }

  onReport(name: string, producer: string, listener: (reports: readonly DurableReport[]) => void): () => void {
    let set = this.listeners.get(name);
    if (set === undefined) this.listeners.set(name, (set = new Set()));
    const entry = { producer, fn: listener };
    set.add(entry);
    return () => {
      set.delete(entry);
      if (set.size === 0) this.listeners.delete(name);
    };
  }

  loadMarks(name: string, done: (err: number, marks: ReadonlyMap<string, number>) => void): void {
    const m = new Map(this.marks.get(name) ?? []);
    this.store.later(() => done(0, m));
  }

  saveMarks(name: string, marks: ReadonlyMap<string, number>, done: (err: number) => void): void {
    this.marks.set(name, new Map(marks));
    this.store.later(() => done(0));
  }

  destroy(name: string, done: (err: number) => void): void {
    this.store.consumers.get(name)?.lose();
    this.store.consumers.delete(name);
    this.store.purge(name);
    this.marks.delete(name);
    for (const l of this.listeners.get(name) ?? []) this.store.later(() => l.fn([{ kind: 'destroyed' }]));
    this.store.later(() => done(0));
  }

  // ---- faults and inspection (tests) ----

  /** The next `n` stored messages' publish acks are lost: the sender hears ETIMEDOUT (and retries). */
  losePubAcks(n: number): void {
    this.losing += n;
  }

  /** The next `n` fetches that deliver anything deliver one of their messages twice. */
  duplicateDeliveries(n: number): void {
    this.store.duplicating += n;
  }

  /** Consumer `name` is lost (as a store can lose it): its next call fails ENOENT; its messages stay. */
  loseConsumer(name: string): void {
    this.store.consumers.get(name)?.lose();
    this.store.consumers.delete(name);
  }

  /** The messages moved to channel `name`'s dead-letter subject, oldest first. */
  deadLetters(name: string): readonly DeadLetter[] {
    return this.dead.get(name) ?? [];
  }

  /** Stored messages of channel `name`, in store order. */
  stored(name: string): DurableRecord[] {
    return [...this.store.after(name, 0)].map((m) => m.record);
  }

  /** Messages, bytes and dedupe ids held now (the log's memory). */
  size(): { messages: number; bytes: number; ids: number } {
    return this.store.size();
  }

  /** Consumer `name`'s counters now, or null when it does not exist. */
  consumerInfo(name: string): { pending: number; ackPending: number; maxAckPending: number; maxedOut: number } | null {
    const c = this.store.consumers.get(name);
    return c === undefined ? null : { ...c.info(), maxedOut: c.maxedOut };
  }
}
