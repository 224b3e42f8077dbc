/**
 * The net manager's counters: frames and bytes in and out, drops by reason (qnet.md §6.12), and
 * each peer's state, round trip, missed beats and window, as `kernel.net.stats()` reports them.
 * @internal
 * @packageDocumentation
 */
import { DROP_REASONS, type DropReason, type NetStats, type PeerStats } from './Link.js';
import type { NetManager } from './NetManager.js';
import type { Peer } from './Peer.js';

export class NetCounters {
  framesIn = 0;
  framesOut = 0;
  bytesIn = 0;
  bytesOut = 0;
  private readonly drops = new Map<DropReason, number>();

  in(bytes: number): void {
    this.framesIn++;
    this.bytesIn += bytes;
  }

  out(bytes: number): void {
    this.framesOut++;
    this.bytesOut += bytes;
  }

  drop(reason: DropReason): void {
    this.drops.set(reason, (this.drops.get(reason) ?? 0) + 1);
  }

  /** Drops of `reason` so far. */
  dropped(reason: DropReason): number {
    return this.drops.get(reason) ?? 0;
  }

  snapshot(m: NetManager, peers: readonly Peer[]): NetStats {
    const drops = {} as Record<DropReason, number>;
    for (const r of DROP_REASONS) drops[r] = this.dropped(r);
    const now = m.k.scheduler.now();
    return {
      node: m.name,
      incarnation: m.incarnation,
      framesIn: this.framesIn,
      framesOut: this.framesOut,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      drops,
      peers: peers.map((p): PeerStats => ({
        node: p.name,
        nd: p.nd,
        state: p.state === 'up' && p.suspect ? 'suspect' : p.state,
        incarnation: p.incarnation,
        sessions: p.sessions,
        rttMs: p.rttMs < 0 ? null : p.rttMs,
        missedBeats: p.state === 'up' ? Math.floor((now - p.lastHeard) / m.heartbeatMs) : 0,
        windowInUse: p.inflight,
        window: m.window,
        held: p.held.length,
      })),
    };
  }
}
