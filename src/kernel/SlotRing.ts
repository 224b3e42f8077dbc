/**
 * A bounded FIFO over a circular array: the sender's ring of an asynchronous connection. Push and
 * shift are O(1); the backing array grows by doubling up to `capacity`, so a large
 * `max_num_buffer` costs memory only once that many messages are outstanding.
 * @internal
 * @packageDocumentation
 */
export class SlotRing<T> {
  private slots: Array<T | undefined>;
  private head = 0;
  /** Entries held, at most `capacity`. */
  length = 0;

  constructor(readonly capacity: number) {
    this.slots = new Array<T | undefined>(Math.min(capacity, 16)).fill(undefined);
  }

  /** Append `v`; the caller checks `length < capacity` first. */
  push(v: T): void {
    if (this.length >= this.capacity) throw new RangeError('SlotRing is full');
    if (this.length === this.slots.length) this.grow();
    let i = this.head + this.length;
    if (i >= this.slots.length) i -= this.slots.length;
    this.slots[i] = v;
    this.length++;
  }

  /** Remove and return the oldest entry, or `undefined` when empty. */
  shift(): T | undefined {
    if (this.length === 0) return undefined;
    const v = this.slots[this.head];
    this.slots[this.head] = undefined; // let the sender's buffer be collected
    this.head = this.head + 1 === this.slots.length ? 0 : this.head + 1;
    this.length--;
    return v;
  }

  /** The `i`-th oldest entry (0: the head), or `undefined` past the end. */
  at(i: number): T | undefined {
    if (i < 0 || i >= this.length) return undefined;
    let j = this.head + i;
    if (j >= this.slots.length) j -= this.slots.length;
    return this.slots[j];
  }

  /** Remove every entry, oldest first. */
  drain(): T[] {
    const out: T[] = [];
    while (this.length > 0) out.push(this.shift()!);
    return out;
  }

  private grow(): void {
    const size = Math.min(this.capacity, this.slots.length * 2);
    const next = new Array<T | undefined>(size).fill(undefined);
    for (let i = 0; i < this.length; i++) next[i] = this.slots[(this.head + i) % this.slots.length];
    this.slots = next;
    this.head = 0;
  }
}
