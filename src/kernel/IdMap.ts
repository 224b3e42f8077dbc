/**
 * A map from small integer ids that finds QNX's lowest free id in O(log n): freed ids wait in a
 * min-heap, and every id at or above a high-water mark is free. Two id spaces may share one map
 * (fd-space and side-channel coids): ids at or above `split` are the second space.
 * @internal
 * @packageDocumentation
 */
import { MinHeap } from './MinHeap.js';

const less = (a: number, b: number): boolean => a < b;

/** One id space: ids in [base, high) are taken or in `free` (lazily: a taken one is skipped). */
class Space {
  high: number;
  readonly free = new MinHeap<number>(less);

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
  }
}

export class IdMap<V> extends Map<number, V> {
  private readonly low: Space;
  private readonly upper: Space;

  constructor(base = 0, private readonly split = Number.POSITIVE_INFINITY) {
    super();
    this.low = new Space(base);
    this.upper = new Space(Number.isFinite(split) ? split : 0);
  }

  private space(id: number): Space {
    return id >= this.split ? this.upper : this.low;
  }

  override set(id: number, value: V): this {
    // the Map constructor calls set before the fields exist
    if (this.low !== undefined && !super.has(id)) this.space(id).take(id);
    return super.set(id, value);
  }

  override delete(id: number): boolean {
    if (!super.delete(id)) return false;
    this.space(id).free.push(id);
    return true;
  }

  override clear(): void {
    super.clear();
    this.low.reset();
    this.upper.reset();
  }

  /**
   * The lowest id >= `from` and < `limit` that is not taken, or `limit` when there is none. O(log n)
   * when `from` is at or below the lowest free id of its space (every caller but a ConnectAttach
   * with a raised `index`, which scans).
   */
  lowestFree(from: number, limit = Number.MAX_SAFE_INTEGER): number {
    const s = this.space(from);
    const free = s.free;
    // drop ids taken since they were freed
    while (free.size > 0 && super.has(free.peek()!)) free.pop();
    const min = free.size > 0 ? free.peek()! : s.high;
    let id: number;
    if (from <= min) id = Math.max(min, from);
    else {
      // a raised lower bound (ConnectAttach's index): scan, at most up to the high-water mark
      id = from;
      while (id < limit && id < s.high && super.has(id)) id++;
    }
    return id < limit ? id : limit;
  }
}
