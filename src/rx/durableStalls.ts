/**
 * Durable consumers stalled at their ack limit, as `stalls$` entries (issue 25): JetStream stops
 * delivering silently there (nats-server #4736); rxnto says so.
 * @internal
 * @packageDocumentation
 */
import type { Kernel } from '../kernel/index.js';

/** One stalled durable channel: its episode key and the stall as `stalls$` reports it (less `for`). */
export interface DurableStallEntry {
  readonly id: string;
  readonly key: string;
  readonly since: number;
  readonly pid: number;
  readonly name: string;
  readonly blocked: string;
}

/** The durable channels of `kernel`'s node stalled now (none when it has no durable log). */
export function durableStalls(kernel: Kernel): DurableStallEntry[] {
  const d = kernel.net?.durable ?? null;
  if (d === null) return [];
  return d.stalls().map((s) => ({
    id: `durable:${s.pid}:${s.chid}`,
    key: `ACKLIMIT ${s.name}`,
    since: s.since,
    pid: s.pid,
    name: `${s.process}/durable ${s.name}`,
    blocked: `consumer ${s.name} at its ack limit (${s.ackPending}/${s.maxAckPending})`,
  }));
}
