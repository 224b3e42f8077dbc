/**
 * Work a node batches until the end of the current kernel call: one completion, queued when the
 * first item arrives, hands every item over at once (the deferred RECEIVED frames, and what the
 * receiver's gets took of remote asynchronous messages).
 * @internal
 * @packageDocumentation
 */
import type { KernelCore } from '../core.js';
import type { Completion } from '../objects.js';

export class EndOfCall<T> {
  private items: T[] = [];
  private queued = false;
  private readonly completion: Completion;

  constructor(private readonly k: KernelCore, flush: (items: T[]) => void) {
    this.completion = {
      err: 0, result: 0, aux: 0,
      done: () => {
        this.queued = false;
        const items = this.items;
        this.items = [];
        flush(items);
      },
    };
  }

  add(item: T): void {
    this.items.push(item);
    if (this.queued) return;
    this.queued = true;
    this.k.complete(this.completion, 0, 0);
  }
}
