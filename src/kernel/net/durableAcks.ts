/**
 * How a durable receiver lets messages go (durableReceiver.ts): the high-water marks are saved in
 * the log first, then the messages they cover are acknowledged (or terminated) and their senders
 * told their fate, so a receiver started after a crash finds under its marks exactly what was let
 * go, and each message's fate is reported once, as it was decided. Also the failure counts that
 * decide when a message is dead.
 * @internal
 * @packageDocumentation
 */
import type { KernelCore } from '../core.js';
import type { TimerHandle } from '../scheduler.js';
import { EndOfCall } from './endOfCall.js';
import type { DurableConsumer, DurableDelivery, DurableReport } from './durableLog.js';
import type { OrderItem } from './durableOrder.js';
import type { DurableHost } from './durableSender.js';

/** Fates other than EOK kept with the marks; failure counts kept. */
const MAX_FATES = 1024;
const MAX_COUNTS = 16384;

/** Count one more for `id` (the oldest counts go past the bound). */
function bump(m: Map<string, number>, id: string): void {
  m.set(id, (m.get(id) ?? 0) + 1);
  if (m.size > MAX_COUNTS) m.delete(m.keys().next().value!);
}

/** What the acknowledgement path needs of its receiver. */
export interface AckContext {
  readonly name: string;
  marks(): ReadonlyMap<string, number> | null;
  consumer(): DurableConsumer | null;
  /** Whether the receiver goes on (a dead one lets nothing go: the next decides again). */
  live(): boolean;
  readonly retryMs: number;
}

export class DurableAcks {
  /** Items settled whose acks wait for the marks save; the ones the save in flight covers. */
  private queue: OrderItem[] = [];
  private saving: OrderItem[] | null = null;
  private retry: TimerHandle | null = null;
  private readonly reports: EndOfCall<[string, DurableReport]>;
  /**
   * The fates other than EOK of the last messages settled, by id, saved with the marks: a message
   * delivered again after its receiver died between saving them and reporting it is reported as
   * it was settled.
   */
  private readonly fates = new Map<string, number>();
  /** Times the app failed a message (a batch given back), and its deliveries given back with another's, by id. */
  private readonly blame = new Map<string, number>();
  private readonly innocent = new Map<string, number>();

  constructor(private readonly host: DurableHost, private readonly ctx: AckContext) {
    this.reports = new EndOfCall(host.k, (list) => this.sendReports(list));
  }

  private get k(): KernelCore {
    return this.host.k;
  }

  /** The log's saved marks less the fates kept among them (taken in here). */
  loaded(saved: ReadonlyMap<string, number>): Map<string, number> {
    const marks = new Map<string, number>();
    for (const [key, v] of saved) {
      if (key.startsWith('!')) this.fates.set(key.slice(1), v);
      else marks.set(key, v);
    }
    return marks;
  }

  /** `item`'s fate is `err`: forget its counts, keep a fate other than EOK. */
  decided(item: OrderItem, err: number): void {
    item.err = err;
    this.blame.delete(item.d.id);
    this.innocent.delete(item.d.id);
    if (err !== 0) {
      this.fates.set(item.d.id, err);
      if (this.fates.size > MAX_FATES) this.fates.delete(this.fates.keys().next().value!);
    }
  }

  /** The mark moved over `items`: let them go once it is saved. */
  release(items: readonly OrderItem[]): void {
    if (items.length === 0) return;
    for (const it of items) this.queue.push(it);
    this.save();
  }

  /** Save the marks, then acknowledge what they cover (one save in flight; the next takes what came meanwhile). */
  private save(): void {
    const marks = this.ctx.marks();
    if (this.saving !== null || this.queue.length === 0 || marks === null) return;
    const covered = this.queue;
    this.queue = [];
    this.saving = covered;
    const all = new Map(marks);
    for (const [id, fate] of this.fates) all.set(`!${id}`, fate);
    this.host.log.saveMarks(this.ctx.name, all, (err) => this.k.run(() => {
      this.saving = null;
      if (!this.ctx.live()) return;
      if (err !== 0) {
        this.host.emit({ type: 'error', name: this.ctx.name, call: 'saveMarks', errno: err });
        this.queue = covered.concat(this.queue);
        this.retry ??= this.k.schedule(() => { this.retry = null; this.save(); }, this.ctx.retryMs);
        return;
      }
      const consumer = this.ctx.consumer();
      // only now does the log let them go: a receiver started after this finds them under its marks
      if (consumer !== null) for (const it of covered) if (it.kind === 'message') consumer.ack(it.d); else consumer.term(it.d);
      for (const it of covered) this.report(it.d.producer, { kind: 'done', epoch: it.d.epoch, seq: it.seq, err: it.err ?? 0 });
      this.save();
    }));
  }

  /** A message at or under the marks came again: its sender hears its fate (again, or for the first time). */
  duplicate(d: DurableDelivery): void {
    this.report(d.producer, { kind: 'done', epoch: d.epoch, seq: d.seq, err: this.fates.get(d.id) ?? 0 });
  }

  /** Tell `producer` (batched to the end of the kernel call, one report message per producer). */
  report(producer: string, r: DurableReport): void {
    this.reports.add([producer, r]);
  }

  private sendReports(list: [string, DurableReport][]): void {
    const by = new Map<string, DurableReport[]>();
    for (const [producer, r] of list) {
      const l = by.get(producer);
      if (l === undefined) by.set(producer, [r]);
      else l.push(r);
    }
    for (const [producer, reports] of by) this.host.log.report(this.ctx.name, producer, reports);
  }

  /** The app failed `id` once more. */
  failed(id: string): void {
    bump(this.blame, id);
  }

  /** `id` went back with another message's failure: its next delivery does not count against it. */
  spared(id: string): void {
    bump(this.innocent, id);
  }

  /** How often the app failed `id` (0: never, or not known to this receiver). */
  failures(id: string): number {
    return this.blame.get(id) ?? 0;
  }

  /**
   * A delivery's count against the limit: the times this receiver's app failed it when it knows
   * (the log counts its own redeliveries too), else the log's count less the deliveries another
   * message's failure caused (a receiver that died failed everything it held).
   */
  effective(d: DurableDelivery): number {
    const blamed = this.blame.get(d.id);
    return blamed !== undefined ? blamed : d.deliveries - (this.innocent.get(d.id) ?? 0);
  }

  stop(): void {
    this.retry?.unsubscribe();
    this.retry = null;
  }
}
