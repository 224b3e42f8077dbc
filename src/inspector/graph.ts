/**
 * Who blocks whom (QNX's System Blocking Graph), across nodes: clients SEND- or REPLY-blocked on
 * a channel, the channel served by its process's threads; deadlocks (cycles no thread can leave)
 * and, for each stall, the root of its wait chain.
 * @internal
 * @packageDocumentation
 */
import type { Collection, NodeSnapshot } from './network.js';
import type { GraphData, GraphEdge, GraphVertex } from './protocol.js';
import type { Since } from './since.js';
import { threadId, threadName } from './views.js';

interface Waiter {
  readonly channel: string;
  readonly kind: 'send' | 'reply';
}

interface ThreadInfo {
  readonly vertex: GraphVertex;
  /** The node whose snapshot listed it, and its key in that node's `Since`. */
  readonly seenOn: string;
  readonly key: string;
}

const REMOTE = /^nd (\d+) pid (\d+) chid (\d+)$/;
/** A channel's vertex id (`ch` before the chid: never a thread's id). */
const channelId = (node: string, pid: number | string, chid: number | string): string => `${node}:${pid}:ch${chid}`;
const LOCAL = /^pid (\d+) chid (\d+)$/;

/** The wait-for graph of every node that answered (`collection`), split by node (see {@link GraphData}). */
export function graphData(collection: Collection, sinceTable: Since, thresholdMs: number): Map<string, GraphData> {
  const now = collection.time;
  const inspected = collection.nodes[0]!.node;
  const ok = new Map<string, NodeSnapshot>();
  for (const c of collection.nodes) if (c.ok) ok.set(c.node, c.snap);

  const threads = new Map<string, ThreadInfo>();
  const waits = new Map<string, Waiter>();
  /** `node:pid` → the threads of that process (to find who can serve its channels). */
  const byProcess = new Map<string, { id: string; state: string }[]>();
  const procNames = new Map<string, string>();

  const wait = (id: string, state: string, channel: string | null): void => {
    if (channel === null || (state !== 'SEND' && state !== 'REPLY') || waits.has(id)) return;
    waits.set(id, { channel, kind: state === 'SEND' ? 'send' : 'reply' });
  };
  for (const s of ok.values()) {
    const n = s.node;
    const ndName = new Map(s.peers.map((p) => [p.nd, p.node]));
    for (const p of s.snapshot.processes) {
      procNames.set(`${n}:${p.pid}`, p.name);
      const list: { id: string; state: string }[] = [];
      byProcess.set(`${n}:${p.pid}`, list);
      for (const t of p.threads) {
        const id = threadId(n, p.pid, t.tid);
        list.push({ id, state: t.state });
        threads.set(id, { vertex: { id, kind: 'thread', node: n, label: `${threadName(p.name, t.name)} ${p.pid}/${t.tid}`, state: t.state }, seenOn: n, key: `${p.pid}:${t.tid}` });
        const r = REMOTE.exec(t.blocked);
        const l = r === null ? LOCAL.exec(t.blocked) : null;
        const channel = r !== null ? channelId(ndName.get(Number(r[1])) ?? `nd${r[1]}`, r[2]!, r[3]!) : l !== null ? channelId(n, l[1]!, l[2]!) : null;
        wait(id, t.state, channel);
      }
    }
  }
  // remote clients waiting here (proxies): the client's own node, when it answered, said it first
  for (const s of ok.values()) {
    for (const x of s.snapshot.proxies ?? []) {
      for (const t of x.threads) {
        const id = threadId(x.node, x.pid, t.tid);
        if (!threads.has(id)) {
          threads.set(id, { vertex: { id, kind: 'thread', node: x.node, label: `${x.node}/${x.pid} ${x.pid}/${t.tid}`, state: t.state }, seenOn: s.node, key: `${x.node}@${x.pid}:${t.tid}` });
        }
        const l = LOCAL.exec(t.blocked);
        wait(id, t.state, l === null ? null : channelId(s.node, l[1]!, l[2]!));
      }
    }
  }

  // the channels waited on, and who can serve each: any live thread of its process (one receiving
  // elsewhere may come back to receive on it, and any of them may reply: a rcvid is the process's)
  const vertices = new Map<string, GraphVertex>();
  const edges: GraphEdge[] = [];
  const serves = new Map<string, string[]>();
  const addThread = (id: string): void => {
    const t = threads.get(id);
    if (t !== undefined) vertices.set(id, t.vertex);
  };
  for (const [id, w] of waits) {
    const [node, pid, ch] = w.channel.split(':') as [string, string, string];
    const chid = ch.slice(2);
    addThread(id);
    edges.push(ok.has(node) ? { from: id, to: w.channel, kind: w.kind, status: 'up' } : { from: id, to: w.channel, kind: w.kind, status: 'down', errno: 'EHOSTDOWN' });
    if (!vertices.has(w.channel)) {
      const name = procNames.get(`${node}:${pid}`);
      vertices.set(w.channel, { id: w.channel, kind: 'channel', node, label: `${name ?? `pid ${pid}`} chid ${chid}` });
      const servers = ok.has(node) ? (byProcess.get(`${node}:${pid}`) ?? []).filter((t) => t.state !== 'DEAD').map((t) => t.id) : [];
      serves.set(w.channel, servers);
      for (const s of servers) {
        addThread(s);
        edges.push({ from: w.channel, to: s, kind: 'serves', status: 'up' });
      }
    }
  }

  const succ = (id: string): readonly string[] => {
    const w = waits.get(id);
    return w === undefined ? [] : serves.get(w.channel)!;
  };
  const { cycles, cycleOf, dist } = deadlocks([...waits.keys()].sort(), waits, succ);

  const stalls: { thread: string; for: number; root: string }[] = [];
  for (const id of [...waits.keys()].sort()) {
    const t = threads.get(id)!;
    const since = sinceOf(sinceTable, t, now);
    if (now - since < thresholdMs) continue;
    stalls.push({ thread: id, for: now - since, root: rootOf(id, waits, succ, dist, cycleOf, cycles) });
  }

  // each item in its node's data; what belongs to a node that did not answer, in the inspected node's
  const out = new Map<string, { vertices: GraphVertex[]; edges: GraphEdge[]; cycles: string[][]; stalls: GraphData['stalls'][number][] }>();
  for (const c of collection.nodes) if (c.ok) out.set(c.node, { vertices: [], edges: [], cycles: [], stalls: [] });
  const home = (node: string) => out.get(node) ?? out.get(inspected)!;
  const nodeOf = (id: string): string => vertices.get(id)?.node ?? threads.get(id)?.vertex.node ?? inspected;
  for (const v of vertices.values()) home(v.node).vertices.push(v);
  for (const e of edges) home(nodeOf(e.from)).edges.push(e);
  for (const c of cycles) home(nodeOf(c[0]!)).cycles.push(c);
  for (const s of stalls) home(nodeOf(s.thread)).stalls.push(s);
  return out;
}

