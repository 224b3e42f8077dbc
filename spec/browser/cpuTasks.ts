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
  readonly args?: { readonly name?: string; readonly frame?: string };
}

/** A main-thread task: when it started (trace µs), its wall and its CPU time (ms). */
export interface CpuTask {
  readonly ts: number;
  readonly wallMs: number;
  readonly cpuMs: number;
}

/**
 * The renderer main threads' tasks (`RunTask` on `CrRendererMain`) from the first contentful
 * paint on, and that paint's time. Throws when the trace has no such paint or its tasks carry no
 * CPU time (the gate would hold vacuously).
 */
export function cpuTasksAfterFirstPaint(trace: Buffer): { fcp: number; tasks: CpuTask[] } {
  const parsed = JSON.parse(trace.toString('utf8')) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : parsed.traceEvents ?? [];
  const main = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const paints = events.filter((e) => e.name === 'firstContentfulPaint').map((e) => e.ts);
  if (paints.length === 0) throw new Error('the trace has no firstContentfulPaint (is the "loading" category traced?)');
  const fcp = Math.min(...paints);
  const all = events.filter((e) => e.name === 'RunTask' && e.ph === 'X' && main.has(`${e.pid}:${e.tid}`));
  if (all.length === 0 || all.every((e) => e.tdur === undefined)) throw new Error('the trace has no main-thread task with its CPU time (tdur)');
  const tasks = all.filter((e) => e.ts >= fcp).map((e) => ({ ts: e.ts, wallMs: (e.dur ?? 0) / 1000, cpuMs: (e.tdur ?? 0) / 1000 }));
  return { fcp, tasks };
}

/** The categories {@link cpuTasksAfterFirstPaint} needs. */
export const CPU_TASK_CATEGORIES = ['toplevel', 'disabled-by-default-devtools.timeline', 'loading'];
