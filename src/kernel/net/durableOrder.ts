/**
 * Order and dedupe at a durable receiver (durable.md: "order", "dedupe"): per (producer, epoch) a
 * high-water mark (every seq up to it is settled), the next seq to hand on, the deliveries that
 * came early (held until the ones before them arrive: redelivery reorders) and those handed on
 * but not settled. A seq at or under the mark is a duplicate, whatever the log's dedupe window
 * said; a gap that stays open `gapMs` is skipped and reported, never silently. Pure state: the
 * receiver (durableReceiver.ts) acts on what it returns.
 * @internal
 * @packageDocumentation
 */
import type { DurableDelivery } from './durableLog.js';
import { markKey } from './durableLog.js';

/** What a delivery is for the app: a message to hand on, or one to resolve without it. */
export type ItemKind = 'message' | 'dead' | 'expired';

/** One seq of a (producer, epoch), from its arrival to its acknowledgement. */
export interface OrderItem {
  readonly key: string;
  readonly seq: number;
  kind: ItemKind;
  /** The latest delivery of it (a redelivery replaces the handle the log acknowledges). */
  d: DurableDelivery;
  settled: boolean;
  /** Its handle in a proxy ring, while it is there (durableReceiver.ts). */
  handle?: number;
  /** What the get that took it said (0, or EMSGSIZE: cut to the channel's buffer). */
  err?: number;
}

/** One (producer, epoch). */
export class OrderStream {
  /** Every seq up to this one is settled (and acknowledged once the mark is saved). */
  hwm: number;
  /** The next seq to hand on. */
  next: number;
  readonly early = new Map<number, OrderItem>();
  readonly handed = new Map<number, OrderItem>();
  /** Seq ranges given up (gaps skipped): settled as far as the mark is concerned. */
  readonly skipped: Array<[number, number]> = [];
  /** The last gaps given up, to know a message that comes after its gap (late) from a duplicate. */
  readonly gaps: Array<[number, number]> = [];
  /** Since when (scheduler ms) `next` has been missing while later seqs wait, or -1. */
  gapSince = -1;
  /** Last activity (scheduler ms), for letting idle streams go. */
  touched = 0;

  constructor(readonly key: string, readonly producer: string, readonly epoch: number, hwm: number) {
    this.hwm = hwm;
    this.next = hwm + 1;
  }

  get idle(): boolean {
    return this.early.size === 0 && this.handed.size === 0;
  }
}

/** What became of one delivery offered. */
export type Offer =
  /** At or under the mark: settled before (acknowledge it again, hand nothing on). */
  | { readonly kind: 'duplicate' }
  /** The same seq is held or handed already: the new handle replaces the old one. */
  | { readonly kind: 'redelivery'; readonly item: OrderItem; readonly old: DurableDelivery }
  /** Under `next` but over the mark and not held: its gap was skipped before it came. */
  | { readonly kind: 'late' }
  /** Held (early) or handed on: `ready` are the items now in order, to act on in that order. */
  | { readonly kind: 'accepted'; readonly ready: readonly OrderItem[] };

/** A gap given up: seqs `from`..`to` of `stream` never came; `ready` follow it. */
export interface Gap {
  readonly stream: OrderStream;
  readonly from: number;
  readonly to: number;
  readonly ready: readonly OrderItem[];
}

export class DurableOrder {
  readonly streams = new Map<string, OrderStream>();
  /** The marks of every (producer, epoch) met, least recently moved first. */
  private readonly marks: Map<string, number>;

  /**
   * @param marks the marks to start from (the log's and the app's, the larger of each)
   * @param isDead whether a delivery is past the delivery limit (the receiver counts)
   * @param maxStreams (producer, epoch)s kept at most (idle ones go first, least recently used);
   *   four times as many marks are kept
   */
  constructor(
    marks: ReadonlyMap<string, number>,
    private readonly isDead: (d: DurableDelivery) => boolean,
    private readonly maxStreams: number,
  ) {
    this.marks = new Map(marks);
  }

  private stream(d: DurableDelivery, now: number): OrderStream {
    const key = markKey(d.producer, d.epoch);
    let s = this.streams.get(key);
    if (s === undefined) {
      s = new OrderStream(key, d.producer, d.epoch, this.marks.get(key) ?? 0);
      this.streams.set(key, s);
      if (this.streams.size > this.maxStreams) this.forgetIdle();
    }
    s.touched = now;
    return s;
  }

  /** Let the least recently used idle streams go (their marks stay in the saved marks). */
  private forgetIdle(): void {
    const idle = [...this.streams.values()].filter((s) => s.idle).sort((a, b) => a.touched - b.touched);
    for (const s of idle) {
      if (this.streams.size <= this.maxStreams) break;
      this.streams.delete(s.key);
    }
  }

  private mark(s: OrderStream): void {
    this.marks.delete(s.key);
    this.marks.set(s.key, s.hwm);
    if (this.marks.size > this.maxStreams * 4) {
      for (const key of this.marks.keys()) {
        if (this.marks.size <= this.maxStreams * 4) break;
        if (!this.streams.has(key)) this.marks.delete(key);
      }
    }
  }

