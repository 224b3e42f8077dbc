/// <reference lib="dom" />
/**
 * The trace as Chrome trace event JSON (what Perfetto and chrome://tracing open): a process per
 * node's process, a thread per thread; `X` slices for thread states (SEND, REPLY, RUNNING, …) and
 * for each event; flow events from a message's send (`s`) through its receive (`t`) to its reply
 * (`f`, `bp: 'e'`), only for messages whose reply is in the trace, so every flow start has its end.
 *
 * Times are microseconds. Events of one millisecond are spread over it in their order, so that
 * slices on a thread never overlap: each event's slice sits in the first half of its own step,
 * state slices start after it, and flow points lie inside the event slices they bind to.
 * @packageDocumentation
 */
import type { EventRow } from '../protocol.js';
import { MessageMatcher, threadKey } from './messageMatcher.js';
import { SHOWN_STATES, transitions } from './threadStates.js';

/** One Chrome trace event. */
export interface ChromeTraceEvent {
  readonly ph: 'X' | 'B' | 'E' | 's' | 't' | 'f' | 'i' | 'M';
  readonly name: string;
  readonly cat?: string;
  readonly pid: number;
  readonly tid: number;
  readonly ts?: number;
  readonly dur?: number;
  readonly id?: number;
  readonly bp?: 'e';
  readonly s?: 'g' | 'p' | 't';
  readonly args?: Readonly<Record<string, unknown>>;
}

export interface ChromeTrace {
  readonly traceEvents: readonly ChromeTraceEvent[];
  readonly displayTimeUnit: 'ms';
  readonly otherData: Readonly<Record<string, string>>;
}

export interface PerfettoOptions {
  /** A process's name (default `pid N`). */
  readonly processName?: (node: string, pid: number) => string | undefined;
  /** A thread's name (default `tid N`). */
  readonly threadName?: (node: string, pid: number, tid: number) => string | undefined;
}

/** Nanoseconds → microseconds, as Chrome's `ts` wants them. */
const us = (ns: number): number => Math.round(ns) / 1000;

/** The trace as Chrome trace event JSON. */
export function exportPerfetto(events: readonly EventRow[], options: PerfettoOptions = {}): ChromeTrace {
  const out: ChromeTraceEvent[] = [];
  // order by time (stable: one node's events stay in their order), each event given its nanosecond and step
  const order = events.map((_, i) => i).sort((a, b) => events[a]!.time - events[b]!.time || a - b);
  const at = new Float64Array(events.length);
  const step = new Float64Array(events.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    const time = events[order[i]!]!.time;
    while (j < order.length && events[order[j]!]!.time === time) j++;
    const s = Math.min(1000, Math.floor(1e6 / (j - i + 1)));
    for (let k = i; k < j; k++) {
      at[order[k]!] = Math.round(time * 1e6) + (k - i) * s;
      step[order[k]!] = s;
    }
    i = j;
  }
  // a numeric pid per (node, pid)
  const pids = new Map<string, number>();
  const threads = new Set<string>();
  const pidOf = (node: string, pid: number, tid: number): number => {
    const key = `${node}|${pid}`;
    let n = pids.get(key);
    if (n === undefined) {
      pids.set(key, (n = pids.size + 1));
      const name = pid === 0 ? 'net' : options.processName?.(node, pid) ?? `pid ${pid}`;
      out.push({ ph: 'M', name: 'process_name', pid: n, tid: 0, args: { name: `${node}: ${name}` } });
      out.push({ ph: 'M', name: 'process_sort_index', pid: n, tid: 0, args: { sort_index: n } });
    }
    const tkey = threadKey(node, pid, tid);
    if (!threads.has(tkey)) {
      threads.add(tkey);
      const name = tid === 0 ? 'process' : options.threadName?.(node, pid, tid) ?? `tid ${tid}`;
      out.push({ ph: 'M', name: 'thread_name', pid: n, tid, args: { name } });
    }
    return n;
  };
  // the open state slice of each thread
  const states = new Map<string, { node: string; pid: number; tid: number; state: string; from: number }>();
  const close = (s: { node: string; pid: number; tid: number; state: string; from: number }, end: number): void => {
    if (!SHOWN_STATES.has(s.state) || end <= s.from) return;
    out.push({ ph: 'X', name: s.state, cat: 'state', pid: pidOf(s.node, s.pid, s.tid), tid: s.tid, ts: us(s.from), dur: us(end) - us(s.from) });
  };
  const matcher = new MessageMatcher(Number.MAX_SAFE_INTEGER);
  const indexOf = new Map<EventRow, number>(events.map((e, i) => [e, i]));
  let flows = 0;
  let last = 0;
  for (const i of order) {
    const e = events[i]!;
    const t = at[i]!;
    const s = step[i]!;
    last = Math.max(last, t + s);
    const pid = pidOf(e.node, e.pid, e.tid);
    if (e.pid === 0 && e.tid === 0) {
      out.push({ ph: 'i', name: e.kind, cat: 'kernel', pid, tid: 0, ts: us(t + 0.1 * s), s: 'g', args: e.detail });
    } else {
      out.push({ ph: 'X', name: e.kind, cat: 'kernel', pid, tid: e.tid, ts: us(t + 0.1 * s), dur: us(t + 0.35 * s) - us(t + 0.1 * s), args: e.detail });
    }
    const matched = matcher.add(e);
    for (const tr of transitions(e, matched)) {
      const keys = tr.wholeProcess === true
        ? [...states.keys()].filter((k) => k.startsWith(`${tr.node}|${tr.pid}|`))
        : [threadKey(tr.node, tr.pid, tr.tid)];
      for (const key of keys) {
        const open = states.get(key);
        if (open !== undefined) close(open, t);
        if (tr.wholeProcess === true) states.delete(key);
        else states.set(key, { node: tr.node, pid: tr.pid, tid: tr.tid, state: tr.state, from: t + 0.5 * s });
      }
    }
    if (matched?.kind === 'replied') {
      const id = ++flows;
      const point = (ev: EventRow, ph: 's' | 't' | 'f'): ChromeTraceEvent => {
        const j = indexOf.get(ev)!;
        const base: ChromeTraceEvent = { ph, id, name: 'message', cat: 'flow', pid: pidOf(ev.node, ev.pid, ev.tid), tid: ev.tid, ts: us(at[j]! + 0.225 * step[j]!) };
        return ph === 'f' ? { ...base, bp: 'e' } : base;
      };
      out.push(point(matched.send, 's'), point(matched.receive, 't'), point(matched.reply, 'f'));
    }
  }
  for (const s of states.values()) close(s, last);
  return { traceEvents: out, displayTimeUnit: 'ms', otherData: { producer: 'rxnto inspector', version: '1' } };
}

/** Flow starts (`s`) with no end (`f`) of the same id and cat: none in {@link exportPerfetto}'s output. */
export function unmatchedFlows(trace: ChromeTrace): number[] {
  const ends = new Set(trace.traceEvents.filter((e) => e.ph === 'f').map((e) => `${e.cat}|${e.id}`));
  return trace.traceEvents.filter((e) => e.ph === 's' && !ends.has(`${e.cat}|${e.id}`)).map((e) => e.id!);
}
