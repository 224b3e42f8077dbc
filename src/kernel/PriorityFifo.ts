/**
 * A queue ordered by priority (highest first) and FIFO within one priority: the order of a
 * channel's send queue, shared by SEND-blocked senders and pulses.
 */
export class PriorityFifo<T extends { readonly priority: number }> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  /** Insert after every item of the same or higher priority. */
  push(item: T): void {
    const items = this.items;
    let i = items.length;
    // scan back over lower-priority items only; equal priority keeps arrival order
    while (i > this.head && items[i - 1]!.priority < item.priority) i--;
    if (i === items.length) items.push(item);
    else items.splice(i, 0, item);
  }

  peek(): T | undefined {
    return this.items[this.head];
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head]!;
    this.head++;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 64 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** The first item (in queue order) that satisfies `pred`, removed from the queue. */
  takeFirst(pred: (item: T) => boolean): T | undefined {
    for (let i = this.head; i < this.items.length; i++) {
      const item = this.items[i]!;
      if (pred(item)) {
        if (i === this.head) return this.shift();
        this.items.splice(i, 1);
        return item;
      }
    }
    return undefined;
  }

  /** Remove one given item; returns whether it was queued. */
  remove(item: T): boolean {
    const i = this.items.indexOf(item, this.head);
    if (i < 0) return false;
    if (i === this.head) this.shift();
    else this.items.splice(i, 1);
    return true;
  }

  /** Remove and return everything, in queue order. */
  drain(): T[] {
    const out = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return out;
  }

  toArray(): T[] {
    return this.items.slice(this.head);
  }
}
