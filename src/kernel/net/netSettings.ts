/**
 * A node's net options resolved to the figures it runs with (defaults for what was left out or
 * is not a positive integer). docs/nodes.md's defaults table is generated from a node's values.
 * @packageDocumentation
 */
import type { NetOptions } from './Link.js';

/** What {@link netSettings} gives: the fields of the same names on the net manager. */
export interface NetSettings {
  readonly heartbeatMs: number;
  readonly missed: number;
  readonly maxMessageBytes: number;
  readonly firstChunkBytes: number;
  readonly window: number;
  readonly asyncAcross: boolean;
  readonly maxPeers: number;
  readonly helloRate: number;
  /** The uid and gid a remote root acts as here (`squashRemoteRoot`), or -1: claimed credentials are trusted. */
  readonly squashUid: number;
  readonly incarnation: number;
}

const positive = (v: number | undefined, d: number): number => (v !== undefined && Number.isInteger(v) && v > 0 ? v : d);

/** The settings of a node made with `options`. */
export function netSettings(options: NetOptions): NetSettings {
  const squash = options.squashUid;
  return {
    heartbeatMs: positive(options.heartbeatMs, 1000),
    missed: positive(options.missed, 3),
    maxMessageBytes: positive(options.maxMessageBytes, 64 * 1024 * 1024),
    firstChunkBytes: positive(options.firstChunkBytes, 0),
    window: positive(options.window, 1024),
    asyncAcross: options.asyncAcrossNodes === true,
    maxPeers: positive(options.maxPeers, 1024),
    helloRate: positive(options.helloRate, 16),
    squashUid: options.squashRemoteRoot === true ? (squash !== undefined && Number.isInteger(squash) && squash >= 0 ? squash : 65534) : -1,
    incarnation: (options.incarnation ?? 1 + Math.floor(Math.random() * 0xfffffffe)) >>> 0 || 1,
  };
}
