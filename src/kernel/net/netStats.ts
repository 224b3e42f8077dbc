/**
 * The net manager's counters: frames and bytes in and out, drops by reason (qnet.md §6.12), and
 * each peer's state, round trip, missed beats and window, as `kernel.net.stats()` reports them;
 * the rate budget that bounds what unknown names cost.
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

/** At most `n` takes per `periodMs` of scheduler time (a fixed window). */
export class RateBudget {
  private used = 0;
  private from = Number.NEGATIVE_INFINITY;

  constructor(private readonly n: number, private readonly periodMs: number) {}

  take(now: number): boolean {
    if (now - this.from >= this.periodMs) {
      this.from = now;
      this.used = 0;
    }
    if (this.used >= this.n) return false;
    this.used++;
    return true;
  }
}

/** A 32-bit mix (murmur3's finalizer): spreads every input bit over the output. */
export function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}
