/// <reference lib="dom" />
/**
 * The trace as marble text, pure: one row per process (of each node), one column per frame of
 * `frameMs`, the letters of `traceDiagram` (s send, r receive, R reply, E error, p pulse,
 * u unblock, t timeout, d death, x disconnect), several in one frame as a group `(sr)`, columns
 * aligned across rows. For one node it is exactly `traceDiagram`'s text, to paste into a
 * `MarbleHarness` spec.
 * @packageDocumentation
 */
import type { EventRow } from '../protocol.js';

/** The letters of `DEFAULT_TRACE_LETTERS` (rxnto/testing), copied so that the page needs no RxJS. */
export const MARBLE_LETTERS: Readonly<Record<string, string>> = {
  send: 's', receive: 'r', reply: 'R', error: 'E', pulse: 'p', unblock: 'u', timeout: 't', death: 'd', disconnect: 'x',
};

export interface MarbleOptions {
  /** Milliseconds per frame (one column). Default 100. */
  readonly frameMs?: number;
  /** A process's row label (default `pid N`; prefixed `node:` when the trace has several nodes). */
  readonly label?: (node: string, pid: number) => string | undefined;
  /** Time of the first frame (default: the first drawn event's). */
  readonly start?: number;
}

/** The marble text of `events` (empty when none is drawn). */
export function exportMarbles(events: readonly EventRow[], options: MarbleOptions = {}): string {
  const frameMs = Math.max(1e-9, options.frameMs ?? 100);
  const drawn = events.filter((e) => MARBLE_LETTERS[e.kind] !== undefined);
  if (drawn.length === 0) return '';
  const start = options.start ?? drawn[0]!.time;
  const nodes = new Set(drawn.map((e) => e.node));
  const rowKey = (e: EventRow): string => `${e.node}\u0000${e.pid}`;
  const rows = [...new Map(drawn.map((e) => [rowKey(e), e])).values()]
    .sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0) || a.pid - b.pid)
    .map((e) => ({ key: rowKey(e), node: e.node, pid: e.pid }));
  let last = start;
  for (const e of drawn) if (e.time > last) last = e.time;
  const frames = Math.floor((last - start) / frameMs) + 1;
  if (frames > 200_000) throw new RangeError(`${frames} frames of ${frameMs} ms: choose a larger frameMs`);
  const cells = new Map(rows.map((r) => [r.key, new Array<string>(frames).fill('')]));
  for (const e of drawn) {
    const f = Math.min(frames - 1, Math.max(0, Math.floor((e.time - start) / frameMs)));
    const row = cells.get(rowKey(e))!;
    row[f] += MARBLE_LETTERS[e.kind]!;
  }
  const cell = (s: string): string => (s.length <= 1 ? s || '-' : `(${s})`);
  const widths = Array.from({ length: frames }, (_, f) => Math.max(...rows.map((r) => cell(cells.get(r.key)![f]!).length)));
  const labels = rows.map((r) => {
    const name = options.label?.(r.node, r.pid) ?? `pid ${r.pid}`;
    return nodes.size > 1 ? `${r.node}:${name}` : name;
  });
  const lw = Math.max(...labels.map((l) => l.length));
  return rows.map((r, i) => `${labels[i]!.padEnd(lw)}  ${cells.get(r.key)!.map((s, f) => cell(s).padEnd(widths[f]!, '-')).join('')}`).join('\n');
}
