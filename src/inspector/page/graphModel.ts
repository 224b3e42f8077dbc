/// <reference lib="dom" />
/**
 * The wait-for graph, pure: every node's answer merged into one graph, its vertices put in three
 * layers (clients | channels | servers) ordered to cross little, and the words for deadlocks,
 * stalls and lost edges.
 * @packageDocumentation
 */
import type { GraphData, GraphEdge, GraphVertex, ViewAnswer } from '../protocol.js';

export interface Graph {
  readonly vertices: ReadonlyMap<string, GraphVertex>;
  readonly edges: readonly GraphEdge[];
  readonly cycles: readonly (readonly string[])[];
  readonly stalls: readonly { readonly thread: string; readonly for: number; readonly root: string }[];
  /** Nodes that did not answer, with why. */
  readonly failed: readonly { readonly node: string; readonly error: string }[];
  /** The inspected node (the answer's first). */
  readonly local: string;
}

/** Merge the nodes' graphs: vertices by id, edges by (from, to, kind) (a down edge wins), cycles by their set of threads. */
export function mergeGraphs(answer: ViewAnswer<unknown>): Graph {
  const vertices = new Map<string, GraphVertex>();
  const edges = new Map<string, GraphEdge>();
  const cycles = new Map<string, readonly string[]>();
  const stalls = new Map<string, { thread: string; for: number; root: string }>();
  const failed: { node: string; error: string }[] = [];
  for (const r of answer.nodes) {
    if (!r.ok) {
      failed.push({ node: r.node, error: r.error });
      continue;
    }
    const g = r.data as GraphData;
    for (const v of g.vertices) if (!vertices.has(v.id)) vertices.set(v.id, v);
    for (const e of g.edges) {
      const key = `${e.from}|${e.to}|${e.kind}`;
      const had = edges.get(key);
      if (had === undefined || (had.status === 'up' && e.status === 'down')) edges.set(key, e);
    }
    for (const c of g.cycles) cycles.set([...c].sort().join('|'), c);
    for (const s of g.stalls) stalls.set(s.thread, s);
  }
  return { vertices, edges: [...edges.values()], cycles: [...cycles.values()], stalls: [...stalls.values()], failed, local: answer.nodes[0]?.node ?? '' };
}

/** A vertex's name for people: its label, with its node when that is not the inspected one (`b:server/rx`). */
export function vertexName(g: Graph, id: string): string {
  const v = g.vertices.get(id);
  if (v === undefined) return id;
  return v.node === g.local || v.node === '' ? v.label : `${v.node}:${v.label}`;
}

/** `deadlock: server1/rx ↔ server2/rx`, or `deadlock: a → b → c → a` for a longer cycle. */
export function cycleText(g: Graph, cycle: readonly string[]): string {
  const names = cycle.map((id) => vertexName(g, id));
  if (names.length === 2) return `deadlock: ${names[0]} ↔ ${names[1]}`;
  return `deadlock: ${[...names, names[0] ?? ''].join(' → ')}`;
}

/** `client/main → b:server chid 1 (send): down, EHOSTDOWN`. */
export function edgeText(g: Graph, e: GraphEdge): string {
  const status = e.status === 'down' ? `down, ${e.errno ?? 'lost'}` : 'up';
  return `${vertexName(g, e.from)} → ${vertexName(g, e.to)} (${e.kind}): ${status}`;
}

export interface Layers {
  readonly clients: readonly string[];
  readonly channels: readonly string[];
  readonly servers: readonly string[];
}

/**
 * Three layers: channels; servers (threads serving a channel); clients (every other thread). At
 * most `max` vertices per layer, those in cycles, stalls and down edges first; each layer ordered
 * by the mean position of its neighbours in the layer next to it (one sweep: servers, channels,
 * clients), so that edges cross little.
 */
export function layers(g: Graph, max = 80): Layers {
  const serving = new Map<string, string[]>(); // channel → servers
  const targets = new Map<string, string[]>(); // client → channels
  const servers = new Set<string>();
  for (const e of g.edges) {
    if (e.kind === 'serves') {
      servers.add(e.to);
      push(serving, e.from, e.to);
    } else push(targets, e.from, e.to);
  }
  const important = new Set<string>();
  for (const c of g.cycles) for (const id of c) important.add(id);
  for (const s of g.stalls) {
    important.add(s.thread);
    important.add(s.root);
  }
  for (const e of g.edges) {
    if (e.status === 'down') {
      important.add(e.from);
      important.add(e.to);
    }
  }
  const collator = new Intl.Collator(undefined, { numeric: true });
  const byName = (a: string, b: string): number => collator.compare(vertexName(g, a), vertexName(g, b));
  const cap = (ids: string[]): string[] => {
    ids.sort((a, b) => Number(important.has(b)) - Number(important.has(a)) || byName(a, b));
    return ids.slice(0, max);
  };
  const all = [...g.vertices.values()];
  const serverIds = cap(all.filter((v) => v.kind === 'thread' && servers.has(v.id)).map((v) => v.id)).sort(byName);
  const sIndex = new Map(serverIds.map((id, i) => [id, i]));
  const channelIds = cap(all.filter((v) => v.kind === 'channel').map((v) => v.id));
  const cPos = (id: string): number => mean((serving.get(id) ?? []).map((s) => sIndex.get(s) ?? serverIds.length));
  channelIds.sort((a, b) => cPos(a) - cPos(b) || byName(a, b));
  const cIndex = new Map(channelIds.map((id, i) => [id, i]));
  const clientIds = cap(all.filter((v) => v.kind === 'thread' && !servers.has(v.id) && (targets.has(v.id) || important.has(v.id))).map((v) => v.id));
  const kPos = (id: string): number => mean((targets.get(id) ?? []).map((c) => cIndex.get(c) ?? channelIds.length));
  clientIds.sort((a, b) => kPos(a) - kPos(b) || byName(a, b));
  return { clients: clientIds, channels: channelIds, servers: serverIds };
}

function push(m: Map<string, string[]>, k: string, v: string): void {
  const list = m.get(k);
  if (list === undefined) m.set(k, [v]);
  else list.push(v);
}

function mean(xs: readonly number[]): number {
  return xs.length === 0 ? Infinity : xs.reduce((a, b) => a + b, 0) / xs.length;
}
