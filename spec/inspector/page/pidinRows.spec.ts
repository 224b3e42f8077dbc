import { describe, expect, it } from 'vitest';
import { filterRows, flattenPidin, sortRows } from '../../../src/inspector/page/pidinRows.js';
import type { PidinData, ViewAnswer } from '../../../src/inspector/protocol.js';

const answer: ViewAnswer<PidinData> = {
  version: 1,
  time: 1000,
  nodes: [
    { node: 'a', ok: true, data: { threads: [
      { pid: 1, tid: 1, name: 'server/rx', priority: 10, state: 'RECEIVE', blocked: 'chid 1', since: 0 },
      { pid: 2, tid: 1, name: 'client', priority: 10, state: 'REPLY', blocked: 'pid 1 chid 1', since: 400 },
      { pid: 10, tid: 2, name: 'worker/io', priority: 21, state: 'SEND', blocked: 'nd 1 pid 3 chid 1', since: 900 },
    ] } },
    { node: 'b', ok: true, data: { threads: [{ pid: 3, tid: 1, name: 'sensor', priority: 10, state: 'READY', blocked: '', since: 50 }] } },
    { node: 'c', ok: false, error: 'ETIMEDOUT: c did not answer' },
  ],
};

describe('pidin rows', () => {
  it("should list every answering node's threads and the nodes that did not answer", () => {
    const { rows, failed } = flattenPidin(answer);
    expect(rows.map((r) => `${r.node}:${r.pid}/${r.tid}`)).toEqual(['a:1/1', 'a:2/1', 'a:10/2', 'b:3/1']);
    expect(failed).toEqual([{ node: 'c', error: 'ETIMEDOUT: c did not answer' }]);
  });

  it('should filter on node, pid, name, state and blocked-on, every word matching', () => {
    const { rows } = flattenPidin(answer);
    expect(filterRows(rows, '').length).toBe(4);
    expect(filterRows(rows, 'reply').map((r) => r.name)).toEqual(['client']);
    expect(filterRows(rows, 'chid 1').length).toBe(3);
    expect(filterRows(rows, 'b sensor').map((r) => r.pid)).toEqual([3]);
    expect(filterRows(rows, 'nd 1').map((r) => r.name)).toEqual(['worker/io']);
  });

  it('should sort by any column both ways, numbers as numbers, time in state longest last ascending', () => {
    const { rows } = flattenPidin(answer);
    expect(sortRows(rows, 'pid', 'ascending').map((r) => r.pid)).toEqual([1, 2, 3, 10]);
    expect(sortRows(rows, 'pid', 'descending').map((r) => r.pid)).toEqual([10, 3, 2, 1]);
    expect(sortRows(rows, 'name', 'ascending').map((r) => r.name)).toEqual(['client', 'sensor', 'server/rx', 'worker/io']);
    expect(sortRows(rows, 'blocked', 'ascending').map((r) => r.blocked)).toEqual(['', 'chid 1', 'nd 1 pid 3 chid 1', 'pid 1 chid 1']);
    expect(sortRows(rows, 'time', 'descending').map((r) => r.since)).toEqual([0, 50, 400, 900]);
    expect(sortRows(rows, 'state', 'ascending').map((r) => r.state)).toEqual(['READY', 'RECEIVE', 'REPLY', 'SEND']);
    expect(rows.map((r) => r.pid)).toEqual([1, 2, 10, 3]); // not in place
  });

  it('should sort 10,000 rows well within a frame budget', () => {
    const threads = Array.from({ length: 10_000 }, (_, i) => ({ pid: i % 500, tid: i, name: `p${i % 500}/t${i}`, priority: 10, state: i % 3 === 0 ? 'SEND' : 'RECEIVE', blocked: `chid ${i % 7}`, since: (i * 7919) % 10_000 }));
    const many = flattenPidin({ version: 1, time: 0, nodes: [{ node: 'a', ok: true, data: { threads } }] }).rows;
    const t0 = performance.now();
    sortRows(filterRows(many, 'send'), 'name', 'ascending');
    sortRows(many, 'time', 'descending');
    expect(performance.now() - t0).toBeLessThan(500); // a guard against quadratic work (the browser spec measures the page)
    expect(sortRows(many, 'name', 'ascending').slice(0, 3).map((r) => r.name)).toEqual(['p0/t0', 'p0/t500', 'p0/t1000']);
  });
});
