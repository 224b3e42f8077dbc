// Tasks of a page's main thread from a Chromium trace, with the CPU time each took (`tdur`):
// unlike a long task's duration (wall time), CPU time does not grow when a loaded machine
// preempts the renderer, so a gate on it holds on a 2-core CI running specs in parallel.

/** One trace event, as much of it as is read here. */
interface TraceEvent {
  readonly name: string;
  readonly ph: string;
  readonly pid: number;
  readonly tid: number;
  readonly ts: number;
  readonly dur?: number;
  readonly tdur?: number;
  readonly args?: { readonly name?: string; readonly frame?: string; readonly worldId?: number; readonly data?: { readonly functionName?: string; readonly url?: string; readonly lineNumber?: number } };
}

/** A main-thread task: when it started (trace µs), its wall and its CPU time (ms), and what ran inside it. */
export interface CpuTask {
  readonly ts: number;
  readonly wallMs: number;
  readonly cpuMs: number;
  inside(): string;
}

/**
 * The renderer main threads' tasks once the page has started: after the last task that evaluated
 * its module script (`v8.evaluateModule` of a URL ending in `script`: compiling and running the page's own code,
 * a cost that does not grow with what it shows), and no earlier than the first contentful paint.
 * Throws when the trace has no such script or paint, or its tasks carry no CPU time (the gate
 * would hold vacuously).
 */
export function cpuTasksAfterStart(trace: Buffer, script: string): { start: number; tasks: CpuTask[] } {
  const parsed = JSON.parse(trace.toString('utf8')) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : parsed.traceEvents ?? [];
  const main = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const paints = events.filter((e) => e.name === 'firstContentfulPaint').map((e) => e.ts);
  if (paints.length === 0) throw new Error('the trace has no firstContentfulPaint (is the "loading" category traced?)');
  // a module script: compiled (v8.compileModule, with its URL), then evaluated (v8.evaluateModule, in the main world)
  const compiled = events.filter((e) => e.name === 'v8.compileModule' && main.has(`${e.pid}:${e.tid}`) && (e.args?.data?.url ?? '').endsWith(script)).map((e) => e.ts);
  if (compiled.length === 0) throw new Error(`the trace has no v8.compileModule of ${script} (is "v8" or "devtools.timeline" traced?)`);
  const evaluated = events.filter((e) => e.name === 'v8.evaluateModule' && main.has(`${e.pid}:${e.tid}`) && e.args?.worldId === 0 && e.ts >= Math.min(...compiled)).map((e) => e.ts + (e.dur ?? 0));
  if (evaluated.length === 0) throw new Error(`the trace has no v8.evaluateModule after ${script} was compiled`);
  const all = events.filter((e) => e.name === 'RunTask' && e.ph === 'X' && main.has(`${e.pid}:${e.tid}`));
  if (all.length === 0 || all.every((e) => e.tdur === undefined)) throw new Error('the trace has no main-thread task with its CPU time (tdur)');
  const start = Math.max(Math.min(...paints), Math.max(...evaluated));
  // the end: the page's `performance.mark(END_MARK)` (stopping the trace costs the renderer a long task of its own)
  const ends = events.filter((e) => e.name === END_MARK && main.has(`${e.pid}:${e.tid}`)).map((e) => e.ts);
  if (ends.length === 0) throw new Error(`the trace has no ${END_MARK} mark (call performance.mark('${END_MARK}') in the page before stopping the trace)`);
  const end = Math.max(...ends);
  const tasks = all.filter((e) => e.ts >= start && e.ts + (e.dur ?? 0) <= end).map((e) => ({
    ts: e.ts, wallMs: (e.dur ?? 0) / 1000, cpuMs: (e.tdur ?? 0) / 1000,
    // what ran inside it, the longest first (for the message of a failed gate)
    inside: () => events
      .filter((x) => x.pid === e.pid && x.tid === e.tid && x.ph === 'X' && x.name !== 'RunTask' && x.ts >= e.ts && x.ts + (x.dur ?? 0) <= e.ts + (e.dur ?? 0) && (x.dur ?? 0) >= 1000 && !/ThreadController/.test(x.name))
      .sort((x, y) => (y.dur ?? 0) - (x.dur ?? 0)).slice(0, 8)
      .map((x) => `${x.name}${x.args?.data?.functionName ? ` ${x.args.data.functionName}` : ''}${x.args?.data?.url ? ` ${x.args.data.url.split('/').pop()}:${x.args.data.lineNumber ?? ''}` : ''} ${((x.dur ?? 0) / 1000).toFixed(1)}ms`).join('; '),
  }));
  return { start, tasks };
}

/** The user-timing mark that ends what {@link cpuTasksAfterStart} counts. */
export const END_MARK = 'rxnto-gate-end';

/** The categories {@link cpuTasksAfterStart} needs. */
export const CPU_TASK_CATEGORIES = ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'loading', 'v8', 'v8.execute', 'blink.user_timing'];
