/**
 * The views made of one node's snapshot: its threads (pidin, with the time in state), its
 * channels (the three queues, the asynchronous rings), and the inspected node's peers.
 * @internal
 * @packageDocumentation
 */
import type { Kernel, NetStats } from '../kernel/index.js';
import type { NodeSnapshot } from './network.js';
import type { ChannelsData, NodeRow, NodesData, PidinData, ThreadRow } from './protocol.js';
import type { Since } from './since.js';

/** The id of thread `tid` of `pid` on `node` (a graph vertex, a stall's thread). */
export const threadId = (node: string, pid: number, tid: number): string => `${node}:${pid}:${tid}`;

/** `process/thread` as pidin names it. */
export const threadName = (process: string, thread: string): string => (thread === '' ? process : `${process}/${thread}`);

/** Look at every thread of `s` (updating `since`), local ones and the remote clients waiting here. */
export function lookAt(s: NodeSnapshot, since: Since, now: number): ThreadRow[] {
  const look = since.look(s.node, now);
  const rows: ThreadRow[] = [];
  for (const p of s.snapshot.processes) {
    for (const t of p.threads) {
      const at = look.see(`${p.pid}:${t.tid}`, t.state, t.blocked);
      rows.push({ pid: p.pid, tid: t.tid, name: threadName(p.name, t.name), priority: t.priority, state: t.state, blocked: t.blocked, since: at });
    }
  }
  for (const x of s.snapshot.proxies ?? []) {
    for (const t of x.threads) {
      const at = look.see(`${x.node}@${x.pid}:${t.tid}`, t.state, t.blocked);
      rows.push({ pid: x.pid, tid: t.tid, name: threadName(`${x.node}/${x.pid}`, t.name), priority: t.priority, state: t.state, blocked: t.blocked, since: at, remoteNode: x.node });
    }
  }
  look.done();
  return rows;
}

/** `GET /api/v1/pidin` of one node. */
export function pidinData(s: NodeSnapshot, since: Since, now: number): PidinData {
  return { threads: lookAt(s, since, now) };
}

/** `GET /api/v1/channels` of one node. */
export function channelsData(s: NodeSnapshot): ChannelsData {
  const names = new Map(s.snapshot.processes.map((p) => [p.pid, p.name]));
  const channels = s.snapshot.processes.flatMap((p) => p.channels.map((ch) => ({
    pid: p.pid, process: p.name, chid: ch.chid, flags: ch.flags, receivers: ch.receivers, sendQueue: ch.sendQueue, replySet: ch.replySet,
  })));
  const asyncChannels = (s.snapshot.asyncChannels ?? []).map((a) => ({
    pid: a.pid, process: names.get(a.pid) ?? '', chid: a.chid, visible: a.visible,
    // field by field: the v1 wire shape is its own (a field the kernel adds is not sent unannounced)
    connections: a.connections.map((c) => ({
      pid: c.pid, coid: c.coid, fill: c.fill, ringSize: c.ringSize, pending: c.pending, triggerCount: c.triggerCount, triggerTimeMs: c.triggerTimeMs,
      ...(c.node === undefined ? {} : { node: c.node }),
    })),
  }));
  return { channels, asyncChannels };
}

/** Per peer: why it is in its state, and what was dropped from it, as the inspector heard (`onNet`). */
export class NodeNotes {
  readonly reasons = new Map<string, string>();
  readonly drops = new Map<string, Record<string, number>>();
  /** Nodes noted at most (a flood of forged names must not grow the inspector without bound). */
  private static readonly MAX = 1024;

  reason(node: string, reason: string): void {
    if (this.reasons.has(node) || this.reasons.size < NodeNotes.MAX) this.reasons.set(node, reason);
  }

  drop(node: string, reason: string): void {
    let d = this.drops.get(node);
    if (d === undefined) {
      if (this.drops.size >= NodeNotes.MAX) return;
      this.drops.set(node, (d = {}));
    }
    d[reason] = (d[reason] ?? 0) + 1;
  }
}

/** `GET /api/v1/nodes`: the inspected node (state `self`) and its peers. */
export function nodesData(kernel: Kernel, notes: NodeNotes): NodesData {
  const self = kernel.node ?? 'local';
  let stats: NetStats | null = null;
  try {
    stats = kernel.net === null ? null : kernel.netStats();
  } catch {
    stats = null;
  }
  const me: NodeRow = {
    node: self, nd: 0, state: 'self', reason: '', incarnation: stats?.incarnation ?? 0, rttMs: null, missedBeats: 0, inFlight: 0, window: 0,
    drops: stats === null ? {} : { ...stats.drops },
  };
  const peers = (stats?.peers ?? []).map((p): NodeRow => ({
    node: p.node, nd: p.nd, state: p.state, reason: notes.reasons.get(p.node) ?? '', incarnation: p.incarnation, rttMs: p.rttMs,
    missedBeats: p.missedBeats, inFlight: p.windowInUse, window: p.window, drops: { ...notes.drops.get(p.node) },
  }));
  return { self, peers: [me, ...peers] };
}
