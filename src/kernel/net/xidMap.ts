/**
 * The sends in flight with a peer, by xid (`Peer.calls`, `Peer.vsends`): a map whose `set` and
 * `delete` allocate nothing. A `Map` that empties and fills again reallocates its table each time
 * (150 bytes per call on a peer with one call at a time); this one is open addressing over arrays
 * that only grow. Iterated in insertion order, as a `Map` (a copy: iterations are rare).
 * @internal
 * @packageDocumentation
 */
export class XidMap<V> implements ReadonlyMap<number, V> {
  private keyAt: number[] = [0, 0, 0, 0, 0, 0, 0, 0];
  private valAt: Array<V | undefined> = new Array<V | undefined>(8).fill(undefined);
  /** The order entries were set in. */
  private seqAt: number[] = [0, 0, 0, 0, 0, 0, 0, 0];
  private mask = 7;
  private count = 0;
  private seq = 0;

  get size(): number {
    return this.count;
  }

  /** The slot of `k`, or -1. */
  private find(k: number): number {
    const mask = this.mask;
    for (let i = k & mask; ; i = (i + 1) & mask) {
      if (this.valAt[i] === undefined) return -1;
      if (this.keyAt[i] === k) return i;
    }
  }

  get(k: number): V | undefined {
    const i = this.find(k);
    return i < 0 ? undefined : this.valAt[i];
  }

  has(k: number): boolean {
    return this.find(k) >= 0;
  }

  set(k: number, v: V): this {
    const mask = this.mask;
    let i = k & mask;
    for (; this.valAt[i] !== undefined; i = (i + 1) & mask) {
      if (this.keyAt[i] === k) {
        this.valAt[i] = v;
        return this;
      }
    }
    this.keyAt[i] = k;
    this.valAt[i] = v;
    this.seqAt[i] = this.seq++;
    if (++this.count * 2 > mask + 1) this.grow();
    return this;
  }

  delete(k: number): boolean {
    let i = this.find(k);
    if (i < 0) return false;
    this.valAt[i] = undefined;
    this.count--;
    // close the hole: an entry further on moves into it unless its home slot is within (i, j]
    const mask = this.mask;
    for (let j = (i + 1) & mask; this.valAt[j] !== undefined; j = (j + 1) & mask) {
      const home = this.keyAt[j]! & mask;
      if (j > i ? home <= i || home > j : home <= i && home > j) {
        this.keyAt[i] = this.keyAt[j]!;
        this.valAt[i] = this.valAt[j];
        this.seqAt[i] = this.seqAt[j]!;
        this.valAt[j] = undefined;
        i = j;
      }
    }
    return true;
  }

  clear(): void {
    this.valAt.fill(undefined);
    this.count = 0;
  }

  private grow(): void {
    const entries = this.ordered();
    const size = (this.mask + 1) * 2;
    this.keyAt = new Array<number>(size).fill(0);
    this.valAt = new Array<V | undefined>(size).fill(undefined);
    this.seqAt = new Array<number>(size).fill(0);
    this.mask = size - 1;
    this.count = 0;
    this.seq = 0;
    for (const [k, v] of entries) this.set(k, v);
  }

  /** The entries as a `Map`, in the order they were set. */
  private ordered(): Map<number, V> {
    const slots: number[] = [];
    for (let i = 0; i <= this.mask; i++) if (this.valAt[i] !== undefined) slots.push(i);
    slots.sort((a, b) => this.seqAt[a]! - this.seqAt[b]!);
    return new Map(slots.map((i) => [this.keyAt[i]!, this.valAt[i]!]));
  }

  forEach(f: (value: V, key: number, map: ReadonlyMap<number, V>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.ordered()) f.call(thisArg, v, k, this);
  }

  entries(): MapIterator<[number, V]> {
    return this.ordered().entries();
  }

  keys(): MapIterator<number> {
    return this.ordered().keys();
  }

  values(): MapIterator<V> {
    return this.ordered().values();
  }

  [Symbol.iterator](): MapIterator<[number, V]> {
    return this.entries();
  }
}
