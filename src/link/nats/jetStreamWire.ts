/**
 * How durable messages look on JetStream (jetStreamLog.ts): subjects, the two headers a stored
 * message carries (`Nats-Msg-Id` = `<producer>:<epoch>:<seq>`, JetStream's dedupe key, and
 * `Rxnto-From` = `<node>/<pid>/<coid>/<ttl ms>`), reports, and the errors of the client mapped to
 * QNX errnos.
 * @internal
 * @packageDocumentation
 */
import { ERRNO } from '../../kernel/index.js';
import type { DurableRecord, DurableReport } from '../../kernel/net/durable.js';

/** The header with the sender's node, pid, coid and the message's time to live. */
export const FROM_HEADER = 'Rxnto-From';

/** The subjects of a log whose subject prefix is `prefix`. */
export class Subjects {
  constructor(readonly prefix: string) {}

  /** Durable channel `name`'s messages (the work-queue stream). */
  data(name: string): string {
    return `${this.prefix}.d.${name}`;
  }

  /** Its dead letters (a limits stream). */
  dead(name: string): string {
    return `${this.prefix}.dlq.${name}`;
  }

  /** Its receiver's high-water marks (one message per subject). */
  marks(name: string): string {
    return `${this.prefix}.m.${name}`;
  }

  /** Reports to `producer`'s senders (core NATS, not stored). */
  reports(name: string, producer: string): string {
    return `${this.prefix}.r.${name}.${producer}`;
  }

  /** The channel destroyed (core NATS, to every sender of it). */
  gone(name: string): string {
    return `${this.prefix}.x.${name}`;
  }
}

/** `Rxnto-From` of `r`. */
export function fromHeader(r: DurableRecord): string {
  return `${r.node}/${r.pid}/${r.coid}/${r.ttlMs}`;
}

/** The record a stored message carries, or null when its headers are not rxnto's. */
export function recordOf(name: string, id: string | undefined, from: string | undefined, data: Uint8Array): DurableRecord | null {
  if (id === undefined || from === undefined) return null;
  const i = id.lastIndexOf(':');
  const j = id.lastIndexOf(':', i - 1);
  const f = from.split('/');
  if (i < 0 || j <= 0 || f.length !== 4) return null;
  const epoch = Number(id.slice(j + 1, i));
  const seq = Number(id.slice(i + 1));
  const [pid, coid, ttlMs] = [Number(f[1]), Number(f[2]), Number(f[3])];
  if (![epoch, seq, pid, coid, ttlMs].every(Number.isInteger)) return null;
  return { name, id, producer: id.slice(0, j), epoch, seq, node: f[0]!, pid, coid, ttlMs, data };
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Reports as JSON bytes (small, and rare next to the messages they report). */
export function encodeReports(reports: readonly DurableReport[]): Uint8Array {
  return enc.encode(JSON.stringify(reports));
}

/** Reports from bytes; an empty list for anything malformed. */
export function decodeReports(data: Uint8Array): DurableReport[] {
  try {
    const v: unknown = JSON.parse(dec.decode(data));
    return Array.isArray(v) ? (v as DurableReport[]).filter((r) => typeof r === 'object' && r !== null && typeof r.kind === 'string') : [];
  } catch {
    return [];
  }
}

/** Marks as JSON bytes, and back. */
export function encodeMarks(marks: ReadonlyMap<string, number>): Uint8Array {
  return enc.encode(JSON.stringify(Object.fromEntries(marks)));
}

export function decodeMarks(data: Uint8Array): Map<string, number> {
  try {
    const v: unknown = JSON.parse(dec.decode(data));
    const out = new Map<string, number>();
    if (typeof v === 'object' && v !== null) for (const [k, n] of Object.entries(v)) if (Number.isInteger(n)) out.set(k, n as number);
    return out;
  } catch {
    return new Map();
  }
}

/**
 * A NATS or JetStream client error as a QNX errno: a full stream EAGAIN (discard new: try again
 * later), no answer ETIMEDOUT (maybe stored: retry with the same id), no stream or server
 * EHOSTUNREACH, a consumer or stream not found ENOENT, anything else EIO.
 */
export function errnoOf(e: unknown): number {
  const err = e as { code?: unknown; message?: unknown; name?: unknown; cause?: unknown } | null;
  const code = typeof err?.code === 'number' ? err.code : Number(err?.code);
  const text = `${String(err?.name ?? '')} ${String(err?.message ?? '')} ${String((err?.cause as { message?: unknown } | undefined)?.message ?? '')}`.toLowerCase();
  // 10077 maximum messages, 10078 maximum bytes, 10047 insufficient resources, 10028 message size
  if (code === 10077 || code === 10078 || code === 10047 || /maximum (messages|bytes)|insufficient resources|storage/.test(text)) return ERRNO.EAGAIN;
  if (code === 10014 || code === 10059 || /consumer (not found|deleted)|stream not found/.test(text)) return ERRNO.ENOENT;
  if (/no responders|503/.test(text)) return ERRNO.EHOSTUNREACH;
  if (/timeout|timed out|disconnect|closed|reconnect|heartbeat/.test(text)) return ERRNO.ETIMEDOUT;
  return ERRNO.EIO;
}
