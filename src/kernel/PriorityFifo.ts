/**
 * A queue ordered by priority (highest first) and FIFO within one priority: the order of a
 * channel's send queue, shared by SEND-blocked senders and pulses. One intrusive list per
 * priority level (0..255) and per kind (senders, pulses): push, shift, remove and taking the
 * first pulse are O(1) whatever the queue's length (the highest non-empty level is found among
 * at most 256: priorities are 0..255, as QNX's).
 */

/** What the queue holds: the item carries its own links. */
export interface FifoLinks<T> {
  readonly priority: number;
  prevQ: T | null;
  nextQ: T | null;
  /** Arrival order, set by the queue (FIFO between the two kinds of one level). */
  seqQ: number;
  /** The queue holding the item, or null. */
  inQ: object | null;
}

class List<T extends FifoLinks<T>> {
  head: T | null = null;
  tail: T | null = null;

  push(item: T): void {
    item.prevQ = this.tail;
    item.nextQ = null;
    if (this.tail === null) this.head = item;
    else this.tail.nextQ = item;
    this.tail = item;
  }

  unlink(item: T): void {
    if (item.prevQ === null) this.head = item.nextQ;
    else item.prevQ.nextQ = item.nextQ;
    if (item.nextQ === null) this.tail = item.prevQ;
    else item.nextQ.prevQ = item.prevQ;
    item.prevQ = null;
    item.nextQ = null;
  }
}

class Level<T extends FifoLinks<T>> {
  readonly main = new List<T>();
  readonly pulses = new List<T>();
  size = 0;
}

export class PriorityFifo<T extends FifoLinks<T>> {
  /** Made as levels are first used (most channels see one or two priorities). */
  private readonly levels: Array<Level<T> | undefined> = [];
  /** The highest level that may be non-empty (-1: empty queue). */
  private top = -1;
  private seq = 0;
  private count = 0;

  /** `isPulse` says which items `shiftPulse` takes. */
  constructor(private readonly isPulse: (item: T) => boolean) {}

  get length(): number {
    return this.count;
  }

  /** Insert after every item of the same or higher priority. */
  push(item: T): void {
    const p = item.priority;
    const level = (this.levels[p] ??= new Level<T>());
    item.seqQ = this.seq++;
    (this.isPulse(item) ? level.pulses : level.main).push(item);
    level.size++;
    this.count++;
    if (p > this.top) this.top = p;
    item.inQ = this;
  }

  /** The highest non-empty level, moving `top` down past empty ones. */
  private highest(): Level<T> | undefined {
    while (this.top >= 0) {
      const level = this.levels[this.top];
      if (level !== undefined && level.size > 0) return level;
      this.top--;
    }
    return undefined;
  }

  peek(): T | undefined {
    const level = this.highest();
    if (level === undefined) return undefined;
    return first(level);
  }

  shift(): T | undefined {
    const level = this.highest();
    if (level === undefined) return undefined;
    const item = first(level)!;
    this.take(level, item);
    return item;
  }

  /** The first pulse in queue order, removed (`MsgReceivePulse`: messages stay queued). */
  shiftPulse(): T | undefined {
    for (let p = this.top; p >= 0; p--) {
      const level = this.levels[p];
      const item = level?.pulses.head;
      if (item !== null && item !== undefined) {
        this.take(level!, item);
        return item;
      }
    }
    return undefined;
  }

  /** Remove one given item; returns whether it was queued. */
  remove(item: T): boolean {
    if (item.inQ !== this) return false;
    this.take(this.levels[item.priority]!, item);
    return true;
  }

  /** Remove and return everything, in queue order. */
  drain(): T[] {
    const out = this.toArray();
    for (const item of out) this.take(this.levels[item.priority]!, item);
    this.top = -1;
    return out;
  }

  /** Everything, in queue order. */
  toArray(): T[] {
    const out: T[] = [];
    for (let p = this.top; p >= 0; p--) {
      const level = this.levels[p];
      if (level === undefined || level.size === 0) continue;
      let a = level.main.head;
      let b = level.pulses.head;
      while (a !== null || b !== null) {
        if (b === null || (a !== null && a.seqQ < b.seqQ)) {
          out.push(a!);
          a = a!.nextQ;
        } else {
          out.push(b);
          b = b.nextQ;
        }
      }
    }
    return out;
  }

  private take(level: Level<T>, item: T): void {
    (this.isPulse(item) ? level.pulses : level.main).unlink(item);
    level.size--;
    this.count--;
    item.inQ = null;
  }
}

/** The older of a level's first sender and first pulse. */
function first<T extends FifoLinks<T>>(level: Level<T>): T | undefined {
  const a = level.main.head;
  const b = level.pulses.head;
  if (a === null) return b ?? undefined;
  if (b === null) return a;
  return a.seqQ < b.seqQ ? a : b;
}
