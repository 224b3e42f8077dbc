/**
 * The snapshots a view is made of: the inspected node's, and, for `scope=network`, every peer's
 * asked over its link (`snapshotService.ts`) with a deadline, or why it is missing. Requests made
 * while a collection is under way share it.
 * @internal
 * @packageDocumentation
 */
import type { Kernel, KernelSnapshot } from '../kernel/index.js';
import { requestSnapshot, type PeerName, type SnapshotResult } from '../kernel/net/snapshotService.js';

/** One node's snapshot with its peer table (to read `nd N` in its Blocked column). */
export interface NodeSnapshot {
  readonly node: string;
  readonly snapshot: KernelSnapshot;
  readonly peers: readonly PeerName[];
}

/** One node of a collection: its snapshot, or why it has none. */
export type Collected =
  | { readonly node: string; readonly ok: true; readonly snap: NodeSnapshot }
  | { readonly node: string; readonly ok: false; readonly error: string };

/** A collection: the inspected node's time, then the nodes, the inspected one first. */
export interface Collection {
  readonly time: number;
  readonly nodes: readonly Collected[];
}

export type Scope = 'local' | 'network';

/** The name the inspected kernel goes by in answers (`local` when it is not a node). */
export function nodeName(kernel: Kernel): string {
  return kernel.node ?? 'local';
}

/** The inspected kernel's own snapshot and peers. */
export function localSnapshot(kernel: Kernel): NodeSnapshot {
  return { node: nodeName(kernel), snapshot: kernel.snapshot(), peers: kernel.nodes().map((p) => ({ nd: p.nd, node: p.node, state: p.state })) };
}

export class Network {
  private readonly pending = new Map<Scope, Promise<Collection>>();

  /**
   * @param deadlineMs how long a peer has to answer, on the kernel's clock; a wall-clock guard of
   * twice that (at least 2 s) ends the wait too, for a kernel whose virtual clock stands still.
   */
  constructor(private readonly kernel: Kernel, private readonly deadlineMs: number) {}

  /** The snapshots of `scope`: requests made while one is being collected share it (a page asks for its views at once). */
  collect(scope: Scope): Promise<Collection> {
    const p = this.pending.get(scope);
    if (p !== undefined) return p;
    const promise = this.gather(scope).finally(() => this.pending.delete(scope));
    this.pending.set(scope, promise);
    return promise;
  }

  private async gather(scope: Scope): Promise<Collection> {
    const kernel = this.kernel;
    const local: Collected = { node: nodeName(kernel), ok: true, snap: localSnapshot(kernel) };
    const time = kernel.scheduler.now();
    if (scope === 'local' || kernel.net === null) return { time, nodes: [local] };
    const asked = kernel.nodes()
      .filter((p) => p.state !== 'unknown')
      .map((p): Promise<Collected> => {
        if (p.state !== 'up' && p.state !== 'suspect') return Promise.resolve({ node: p.node, ok: false, error: `EHOSTDOWN: ${p.node} is ${p.state}` });
        return this.ask(p.node).then((res): Collected => (res.ok
          ? { node: p.node, ok: true, snap: { node: p.node, snapshot: res.value.snapshot, peers: res.value.peers } }
          : { node: p.node, ok: false, error: `${res.errno}: ${res.reason}` }));
      });
    return { time, nodes: [local, ...(await Promise.all(asked))] };
  }

  private ask(node: string): Promise<SnapshotResult> {
    return new Promise((resolve) => {
      let settled = false;
      const guard = setTimeout(() => {
        if (settled) return;
        settled = true;
        cancel();
        resolve({ ok: false, errno: 'ETIMEDOUT', reason: `${node} did not answer (the kernel's clock did not reach the deadline)` });
      }, Math.max(2000, 2 * this.deadlineMs));
      guard.unref();
      const cancel = requestSnapshot(this.kernel.net!, node, this.deadlineMs, (res) => {
        if (settled) return;
        settled = true;
        clearTimeout(guard);
        resolve(res);
      });
    });
  }
}
