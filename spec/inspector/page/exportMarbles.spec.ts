import { describe, expect, it } from 'vitest';
import { exportMarbles, MARBLE_LETTERS } from '../../../src/inspector/page/exportMarbles.js';
import type { EventRow } from '../../../src/inspector/protocol.js';
import { DEFAULT_TRACE_LETTERS, traceDiagram } from '../../../src/testing/index.js';
import { tracedRun } from './fixtures.js';

describe('exportMarbles (marble text for a MarbleHarness spec)', () => {
  it("should use traceDiagram's letters", () => {
    expect(MARBLE_LETTERS).toEqual(DEFAULT_TRACE_LETTERS);
  });

  it('should print exactly what traceDiagram prints for one node, at any frameMs', async () => {
    const run = await tracedRun();
    for (const frameMs of [1, 5, 10, 100]) {
      const label = (pid: number): string => run.names.get(pid) ?? `pid ${pid}`;
      expect(exportMarbles(run.events, { frameMs, label: (_node, pid) => run.names.get(pid) })).toBe(traceDiagram(run.raw, { frameMs, label }));
    }
    expect(exportMarbles(run.events, { frameMs: 5, label: (_n, pid) => run.names.get(pid) })).toMatchInlineSnapshot(`
      "server  r-(Rr)(pr)(Rr)-(Rr)-(Rr)-(Rr)-R
      silent  ------r------------------------
      alice   sss----------------------------
      bob     sss---s------------------------"
    `);
  });

  it('should give each node its rows, labelled node:name, columns aligned across them', () => {
    const ev = (node: string, time: number, pid: number, kind: string): EventRow => ({ node, time, pid, tid: 1, kind, detail: {} });
    const text = exportMarbles([ev('b', 0, 1, 'receive'), ev('a', 10, 1, 'send'), ev('b', 10, 1, 'receive'), ev('b', 10, 1, 'reply'), ev('a', 20, 2, 'death')], { frameMs: 10 });
    expect(text).toBe(['a:pid 1  -s----', 'a:pid 2  -----d', 'b:pid 1  r(rR)-'].join('\n'));
  });

  it('should be empty with nothing to draw, and refuse a frameMs that makes too many columns', () => {
    expect(exportMarbles([{ node: 'a', time: 0, kind: 'state', pid: 1, tid: 1, detail: {} }])).toBe('');
    const far: EventRow[] = [{ node: 'a', time: 0, kind: 'send', pid: 1, tid: 1, detail: {} }, { node: 'a', time: 1e9, kind: 'send', pid: 1, tid: 1, detail: {} }];
    expect(() => exportMarbles(far, { frameMs: 1 })).toThrow(RangeError);
  });
});
