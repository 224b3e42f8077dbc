/**
 * What a nats-server can do for durable messages, from its version (the INFO it sent): Debian's
 * 2.9.10 has neither atomic batch publish (2.12) nor `sync_interval` (2.10) nor per-message TTL
 * (2.11). rxnto works on all of them (docs/durable.md says what each one changes).
 * @internal
 * @packageDocumentation
 */
import type { DurableFeatures } from '../../kernel/net/durable.js';

/** `[major, minor, patch]` of a version string (`2.10.22`, `v2.12.1-beta`); zeros for what is missing. */
function parts(version: string): [number, number, number] {
  const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(version);
  return m === null ? [0, 0, 0] : [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

/** Whether `version` is at least `major.minor`. */
export function atLeast(version: string, major: number, minor: number): boolean {
  const [a, b] = parts(version);
  return a > major || (a === major && b >= minor);
}

/** The features of a server of `version`. */
export function featuresOf(version: string): DurableFeatures {
  return {
    version,
    atomicBatch: atLeast(version, 2, 12),
    syncInterval: atLeast(version, 2, 10),
    messageTtl: atLeast(version, 2, 11),
  };
}
