/** A node of an intrusive list: the item carries its own links, so add and remove allocate nothing. */
export interface ReplyLinks<T> {
  prevReply: T | null;
  nextReply: T | null;
}

/**
 * A channel's reply set: received-but-unreplied senders, unordered in the model. Kept as an
 * intrusive doubly linked list because it changes twice per message on the hottest path.
 */
export class ReplyList<T extends ReplyLinks<T>> {
  private head: T | null = null;
  size = 0;

  add(item: T): void {
    item.prevReply = null;
    item.nextReply = this.head;
    if (this.head !== null) this.head.prevReply = item;
    this.head = item;
    this.size++;
  }

  remove(item: T): void {
    if (item.prevReply !== null) item.prevReply.nextReply = item.nextReply;
    else if (this.head === item) this.head = item.nextReply;
    else return; // not in this list
    if (item.nextReply !== null) item.nextReply.prevReply = item.prevReply;
    item.prevReply = null;
    item.nextReply = null;
    this.size--;
  }

  toArray(): T[] {
    const out: T[] = [];
    for (let n = this.head; n !== null; n = n.nextReply) out.push(n);
    return out;
  }
}