  offer(d: DurableDelivery, now: number): Offer {
    const s = this.stream(d, now);
    if (s.gaps.some(([from, to]) => d.seq >= from && d.seq <= to)) return { kind: 'late' };
    if (d.seq <= s.hwm) return { kind: 'duplicate' };
    const held = s.early.get(d.seq) ?? s.handed.get(d.seq);
    if (held !== undefined) {
      const old = held.d;
      held.d = d;
      // not handed on yet: past the limit it is dead, whoever delivered it so often
      if (held.kind === 'message' && this.isDead(d) && s.early.has(d.seq)) held.kind = 'dead';
      return { kind: 'redelivery', item: held, old };
    }
    if (d.seq < s.next) return { kind: 'late' };
    const kind: ItemKind = this.isDead(d) ? 'dead' : d.expired ? 'expired' : 'message';
    s.early.set(d.seq, { key: s.key, seq: d.seq, kind, d, settled: false });
    return { kind: 'accepted', ready: this.release(s, now) };
  }

  /** Hand on what is now in order. */
  private release(s: OrderStream, now: number): OrderItem[] {
    const ready: OrderItem[] = [];
    for (let item = s.early.get(s.next); item !== undefined; item = s.early.get(s.next)) {
      s.early.delete(s.next);
      s.handed.set(s.next, item);
      ready.push(item);
      s.next++;
    }
    s.gapSince = s.early.size > 0 ? (s.gapSince < 0 || ready.length > 0 ? now : s.gapSince) : -1;
    return ready;
  }

  /**
   * Seq `seq` of `key` is settled: the items whose mark moved (every one up to the new mark, in
   * order), to acknowledge once the mark is saved.
   */
  settle(key: string, seq: number): OrderItem[] {
    const s = this.streams.get(key);
    if (s === undefined) return [];
    const item = s.handed.get(seq);
    if (item === undefined) return [];
    item.settled = true;
    return this.advance(s);
  }

  /** Move the mark over what is settled and what was skipped; the items it passed. */
  private advance(s: OrderStream): OrderItem[] {
    const moved: OrderItem[] = [];
    for (;;) {
      const i = s.skipped.findIndex((r) => r[0] === s.hwm + 1);
      if (i >= 0) {
        s.hwm = s.skipped[i]![1];
        s.skipped.splice(i, 1);
        continue;
      }
      const it = s.handed.get(s.hwm + 1);
      if (it === undefined || !it.settled) break;
      s.handed.delete(it.seq);
      s.hwm = it.seq;
      moved.push(it);
    }
    if (moved.length > 0 || s.hwm !== this.marks.get(s.key)) this.mark(s);
    return moved;
  }

  /**
   * Everything of `key` not settled goes back to the log (the receiver failed it): the stream
   * starts again after its mark. A message failed as often as the limit allows is not given
   * back: it stays, dead, to be dead-lettered in its turn (`ready` when that is now). Returns
   * the deliveries to give back.
   */
  rewind(key: string, now: number, deadNow: (it: OrderItem) => boolean): { back: DurableDelivery[]; ready: OrderItem[] } {
    const s = this.streams.get(key);
    if (s === undefined) return { back: [], ready: [] };
    const back: DurableDelivery[] = [];
    const dead: OrderItem[] = [];
    for (const it of [...s.handed.values(), ...s.early.values()]) {
      if (it.kind === 'dead' || deadNow(it)) dead.push({ key, seq: it.seq, kind: 'dead', d: it.d, settled: false });
      else back.push(it.d);
    }
    s.handed.clear();
    s.early.clear();
    s.skipped.length = 0;
    s.next = s.hwm + 1;
    s.gapSince = -1;
    for (const it of dead) s.early.set(it.seq, it);
    return { back, ready: this.release(s, now) };
  }

  /** Gaps open `gapMs` or longer at `now`: skipped, with what follows them. */
  gapsDue(now: number, gapMs: number): Gap[] {
    const gaps: Gap[] = [];
    for (const s of this.streams.values()) {
      if (s.gapSince < 0 || now - s.gapSince < gapMs || s.early.size === 0) continue;
      let first = Infinity;
      for (const seq of s.early.keys()) first = Math.min(first, seq);
      const from = s.next;
      s.next = first;
      // the skipped seqs count as settled: the mark may pass them once the ones before are settled
      s.skipped.push([from, first - 1]);
      s.gaps.push([from, first - 1]);
      if (s.gaps.length > 16) s.gaps.shift();
      this.advance(s);
      gaps.push({ stream: s, from, to: first - 1, ready: this.release(s, now) });
    }
    return gaps;
  }

  /** The marks now. */
  currentMarks(): ReadonlyMap<string, number> {
    return this.marks;
  }

  /** Deliveries held or handed and not settled (what the log counts as ack pending of ours). */
  outstanding(): number {
    let n = 0;
    for (const s of this.streams.values()) n += s.early.size + s.handed.size;
    return n;
  }
}
