/**
 * A `pidin`-style view of the kernel: processes, threads, states and channel queues.
 * @packageDocumentation
 */
import { STATE_CONDVAR, STATE_DEAD, STATE_NANOSLEEP, STATE_READY, STATE_RECEIVE, STATE_REPLY, STATE_RUNNING, STATE_SEND } from './constants.js';
import type { KernelCore } from './core.js';
import { Pulse, ReceiveWait, SendWait, type Process, type Thread } from './objects.js';
import { nsToMs } from './scheduler.js';
import type { AsyncChannelSnapshot, KernelSnapshot, ThreadSnapshot, ThreadStateName } from './types.js';

const NAMES: Record<number, ThreadStateName> = {
  [STATE_DEAD]: 'DEAD',
  [STATE_RUNNING]: 'RUNNING',
  [STATE_READY]: 'READY',
  [STATE_SEND]: 'SEND',
  [STATE_RECEIVE]: 'RECEIVE',
  [STATE_REPLY]: 'REPLY',
  [STATE_NANOSLEEP]: 'NANOSLEEP',
  [STATE_CONDVAR]: 'CONDVAR',
};

/** The QNX name of a numeric thread state. */
export function stateName(state: number): ThreadStateName {
  return NAMES[state] ?? 'READY';
}

function blockedOn(t: Thread): string {
  const w = t.wait;
  if (w instanceof SendWait) {
    const r = w.conn.remote;
    return r !== null ? `nd ${r.peer.nd} pid ${r.pid} chid ${r.chid}` : `pid ${w.channel.owner.pid} chid ${w.channel.chid}`;
  }
  if (w instanceof ReceiveWait) return `chid ${w.channel.chid}`;
  return '';
}

function threadRows(p: Process): ThreadSnapshot[] {
  return [...p.threads.values()].map((t) => ({
    tid: t.tid,
    name: t.name,
    priority: t.priority,
    state: stateName(t.state),
    blocked: blockedOn(t),
  }));
}

/** How a process that has ended but still has a thread lingering is named in a snapshot (ps's mark for a zombie). */
const DEFUNCT = '<defunct>';

/**
 * Processes that have ended while a thread of theirs was REPLY-blocked on an `_NTO_CHF_UNBLOCK`
 * channel: they have left the process table, but the thread lingers (a zombie) until the server
 * answers, held in the channel's reply set (or, for a send to another node, in its peer's calls).
 */
function lingering(k: KernelCore, net: KernelCore['net']): Process[] {
  const found = new Set<Process>();
  const add = (w: SendWait): void => {
    const p = w.thread.process;
    if (!p.alive && p.nd === 0 && w.thread.zombie) found.add(p);
  };
  for (const p of k.processes.values()) for (const ch of p.channels.values()) for (const w of ch.replySet.toArray()) add(w);
  if (net !== null) for (const peer of net.allPeers()) for (const w of peer.calls.values()) add(w);
  return [...found];
}

/**
 * Every process, thread and channel queue now. A process that has ended with a thread still
 * REPLY-blocked on an `_NTO_CHF_UNBLOCK` channel is listed, named `name <defunct>`, with that
 * thread (state REPLY) and nothing else, until the server replies or errors.
 */
export function snapshot(k: KernelCore): KernelSnapshot {
  const net = k.net;
  const processes = [...k.processes.values(), ...lingering(k, net)]
    .sort((a, b) => a.pid - b.pid)
    .map((p) => ({
      pid: p.pid,
      // an ended process is listed only for its lingering threads, marked as ps marks a zombie
      name: p.alive ? p.name : `${p.name} ${DEFUNCT}`,
      uid: p.uid,
      gid: p.gid,
      threads: threadRows(p),
      channels: [...p.channels.values()].map((ch) => ({
        chid: ch.chid,
        flags: ch.flags,
        receivers: [...ch.receivers, ...ch.pulseReceivers].reverse().map((r) => r.thread.tid),
        sendQueue: ch.sendQueue.toArray().map((i) =>
          i instanceof Pulse ? `pulse ${i.code}/${i.value} @${i.priority}` : `${i.thread.process.nd !== 0 ? `nd ${i.thread.process.nd} ` : ''}pid ${i.thread.process.pid} tid ${i.thread.tid} @${i.priority}`,
        ),
        replySet: ch.replySet.toArray().map((w) => w.rcvid),
      })),
      coids: [...p.coids.keys()].sort((a, b) => a - b),
    }));
  const asyncChannels = asyncRows(k, net);
  if (net === null) return { time: k.scheduler.now(), processes, asyncChannels };
  const proxies = net.allPeers().flatMap((peer) =>
    [...peer.proxies.values()].sort((x, y) => x.pid - y.pid).map((p) => ({ node: peer.name, nd: peer.nd, pid: p.pid, threads: threadRows(p) })));
  return { time: k.scheduler.now(), processes, node: net.name, proxies, asyncChannels };
}

/** Every asynchronous channel of a live process, with its senders' rings (a remote sender's: the proxy's). */
function asyncRows(k: KernelCore, net: KernelCore['net']): AsyncChannelSnapshot[] {
  const rows: AsyncChannelSnapshot[] = [];
  for (const p of [...k.processes.values()].sort((a, b) => a.pid - b.pid)) {
    for (const ch of p.channels.values()) {
      const a = ch.async;
      if (a === null) continue;
      const connections = [...a.conns].map((c) => {
        const client = c.conn.client;
        const node = client.nd === 0 || net === null ? undefined : net.allPeers().find((peer) => peer.nd === client.nd)?.name;
        return {
          pid: client.pid,
          ...(node === undefined ? {} : { node }),
          coid: c.coid,
          fill: c.entries.length,
          ringSize: c.attr.max_num_buffer,
          pending: c.entries.length - c.visible,
          triggerCount: c.attr.trigger_num_msg,
          triggerTimeMs: nsToMs(c.attr.trigger_time.nsec),
        };
      });
      rows.push({ pid: p.pid, chid: ch.chid, visible: a.visibleTotal, connections });
    }
  }
  return rows;
}

/** Format a snapshot as a `pidin` table. */
export function formatPidin(s: KernelSnapshot): string {
  const rows = [['pid', 'tid', 'name', 'prio', 'STATE', 'Blocked']];
  for (const p of s.processes) {
    for (const t of p.threads) {
      rows.push([String(p.pid), String(t.tid), t.name === '' ? p.name : `${p.name}/${t.name}`, String(t.priority), t.state, t.blocked]);
    }
  }
  const table = layout(rows);
  const proxies = s.proxies ?? [];
  if (proxies.length === 0) return table;
  // remote clients apart: their pids are another node's
  const remote = [['node', 'pid', 'tid', 'prio', 'STATE', 'Blocked']];
  for (const p of proxies) for (const t of p.threads) remote.push([`${p.node} (nd ${p.nd})`, String(p.pid), String(t.tid), String(t.priority), t.state, t.blocked]);
  return `${table}\n\nremote clients on ${s.node ?? 'this node'}:\n${layout(remote, [1, 2, 3])}`;
}

/** Columns padded to their widest cell; `right` ones aligned right. */
function layout(rows: string[][], right: readonly number[] = [0, 1, 3]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (right.includes(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd()).join('\n');
}
