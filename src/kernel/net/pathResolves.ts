/**
 * `open("/net/<node>/<path>")`: RESOLVE frames in flight, by request id, until the peer's
 * RESOLVED (or its loss: EHOSTDOWN).
 * @internal
 * @packageDocumentation
 */
import { ERRNO } from '../errno.js';
import type { Peer } from './Peer.js';

type Resolved = (errno: number, pid: number, chid: number) => void;

export class PathResolves {
  private nextRid = 1;
  private readonly pending = new Map<number, { peer: Peer; done: Resolved }>();

  /** A new request to `peer`: its id. */
  add(peer: Peer, done: Resolved): number {
    const rid = this.nextRid++;
    this.pending.set(rid, { peer, done });
    return rid;
  }

  /** The peer's answer to request `rid`. */
  resolved(rid: number, errno: number, pid: number, chid: number): void {
    const r = this.pending.get(rid);
    if (r === undefined) return;
    this.pending.delete(rid);
    r.done(errno, pid, chid);
  }

  /** Requests waiting on a lost peer fail EHOSTDOWN. */
  lost(peer: Peer): void {
    for (const [rid, r] of [...this.pending]) {
      if (r.peer !== peer) continue;
      this.pending.delete(rid);
      r.done(ERRNO.EHOSTDOWN, 0, 0);
    }
  }
}
