/**
 * The stream of {@link MemoryDurableLog}: stored messages in store order (one sequence for every
 * channel, as one JetStream stream with a subject per channel), limits with discard-new, the
 * dedupe window in scheduler time, and the consumers by name.
 * @internal
 * @packageDocumentation
 */
import type { DurableRecord, KernelScheduler } from '../kernel/net/durable.js';
import type { ConsumerState } from './memoryConsumer.js';

export interface StoredMessage {
  readonly seq: number;
  readonly record: DurableRecord;
  /** Scheduler ms when it was stored. */
  readonly at: number;
}

export class MemoryStore {
  private nextSeq = 1;
  private readonly messages = new Map<number, StoredMessage>();
  /** Per channel, its messages' seqs in store order (removed ones are skipped lazily). */
  private readonly byName = new Map<string, number[]>();
  private bytes = 0;
  private removals = 0;
  /** Message ids stored inside the dedupe window, oldest first: id → (seq, stored at). */
  private readonly ids = new Map<string, { seq: number; at: number }>();
  readonly consumers = new Map<string, ConsumerState>();
  /** Fault: deliveries to duplicate (one extra copy in the next fetches). */
  duplicating = 0;

  constructor(
    readonly scheduler: KernelScheduler,
    readonly random: () => number,
    private readonly windowMs: number,
    private readonly maxMsgs: number,
    private readonly maxBytes: number,
    private readonly latencyMs: number,
  ) {}

  now(): number {
    return this.scheduler.now();
  }

  /** Run `fn` as a later task (every answer of the log comes after the call that asked). */
  later(fn: () => void): void {
    this.scheduler.schedule(fn, this.latencyMs);
  }

  /** The seq a message with `id` was stored under inside the window, or 0. */
  duplicateOf(id: string): number {
    const now = this.now();
    for (const [old, e] of this.ids) {
      if (now - e.at < this.windowMs) break;
      this.ids.delete(old);
    }
    return this.ids.get(id)?.seq ?? 0;
  }

  /** Store `r`: its seq, or 0 when the limits refuse it (discard new). */
  store(r: DurableRecord): number {
    if (this.messages.size >= this.maxMsgs || this.bytes + r.data.length > this.maxBytes) return 0;
    const seq = this.nextSeq++;
    // the log keeps its own copy: the sender may reuse its buffer once the put is stored
    const record = { ...r, data: r.data.slice() };
    this.messages.set(seq, { seq, record, at: this.now() });
    this.bytes += r.data.length;
    let list = this.byName.get(r.name);
    if (list === undefined) this.byName.set(r.name, (list = []));
    list.push(seq);
    this.ids.set(r.id, { seq, at: this.now() });
    for (const c of this.consumers.values()) if (c.name === r.name) c.serve();
    return seq;
  }

  message(seq: number): StoredMessage | undefined {
    return this.messages.get(seq);
  }

  /** The messages of channel `name` stored after `seq`, in store order. */
  *after(name: string, seq: number): Generator<StoredMessage> {
    const list = this.byName.get(name);
    if (list === undefined) return;
    // a binary search: the list is in store order
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]! <= seq) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < list.length; i++) {
      const m = this.messages.get(list[i]!);
      if (m !== undefined) yield m;
    }
  }

  remove(seq: number): void {
    const m = this.messages.get(seq);
    if (m === undefined) return;
    this.messages.delete(seq);
    this.bytes -= m.record.data.length;
    const list = this.byName.get(m.record.name);
    if (list !== undefined) {
      // drop removed seqs from the front (keeps the index as small as what is stored)
      let k = 0;
      while (k < list.length && !this.messages.has(list[k]!)) k++;
      if (k > 0) list.splice(0, k);
      // removed seqs behind a message that stays (held, or past its delivery limit): compacted now and then
      if (list.length > 64 && (++this.removals & 63) === 0) {
        const live = list.filter((q) => this.messages.has(q));
        list.length = 0;
        list.push(...live);
      }
      if (list.length === 0) this.byName.delete(m.record.name);
    }
  }

  /** Every message of channel `name` goes (the channel destroyed). */
  purge(name: string): void {
    for (const m of [...this.after(name, 0)]) this.remove(m.seq);
    this.byName.delete(name);
  }

  /** Messages and bytes stored now, and ids in the dedupe index. */
  size(): { messages: number; bytes: number; ids: number } {
    return { messages: this.messages.size, bytes: this.bytes, ids: this.ids.size };
  }
}
