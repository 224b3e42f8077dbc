import { beforeAll, describe, expect, it } from 'vitest';
import { exportPerfetto, unmatchedFlows, type ChromeTrace, type ChromeTraceEvent } from '../../../src/inspector/page/exportPerfetto.js';
import type { EventRow } from '../../../src/inspector/protocol.js';
import { tracedRun, type Traced } from './fixtures.js';

/** Per thread, the X slices in start order: each starts after the previous ended, or nests in it. */
function nestingErrors(trace: ChromeTrace): string[] {
  const byThread = new Map<string, ChromeTraceEvent[]>();
  for (const e of trace.traceEvents) {
    if (e.ph !== 'X') continue;
    const k = `${e.pid}/${e.tid}`;
    const list = byThread.get(k);
    if (list === undefined) byThread.set(k, [e]);
    else list.push(e);
  }
  const errors: string[] = [];
  for (const [k, list] of byThread) {
    list.sort((a, b) => a.ts! - b.ts! || b.dur! - a.dur!);
    const stack: ChromeTraceEvent[] = [];
    for (const s of list) {
      while (stack.length > 0 && stack[stack.length - 1]!.ts! + stack[stack.length - 1]!.dur! <= s.ts!) stack.pop();
      const top = stack[stack.length - 1];
      if (top !== undefined && s.ts! + s.dur! > top.ts! + top.dur!) errors.push(`${k}: ${s.name}@${s.ts} overlaps ${top.name}@${top.ts}`);
      stack.push(s);
    }
  }
  return errors;
}

/** The X slice of the flow point's thread that encloses it (what `bp: 'e'` binds to). */
function enclosing(trace: ChromeTrace, p: ChromeTraceEvent): ChromeTraceEvent | undefined {
  return trace.traceEvents.find((e) => e.ph === 'X' && e.pid === p.pid && e.tid === p.tid && e.ts! <= p.ts! && p.ts! <= e.ts! + e.dur! && e.cat === 'kernel');
}

describe('exportPerfetto (Chrome trace event JSON)', () => {
  let run: Traced;
  let trace: ChromeTrace;
  beforeAll(async () => {
    run = await tracedRun();
    trace = exportPerfetto(run.events, { processName: (_n, pid) => run.names.get(pid) });
  });

  it('should give every flow start (s) an end (f, bp e) of the same id, and a step (t) at the receive', () => {
    const starts = trace.traceEvents.filter((e) => e.ph === 's');
    expect(starts).toHaveLength(6); // six replied messages; the unanswered one has no flow
    expect(unmatchedFlows(trace)).toEqual([]);
    for (const s of starts) {
      const f = trace.traceEvents.filter((e) => e.ph === 'f' && e.id === s.id);
      const t = trace.traceEvents.filter((e) => e.ph === 't' && e.id === s.id);
      expect(f).toHaveLength(1);
      expect(t).toHaveLength(1);
      expect(f[0]!.bp).toBe('e');
      expect(f[0]!.cat).toBe(s.cat);
      expect(f[0]!.name).toBe(s.name);
      expect(s.ts!).toBeLessThan(t[0]!.ts!);
      expect(t[0]!.ts!).toBeLessThan(f[0]!.ts!);
    }
  });

  it('should bind each flow point inside a slice of its thread: the send on the client, receive and reply on the server', () => {
    for (const p of trace.traceEvents.filter((e) => e.ph === 's' || e.ph === 't' || e.ph === 'f')) {
      const slice = enclosing(trace, p);
      expect(slice?.name).toBe(p.ph === 's' ? 'send' : p.ph === 't' ? 'receive' : 'reply');
    }
  });

  it('should draw thread states as X slices that never overlap on a thread', () => {
    expect(nestingErrors(trace)).toEqual([]);
    const states = trace.traceEvents.filter((e) => e.ph === 'X' && e.cat === 'state');
    expect(new Set(states.map((s) => s.name))).toEqual(new Set(['SEND', 'REPLY', 'RUNNING']));
    for (const s of states) expect(s.dur!).toBeGreaterThan(0);
    // a client waits 10 ms for its reply: its REPLY slice lasts about that
    const replies = states.filter((s) => s.name === 'REPLY');
    expect(Math.max(...replies.map((s) => s.dur!))).toBeGreaterThanOrEqual(9_000);
  });

  it('should name processes by node and name, and threads', () => {
    const names = trace.traceEvents.filter((e) => e.ph === 'M' && e.name === 'process_name').map((e) => (e.args as { name: string }).name);
    expect(names).toEqual(expect.arrayContaining(['a: server', 'a: alice', 'a: bob', 'a: silent']));
    expect(JSON.parse(JSON.stringify(trace))).toEqual(trace);
  });

  it('should drop flow starts whose reply is not in the trace (a window that cut it off)', () => {
    const firstReply = run.events.findIndex((e) => e.kind === 'reply');
    const cut = exportPerfetto(run.events.slice(0, firstReply)); // sends and receives, no reply
    expect(cut.traceEvents.filter((e) => e.ph === 's')).toEqual([]);
    const tail = exportPerfetto(run.events.slice(firstReply)); // the first replies' sends are gone
    const starts = tail.traceEvents.filter((e) => e.ph === 's').map((e) => e.id);
    const ends = tail.traceEvents.filter((e) => e.ph === 'f').map((e) => e.id);
    expect(ends).toEqual(starts);
    expect(starts.length).toBeGreaterThan(0);
    expect(starts.length).toBeLessThan(6);
    expect(unmatchedFlows(tail)).toEqual([]);
  });

  it('should keep slices apart when thousands of events share one millisecond, and pair across two nodes separately', () => {
    const many: EventRow[] = [];
    for (let i = 0; i < 3000; i++) {
      const node = i % 2 === 0 ? 'a' : 'b';
      many.push({ node, time: 5, kind: 'send', pid: 2, tid: 1, detail: { coid: 3, chid: 1, to: 1 } });
      many.push({ node, time: 5, kind: 'receive', pid: 1, tid: 1, detail: { chid: 1, rcvid: 9, from: 2 } });
      many.push({ node, time: 5, kind: 'reply', pid: 1, tid: 1, detail: { rcvid: 9, status: 0, to: 2 } });
    }
    const t = exportPerfetto(many);
    expect(nestingErrors(t)).toEqual([]);
    expect(t.traceEvents.filter((e) => e.ph === 's')).toHaveLength(3000);
    expect(unmatchedFlows(t)).toEqual([]);
    const ts = t.traceEvents.filter((e) => e.ph === 'X' && e.cat === 'kernel').map((e) => e.ts!);
    expect(new Set(ts).size).toBe(ts.length);
  });

  it('should export 100,000 events (what the timeline keeps at most) within seconds, every flow matched', () => {
    const many: EventRow[] = [];
    for (let i = 0; i < 33_334; i++) {
      const time = Math.floor(i / 10);
      many.push({ node: 'a', time, kind: 'send', pid: 2 + (i % 50), tid: 1, detail: { coid: 3, chid: 1, to: 1 } });
      many.push({ node: 'a', time, kind: 'receive', pid: 1, tid: 1, detail: { chid: 1, rcvid: i, from: 2 + (i % 50) } });
      many.push({ node: 'a', time, kind: 'reply', pid: 1, tid: 1, detail: { rcvid: i, status: 0, to: 2 + (i % 50) } });
    }
    const t0 = performance.now();
    const t = exportPerfetto(many);
    const json = JSON.stringify(t);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(unmatchedFlows(JSON.parse(json) as ChromeTrace)).toEqual([]);
  });
});
