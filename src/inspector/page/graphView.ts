/// <reference lib="dom" />
/**
 * Who blocks whom: the wait-for graph as SVG in three layers (clients | channels | servers), edges
 * coloured by kind and status (a lost node's edges dashed red with their errno); the deadlocks
 * (cycles) named by their threads; each stall with its root blocker.
 * @packageDocumentation
 */
import type { EventFrame, GraphEdge, ViewAnswer } from '../protocol.js';
import { duration, h, replace, svg } from './dom.js';
import { cycleText, edgeText, layers, mergeGraphs, vertexName, type Graph } from './graphModel.js';
import type { NodeClock } from './nodeClock.js';
import type { View } from './view.js';

const COL = 250;
const BOX_W = 190;
const BOX_H = 24;
const ROW = 32;
const TOP = 34;

/** A stall reported by a frame (`stalls$`), shown until the graph confirms or forgets it. */
interface FrameStall {
  readonly key: string;
  readonly node: string;
  readonly name: string;
  readonly state: string;
  readonly blocked: string;
  readonly for: number;
  readonly time: number;
  readonly wall: number;
}

export class GraphView implements View {
  readonly id = 'graph';
  readonly title = 'Who blocks whom';
  readonly api = 'graph' as const;
  readonly streams = ['graph', 'stalls'];
  readonly element: HTMLElement;
  private readonly picture: HTMLElement;
  private readonly deadlocks: HTMLElement;
  private readonly stalls: HTMLElement;
  private readonly down: HTMLElement;
  private readonly failed: HTMLElement;
  private graph: Graph | null = null;
  private answerTime = 0;
  private readonly frameStalls = new Map<string, FrameStall>();

  constructor(private readonly clock: NodeClock) {
    this.picture = h('div', { class: 'graph-picture' });
    this.deadlocks = h('ul', { role: 'list', 'aria-label': 'Deadlocks', class: 'deadlocks' });
    this.stalls = h('ul', { role: 'list', 'aria-label': 'Stalls', class: 'stalls' });
    this.down = h('ul', { role: 'list', 'aria-label': 'Down edges', class: 'down-edges' });
    this.failed = h('ul', { role: 'list', 'aria-label': 'Nodes that did not answer', class: 'failed' });
    this.element = h('section', { 'aria-label': 'Who blocks whom', class: 'graph-view' },
      h('div', { class: 'graph-lists' },
        h('div', {}, h('h3', {}, 'Deadlocks'), this.deadlocks),
        h('div', {}, h('h3', {}, 'Stalls'), this.stalls),
        h('div', {}, h('h3', {}, 'Edges to lost nodes'), this.down, this.failed)),
      this.picture);
  }

  render(answer: ViewAnswer<unknown>): void {
    const g = mergeGraphs(answer);
    this.graph = g;
    this.answerTime = answer.time;
    const now = performance.now();
    for (const [key, s] of this.frameStalls) {
      const confirmed = g.stalls.some((x) => x.thread === key || vertexName(g, x.thread) === s.name);
      if (confirmed || now - s.wall > 5000) this.frameStalls.delete(key);
    }
    this.drawLists(g);
    this.drawPicture(g);
  }

  frame(frame: EventFrame): void {
    if (frame.stalls.length === 0) return;
    for (const s of frame.stalls) {
      const key = `${s.node}:${s.pid}:${s.tid}`;
      this.frameStalls.set(key, { key, node: s.node, name: s.name, state: s.state, blocked: s.blocked, for: s.for, time: frame.time, wall: performance.now() });
    }
    if (this.graph !== null) this.drawLists(this.graph);
  }

