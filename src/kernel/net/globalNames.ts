/**
 * Global names (qnet.md §3.8): `name_attach(…, NAME_FLAG_ATTACH_GLOBAL)` is announced to every
 * node (NAME_ADD/NAME_DEL, the whole table on HELLO); several nodes may provide one name; a
 * `name_open` binds one provider, local first, else the next live one in turn.
 * @internal
 * @packageDocumentation
 */
import { F, textBytes } from './frames.js';
import type { NetManager } from './NetManager.js';

/** One provider of a global name: its node (0: this one), pid and chid. */
export interface Provider {
  readonly nd: number;
  readonly pid: number;
  readonly chid: number;
}

/** Asks a transport for a provider the table does not know yet (`done(errno, nd, pid, chid)`, in a kernel call). */
export type NameResolver = (name: string, done: (errno: number, nd: number, pid: number, chid: number) => void) => void;

export class GlobalNames {
  private readonly table = new Map<string, Provider[]>();
  private readonly turn = new Map<string, number>();
  /** A transport's way to find a provider the table lacks (NATS: a queue-group request), or null. */
  resolver: NameResolver | null = null;
  /** Told of this node's own global names as they come and go (a transport serves them). */
  private readonly localListeners = new Set<(added: boolean, name: string, pid: number, chid: number) => void>();

  /** Follow this node's own global names; returns the function that stops it. */
  onLocal(listener: (added: boolean, name: string, pid: number, chid: number) => void): () => void {
    this.localListeners.add(listener);
    return () => { this.localListeners.delete(listener); };
  }

  constructor(private readonly m: NetManager) {}

  /** This node's providers, as (name, pid, chid). */
  local(): Array<[string, number, number]> {
    const out: Array<[string, number, number]> = [];
    for (const [name, list] of this.table) for (const p of list) if (p.nd === 0) out.push([name, p.pid, p.chid]);
    return out;
  }

  /** Every provider of `name` now (for tests and `pidin`). */
  providers(name: string): readonly Provider[] {
    return this.table.get(name) ?? [];
  }

  /** A local global attach: recorded, and announced to every node that is up. */
  add(name: string, pid: number, chid: number): void {
    this.put(name, { nd: 0, pid, chid });
    this.broadcast(F.NAME_ADD, name, pid, chid);
    for (const l of [...this.localListeners]) l(true, name, pid, chid);
  }

  /** A local global detach (or its process's death). */
  remove(name: string, pid: number, chid: number): void {
    if (!this.take(name, 0, pid, chid)) return;
    this.broadcast(F.NAME_DEL, name, pid, chid);
    for (const l of [...this.localListeners]) l(false, name, pid, chid);
  }

  onFrame(peer: { readonly nd: number }, add: boolean, name: string, pid: number, chid: number): void {
    if (add) this.put(name, { nd: peer.nd, pid, chid });
    else this.take(name, peer.nd, pid, chid);
  }

  /** A node was lost: its names go. */
  forgetNode(nd: number): void {
    for (const [name, list] of this.table) {
      const kept = list.filter((p) => p.nd !== nd);
      if (kept.length === 0) this.table.delete(name);
      else this.table.set(name, kept);
    }
  }

  /** The provider a `name_open` binds: a local one first, else the live remote ones in turn; null if none. */
  pick(name: string): Provider | null {
    const list = this.table.get(name);
    if (list === undefined) return null;
    const local = list.find((p) => p.nd === 0);
    if (local !== undefined) return local;
    const live = list.filter((p) => this.m.peer(p.nd)?.state === 'up');
    if (live.length === 0) return null;
    const i = (this.turn.get(name) ?? 0) % live.length;
    this.turn.set(name, i + 1);
    return live[i]!;
  }

  private put(name: string, p: Provider): void {
    const list = this.table.get(name) ?? [];
    if (!list.some((q) => q.nd === p.nd && q.pid === p.pid && q.chid === p.chid)) list.push(p);
    this.table.set(name, list);
  }

  private take(name: string, nd: number, pid: number, chid: number): boolean {
    const list = this.table.get(name);
    if (list === undefined) return false;
    const kept = list.filter((q) => !(q.nd === nd && q.pid === pid && q.chid === chid));
    if (kept.length === list.length) return false;
    if (kept.length === 0) this.table.delete(name);
    else this.table.set(name, kept);
    return true;
  }

  private broadcast(kind: number, name: string, pid: number, chid: number): void {
    for (const peer of this.m.allPeers()) if (peer.state === 'up') this.m.sendTo(peer, kind, 0, [pid, chid], textBytes(name));
  }
}
