import { describe, expect, it } from 'vitest';
import { cycleText, edgeText, layers, mergeGraphs } from '../../../src/inspector/page/graphModel.js';
import type { GraphData, ViewAnswer } from '../../../src/inspector/protocol.js';

const a: GraphData = {
  vertices: [
    { id: 'a:1:1', kind: 'thread', node: 'a', label: 'server1/rx 1/1', state: 'SEND' },
    { id: 'a:2:1', kind: 'thread', node: 'a', label: 'server2/rx 2/1', state: 'SEND' },
    { id: 'a:1:c1', kind: 'channel', node: 'a', label: 'server1 chid 1' },
    { id: 'a:2:c1', kind: 'channel', node: 'a', label: 'server2 chid 1' },
    { id: 'a:5:1', kind: 'thread', node: 'a', label: 'client 5/1', state: 'REPLY' },
    { id: 'b:3:c1', kind: 'channel', node: 'b', label: 'pid 3 chid 1' },
  ],
  edges: [
    { from: 'a:1:1', to: 'a:2:c1', kind: 'send', status: 'up' },
    { from: 'a:2:c1', to: 'a:2:1', kind: 'serves', status: 'up' },
    { from: 'a:2:1', to: 'a:1:c1', kind: 'send', status: 'up' },
    { from: 'a:1:c1', to: 'a:1:1', kind: 'serves', status: 'up' },
    { from: 'a:5:1', to: 'b:3:c1', kind: 'reply', status: 'down', errno: 'EHOSTDOWN' },
  ],
  cycles: [['a:1:1', 'a:2:1']],
  stalls: [{ thread: 'a:5:1', for: 3000, root: 'b:3:c1' }],
};
const answer: ViewAnswer<GraphData> = { version: 1, time: 0, nodes: [{ node: 'a', ok: true, data: a }, { node: 'b', ok: false, error: 'EHOSTDOWN: b is down' }] };

describe('the wait-for graph (page side)', () => {
  it('should name a deadlock by both threads, and a longer cycle as a chain', () => {
    const g = mergeGraphs(answer);
    expect(g.cycles.map((c) => cycleText(g, c))).toEqual(['deadlock: server1/rx 1/1 ↔ server2/rx 2/1']);
    expect(cycleText(g, ['a:1:1', 'a:2:1', 'a:5:1'])).toBe('deadlock: server1/rx 1/1 → server2/rx 2/1 → client 5/1 → server1/rx 1/1');
  });

  it("should say which edge is down and why, naming another node's vertices with their node", () => {
    const g = mergeGraphs(answer);
    expect(g.edges.filter((e) => e.status === 'down').map((e) => edgeText(g, e))).toEqual(['client 5/1 → b:pid 3 chid 1 (reply): down, EHOSTDOWN']);
    expect(g.failed).toEqual([{ node: 'b', error: 'EHOSTDOWN: b is down' }]);
  });

  it('should merge the same vertex, edge and cycle from two nodes once, a down edge winning', () => {
    const b: GraphData = { vertices: [a.vertices[0]!], edges: [{ ...a.edges[4]!, status: 'up', errno: undefined }], cycles: [['a:2:1', 'a:1:1']], stalls: [] };
    const g = mergeGraphs({ version: 1, time: 0, nodes: [{ node: 'b', ok: true, data: b }, { node: 'a', ok: true, data: a }] });
    expect(g.vertices.size).toBe(6);
    expect(g.cycles).toHaveLength(1);
    expect(g.edges.filter((e) => e.from === 'a:5:1')).toEqual([a.edges[4]]);
  });

  it('should lay out clients | channels | servers, a server that is also a client among the servers', () => {
    const L = layers(mergeGraphs(answer));
    expect(L.servers).toEqual(['a:1:1', 'a:2:1']);
    expect(L.channels).toEqual(['a:1:c1', 'a:2:c1', 'b:3:c1']);
    expect(L.clients).toEqual(['a:5:1']);
  });

  it('should draw at most max per layer, those in deadlocks, stalls and down edges first', () => {
    const vertices = [...a.vertices];
    const edges = [...a.edges];
    for (let i = 0; i < 500; i++) {
      vertices.push({ id: `a:${100 + i}:1`, kind: 'thread', node: 'a', label: `c${i}`, state: 'SEND' });
      edges.push({ from: `a:${100 + i}:1`, to: 'a:1:c1', kind: 'send', status: 'up' });
    }
    const L = layers(mergeGraphs({ version: 1, time: 0, nodes: [{ node: 'a', ok: true, data: { ...a, vertices, edges } }] }), 50);
    expect(L.clients).toHaveLength(50);
    expect(L.clients).toContain('a:5:1');
  });
});
