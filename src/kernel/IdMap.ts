/**
 * A table of objects by small integer id that finds QNX's lowest free id in O(log n): slots in
 * an array (a `Map` with constant churn costs O(n) per insert at 100 k entries in V8), freed ids
 * in a min-heap, and every id at or above a high-water mark free. Two id spaces may share one
 * table (fd-space and side-channel coids): ids at or above `split` are the second space.
 * Iteration is in id order, first space first.
 * @internal
 * @packageDocumentation
 */
import { MinHeap } from './MinHeap.js';

const less = (a: number, b: number): boolean => a < b;

/** One id space: slots by `id - base`; ids in [base, high) are taken or in `free` (a taken one is skipped). */
class Space<V> {
  high: number;
  readonly free = new MinHeap<number>(less);
  readonly slots: Array<V | undefined> = [];

  constructor(readonly base: number) {
    this.high = base;
  }

  /** `id` is now taken: ids skipped between the high-water mark and it become free. */
  take(id: number): void {
    if (id < this.high) return; // it was in `free`: skipped when it comes up
    for (let i = this.high; i < id; i++) this.free.push(i);
    this.high = id + 1;
  }

  reset(): void {
    this.high = this.base;
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
    s.free.push(id);
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
    // drop ids taken since they were freed
    while (free.size > 0 && this.has(free.peek()!)) free.pop();
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
