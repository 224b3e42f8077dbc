/**
 * A table of objects by small integer id that finds QNX's lowest free id in O(log n): slots in
 * an array (a `Map` with constant churn costs O(n) per insert at 100 k entries in V8), freed ids
 * in a min-heap, and every id at or above a high-water mark free. Two id spaces may share one
 * table (fd-space and side-channel coids): ids at or above `split` are the second space.
 * Iteration is in id order, first space first.
 *
 * Memory follows the live ids, not the history: the high-water mark drops when the top id is
 * freed, and the heap holds each free id below it about once (a lazily deleted entry is swept
 * out before the heap passes twice the free ids), so take/free cycles cost nothing for ever.
 * @internal
 * @packageDocumentation
 */
import { MinHeap } from './MinHeap.js';

const less = (a: number, b: number): boolean => a < b;

/** Entries the heap may hold beyond twice the free ids before it is swept. */
const SLACK = 16;

/**
 * One id space: slots by `id - base`. Ids at or above `high` are free and `high - 1` is taken
 * (or `high === base`); every free id below `high` is in `free`, which may also hold stale
 * entries (ids since taken, ids no longer below `high`, repeats), skipped when they come up.
 */
class Space<V> {
  high: number;
  live = 0;
  readonly free = new MinHeap<number>(less);
  readonly slots: Array<V | undefined> = [];

  constructor(readonly base: number) {
    this.high = base;
  }

  /** Whether heap entry `id` no longer names a free id below the high-water mark. */
  stale(id: number): boolean {
    return id >= this.high || this.slots[id - this.base] !== undefined;
  }

  /** `id` (free until now) is taken: ids skipped between the high-water mark and it become free. */
  take(id: number): void {
    this.live++;
    if (id >= this.high) {
      for (let i = this.high; i < id; i++) this.free.push(i);
      this.high = id + 1;
      return;
    }
    // the usual case, the lowest free id handed out: its entry goes now; any other stays stale
    while (this.free.peek() === id) this.free.pop();
  }

  /** `id` (taken until now, its slot already cleared) is free. */
  release(id: number): void {
    this.live--;
    if (id === this.high - 1) {
      // the top id: the mark drops below every free id under it, and the slots shrink with it
      let high = id;
      while (high > this.base && this.slots[high - 1 - this.base] === undefined) high--;
      this.high = high;
      this.slots.length = high - this.base;
    } else this.free.push(id);
    if (this.free.size > 2 * (this.high - this.base - this.live) + SLACK) this.sweep();
  }

  /** Drop the stale entries and repeats: the heap then holds exactly the free ids below `high`. */
  private sweep(): void {
    const seen = new Set<number>();
    this.free.retain((id) => {
      if (this.stale(id) || seen.has(id)) return false;
      seen.add(id);
      return true;
    });
  }

  reset(): void {
    this.high = this.base;
    this.live = 0;
    this.free.clear();
    this.slots.length = 0;
  }
}

export class IdMap<V> {
  private readonly low: Space<V>;
  private readonly upper: Space<V>;
  private count = 0;

  constructor(base = 0, private readonly split = Number.POSITIVE_INFINITY) {
    this.low = new Space<V>(base);
    this.upper = new Space<V>(Number.isFinite(split) ? split : 0);
  }

  get size(): number {
    return this.count;
  }

  private space(id: number): Space<V> {
    return id >= this.split ? this.upper : this.low;
  }

  get(id: number): V | undefined {
    // callers may look up what a user passed before checking it: anything but a number is absent
    if (typeof id !== 'number') return undefined;
    const s = this.space(id);
    return s.slots[id - s.base];
  }

  has(id: number): boolean {
    return this.get(id) !== undefined;
  }

  /** Put `value` at `id` (an id `lowestFree` gave, or one already present). */
  set(id: number, value: V): this {
    const s = this.space(id);
    const i = id - s.base;
    if (!Number.isInteger(i) || i < 0) throw new RangeError(`IdMap: id ${id} is outside its space`);
    if (s.slots[i] === undefined) {
      s.take(id);
      this.count++;
    }
    s.slots[i] = value;
    return this;
  }

  delete(id: number): boolean {
    if (typeof id !== 'number') return false;
    const s = this.space(id);
    const i = id - s.base;
    if (s.slots[i] === undefined) return false;
    s.slots[i] = undefined;
    this.count--;
    s.release(id);
    return true;
  }

  clear(): void {
    this.low.reset();
    this.upper.reset();
    this.count = 0;
  }

  *entries(): IterableIterator<[number, V]> {
    for (const s of [this.low, this.upper]) {
      const slots = s.slots;
      for (let i = 0; i < slots.length; i++) {
        const v = slots[i];
        if (v !== undefined) yield [s.base + i, v];
      }
    }
  }

  *keys(): IterableIterator<number> {
    for (const [id] of this.entries()) yield id;
  }

  *values(): IterableIterator<V> {
    for (const [, v] of this.entries()) yield v;
  }

  /**
   * What the table holds beyond its live entries, for memory checks: heap entries and slots,
   * both spaces together. Bounded by the highest live id, whatever the history.
   */
  footprint(): { free: number; slots: number } {
    return { free: this.low.free.size + this.upper.free.size, slots: this.low.slots.length + this.upper.slots.length };
  }

  [Symbol.iterator](): IterableIterator<[number, V]> {
    return this.entries();
  }

  /**
   * The lowest id >= `from` and < `limit` that is not taken, or `limit` when there is none. O(log n)
   * when `from` is at or below the lowest free id of its space (every caller but a ConnectAttach
   * with a raised `index`, which scans up to the high-water mark).
   */
  lowestFree(from: number, limit = Number.MAX_SAFE_INTEGER): number {
    const s = this.space(from);
    const free = s.free;
    // drop ids taken since they were freed, or no longer below the high-water mark
    while (free.size > 0 && s.stale(free.peek()!)) free.pop();
    const min = free.size > 0 ? free.peek()! : s.high;
    let id: number;
    if (from <= min) id = Math.max(min, from);
    else {
      id = from;
      while (id < limit && id < s.high && this.has(id)) id++;
    }
    return id < limit ? id : limit;
  }
}