  private drawLists(g: Graph): void {
    replace(this.deadlocks, ...(g.cycles.length === 0
      ? [h('li', { class: 'none' }, 'no deadlock')]
      : g.cycles.map((c) => h('li', { class: 'deadlock', 'data-threads': c.join(' ') }, cycleText(g, c)))));
    const grown = this.clock.now() - this.answerTime;
    const items = g.stalls.map((s) => {
      const v = g.vertices.get(s.thread);
      const blocked = v?.state === undefined ? 'blocked' : `${v.state}-blocked`;
      const root = s.root === s.thread ? 'itself' : vertexName(g, s.root);
      return h('li', { class: 'stall', 'data-thread': s.thread }, `stall: ${vertexName(g, s.thread)} ${blocked} for ${duration(s.for + Math.max(0, grown))}, root blocker: ${root}`);
    });
    for (const s of this.frameStalls.values()) {
      const who = s.node === g.local ? s.name : `${s.node}:${s.name}`;
      items.push(h('li', { class: 'stall', 'data-thread': s.key }, `stall: ${who} ${s.state}-blocked for ${duration(s.for)} on ${s.blocked}`));
    }
    replace(this.stalls, ...(items.length === 0 ? [h('li', { class: 'none' }, 'no stall')] : items));
    const down = g.edges.filter((e) => e.status === 'down');
    replace(this.down, ...(down.length === 0 ? [h('li', { class: 'none' }, 'none')] : down.map((e) => h('li', { class: 'down-edge', 'data-errno': e.errno ?? '' }, edgeText(g, e)))));
    replace(this.failed, ...g.failed.map((f) => h('li', { 'data-node': f.node }, `${f.node} did not answer: ${f.error}`)));
  }

  private drawPicture(g: Graph): void {
    const L = layers(g);
    const cols = [L.clients, L.channels, L.servers];
    const pos = new Map<string, { x: number; y: number }>();
    cols.forEach((ids, c) => ids.forEach((id, i) => pos.set(id, { x: 20 + c * COL, y: TOP + i * ROW })));
    const height = TOP + Math.max(1, ...cols.map((c) => c.length)) * ROW + 10;
    const width = 40 + 2 * COL + BOX_W;
    const inCycle = new Set(g.cycles.flat());
    const stalled = new Set(g.stalls.map((s) => s.thread));
    const picture = svg('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `wait-for graph: ${L.clients.length} clients, ${L.channels.length} channels, ${L.servers.length} servers, ${g.cycles.length} deadlocks` },
      svg('defs', {},
        ...['send', 'reply', 'serves', 'down'].map((k) => svg('marker', { id: `arrow-${k}`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
          svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: `arrowhead ${k}` })))),
      ...['clients', 'channels', 'servers'].map((t, c) => svg('text', { x: 20 + c * COL, y: 18, class: 'layer-title' }, t)));
    for (const e of g.edges) {
      const a = pos.get(e.from);
      const b = pos.get(e.to);
      if (a === undefined || b === undefined) continue;
      picture.append(this.edge(g, e, a, b));
    }
    for (const [id, p] of pos) {
      const v = g.vertices.get(id);
      const cls = ['vertex', v?.kind ?? 'thread', `state-${v?.state ?? 'none'}`, inCycle.has(id) ? 'in-cycle' : '', stalled.has(id) ? 'stalled' : ''].join(' ');
      const name = vertexName(g, id);
      picture.append(svg('g', { class: cls, transform: `translate(${p.x},${p.y})` },
        svg('title', {}, `${name}${v?.state === undefined ? '' : ` (${v.state})`}`),
        svg('rect', { width: BOX_W, height: BOX_H, rx: v?.kind === 'channel' ? 12 : 3 }),
        svg('text', { x: 8, y: 16 }, name.length > 26 ? `${name.slice(0, 25)}…` : name)));
    }
    replace(this.picture, picture);
  }

  private edge(g: Graph, e: GraphEdge, a: { x: number; y: number }, b: { x: number; y: number }): SVGElement {
    const forward = b.x > a.x;
    const x1 = forward ? a.x + BOX_W : a.x;
    const x2 = forward ? b.x : b.x + BOX_W;
    const y1 = a.y + BOX_H / 2;
    const y2 = b.y + BOX_H / 2;
    // a back edge (a server that is also a client: a deadlock) bends below the boxes
    const d = forward
      ? `M ${x1} ${y1} C ${x1 + 40} ${y1}, ${x2 - 40} ${y2}, ${x2} ${y2}`
      : `M ${x1} ${y1} C ${x1 - 60} ${y1 + 30}, ${x2 + 60} ${y2 + 30}, ${x2} ${y2}`;
    const kind = e.status === 'down' ? 'down' : e.kind;
    const group = svg('g', { class: `edge ${e.kind} ${e.status}`, 'data-status': e.status },
      svg('title', {}, edgeText(g, e)),
      svg('path', { d, class: `edge-line ${kind}`, 'marker-end': `url(#arrow-${kind})` }));
    if (e.status === 'down') {
      group.append(svg('text', { x: (x1 + x2) / 2, y: (y1 + y2) / 2 - 4, class: 'errno' }, e.errno ?? 'down'));
    }
    return group;
  }
}