function sinceOf(table: Since, t: ThreadInfo, now: number): number {
  return table.of(t.seenOn, t.key, now);
}

/**
 * Deadlocks: the threads from which no chain reaches a thread that is free (not waiting) or a
 * channel nobody serves (a node down: the wait ends in an error); each cycle among them, as the
 * strongly connected components they form. `dist`: per waiting thread, the shortest chain to
 * such an end (absent: deadlocked).
 */
function deadlocks(ids: readonly string[], waits: ReadonlyMap<string, Waiter>, succ: (id: string) => readonly string[]) {
  // reverse edges, then a breadth-first search from the ends
  const preds = new Map<string, string[]>();
  const dist = new Map<string, number>();
  const queue: string[] = [];
  for (const id of ids) {
    const s = succ(id);
    if (s.length === 0) {
      dist.set(id, 1);
      queue.push(id);
    }
    for (const to of s) {
      if (!waits.has(to) && !dist.has(to)) {
        dist.set(to, 0);
        queue.push(to);
      }
      let p = preds.get(to);
      if (p === undefined) preds.set(to, (p = []));
      p.push(id);
    }
  }
  for (let i = 0; i < queue.length; i++) {
    const at = queue[i]!;
    for (const p of preds.get(at) ?? []) {
      if (dist.has(p)) continue;
      dist.set(p, dist.get(at)! + 1);
      queue.push(p);
    }
  }
  const stuck = ids.filter((id) => !dist.has(id));
  const cycles: string[][] = [];
  const cycleOf = new Map<string, number>();
  for (const comp of components(stuck, (id) => succ(id).filter((s) => !dist.has(s)))) {
    const members = new Set(comp);
    const first = comp.slice().sort()[0]!;
    if (comp.length === 1 && !succ(first).includes(first)) continue;
    const cycle = loopThrough(first, (id) => succ(id).filter((s) => members.has(s)));
    for (const m of comp) cycleOf.set(m, cycles.length);
    cycles.push(cycle);
  }
  return { cycles, cycleOf, dist };
}

/** Strongly connected components (Tarjan's, iterative: a chain of 10,000 threads must not overflow the stack). */
function components(nodes: readonly string[], next: (id: string) => readonly string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let counter = 0;
  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: { id: string; i: number; succ: readonly string[] }[] = [];
    const push = (id: string): void => {
      index.set(id, counter);
      low.set(id, counter++);
      stack.push(id);
      onStack.add(id);
      work.push({ id, i: 0, succ: next(id) });
    };
    push(root);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      if (top.i < top.succ.length) {
        const w = top.succ[top.i++]!;
        if (!index.has(w)) push(w);
        else if (onStack.has(w)) low.set(top.id, Math.min(low.get(top.id)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]!.id;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.id)!));
      }
      if (low.get(top.id) === index.get(top.id)) {
        const comp: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          comp.push(w);
        } while (w !== top.id);
        out.push(comp);
      }
    }
  }
  return out;
}

/** The shortest cycle through `start` (each thread waits on the next; the last on `start`). */
function loopThrough(start: string, next: (id: string) => readonly string[]): string[] {
  const from = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const at = queue[i]!;
    for (const n of [...next(at)].sort()) {
      if (n === start) {
        const path = [at];
        while (path[0] !== start) path.unshift(from.get(path[0]!)!);
        return path;
      }
      if (!from.has(n)) {
        from.set(n, at);
        queue.push(n);
      }
    }
  }
  return [start];
}

/** The root of `id`'s wait chain (see {@link GraphData}). */
function rootOf(
  id: string, waits: ReadonlyMap<string, Waiter>, succ: (id: string) => readonly string[],
  dist: ReadonlyMap<string, number>, cycleOf: ReadonlyMap<string, number>, cycles: readonly string[][],
): string {
  let at = id;
  const seen = new Set<string>();
  for (;;) {
    if (!waits.has(at)) return at;
    const s = succ(at);
    if (s.length === 0) return waits.get(at)!.channel;
    const c = cycleOf.get(at);
    if (c !== undefined) return cycles[c]![0]!;
    if (seen.has(at)) return at;
    seen.add(at);
    // toward the nearest end when there is one (each step strictly nearer), else deeper into the deadlock
    let best = s[0]!;
    for (const x of s) if ((dist.get(x) ?? Infinity) < (dist.get(best) ?? Infinity)) best = x;
    at = best;
  }
}
