import type { TraceEvent } from '../kernel/index.js';
import { DEFAULT_TRACE_LETTERS, type TraceLetters } from './MarbleHarness.js';

/** Options of {@link traceDiagram}. */
export interface TraceDiagramOptions {
  /** Milliseconds per frame (one column). Default 100. */
  readonly frameMs?: number;
  /** Letters per trace kind (default: s send, r receive, R reply, E error, p pulse, u unblock, t timeout, d death, x disconnect). */
  readonly letters?: TraceLetters;
  /** A row label per pid (default `pid N`). */
  readonly label?: (pid: number) => string;
  /** Time of the first frame (default: the first event's). */
  readonly start?: number;
}

/**
 * Draws kernel trace events as a marble diagram: one row per process, one column per frame, the
 * event letters where they happened (several in one frame as a group, `(sr)`), columns kept
 * aligned across rows. Useful to print what a program did, or to paste into a marble spec.
 *
 * @example
 * ```ts
 * const events: TraceEvent[] = [];
 * kernel.onTrace((e) => events.push(e));
 * // ... run ...
 * console.log(traceDiagram(events, { frameMs: 250, label: (pid) => kernel.getProcess(pid)?.name ?? `pid ${pid}` }));
 * ```
 */
export function traceDiagram(events: readonly TraceEvent[], options: TraceDiagramOptions = {}): string {
  const letters = options.letters ?? DEFAULT_TRACE_LETTERS;
  const frameMs = options.frameMs ?? 100;
  const drawn = events.filter((e) => letters[e.kind] !== undefined);
  if (drawn.length === 0) return '';
  const start = options.start ?? drawn[0]!.time;
  const pids = [...new Set(drawn.map((e) => e.pid))].sort((a, b) => a - b);
  const frames = Math.floor((drawn[drawn.length - 1]!.time - start) / frameMs) + 1;
  // cells[pid][frame]: the letters in that frame
  const cells = new Map<number, string[]>(pids.map((p) => [p, new Array<string>(frames).fill('')]));
  for (const e of drawn) {
    const f = Math.max(0, Math.floor((e.time - start) / frameMs));
    cells.get(e.pid)![f] += letters[e.kind]!;
  }
  const cell = (s: string): string => (s.length <= 1 ? s || '-' : `(${s})`);
  const widths = Array.from({ length: frames }, (_, f) => Math.max(...pids.map((p) => cell(cells.get(p)![f]!).length)));
  const label = options.label ?? ((pid: number) => `pid ${pid}`);
  const labels = pids.map((p) => label(p));
  const lw = Math.max(...labels.map((l) => l.length));
  return pids
    .map((p, i) => `${labels[i]!.padEnd(lw)}  ${cells.get(p)!.map((s, f) => cell(s).padEnd(widths[f]!, '-')).join('')}`)
    .join('\n');
}
