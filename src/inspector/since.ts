/**
 * How long each thread has been in its state: the first time the inspector saw it in that state
 * and blocked on the same thing (at a view's request, or a stall look while a stream is open).
 * Per node, pruned to the threads of the node's latest snapshot, and forgotten when the last
 * stream leaves.
 * @internal
 * @packageDocumentation
 */

interface Episode {
  readonly key: string;
  readonly since: number;
}

export class Since {
  private readonly nodes = new Map<string, Map<string, Episode>>();

  /**
   * Start a look at `node`'s threads (at time `now`); `see` each of them, then `done()`: the
   * threads not seen are forgotten.
   */
  look(node: string, now: number): { see(id: string, state: string, blocked: string): number; done(): void } {
    const old = this.nodes.get(node) ?? new Map<string, Episode>();
    const next = new Map<string, Episode>();
    return {
      see(id: string, state: string, blocked: string): number {
        const key = `${state} ${blocked}`;
        let ep = next.get(id) ?? old.get(id);
        if (ep === undefined || ep.key !== key) ep = { key, since: now };
        next.set(id, ep);
        return ep.since;
      },
      done: (): void => {
        this.nodes.set(node, next);
      },
    };
  }

  /** When thread `id` of `node` entered its current state, if it was seen (else `now`). */
  of(node: string, id: string, now: number): number {
    return this.nodes.get(node)?.get(id)?.since ?? now;
  }

  /** Forget everything (no page attached any more). */
  clear(): void {
    this.nodes.clear();
  }
}
