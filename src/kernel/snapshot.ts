/**
 * A `pidin`-style view of the kernel: processes, threads, states and channel queues.
 * @packageDocumentation
 */
import { STATE_CONDVAR, STATE_DEAD, STATE_NANOSLEEP, STATE_READY, STATE_RECEIVE, STATE_REPLY, STATE_RUNNING, STATE_SEND } from './constants.js';
import type { KernelCore } from './core.js';
import { Pulse, ReceiveWait, SendWait, type Thread } from './objects.js';
import type { KernelSnapshot, ThreadStateName } from './types.js';

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

export function snapshot(k: KernelCore): KernelSnapshot {
  const processes = [...k.processes.values()]
    .sort((a, b) => a.pid - b.pid)
    .map((p) => ({
      pid: p.pid,
      name: p.name,
      uid: p.uid,
      gid: p.gid,
      threads: [...p.threads.values()].map((t) => ({
        tid: t.tid,
        name: t.name,
        priority: t.priority,
        state: stateName(t.state),
        blocked: blockedOn(t),
      })),
      channels: [...p.channels.values()].map((ch) => ({
        chid: ch.chid,
        flags: ch.flags,
        receivers: [...ch.receivers, ...ch.pulseReceivers].reverse().map((r) => r.thread.tid),
        sendQueue: ch.sendQueue.toArray().map((i) =>
          i instanceof Pulse ? `pulse ${i.code}/${i.value} @${i.priority}` : `pid ${i.thread.process.pid} tid ${i.thread.tid} @${i.priority}`,
        ),
        replySet: ch.replySet.toArray().map((w) => w.rcvid),
      })),
      coids: [...p.coids.keys()].sort((a, b) => a - b),
    }));
  return { time: k.scheduler.now(), processes };
}

/** Format a snapshot as a `pidin` table. */
export function formatPidin(s: KernelSnapshot): string {
  const rows = [['pid', 'tid', 'name', 'prio', 'STATE', 'Blocked']];
  for (const p of s.processes) {
    for (const t of p.threads) {
      rows.push([String(p.pid), String(t.tid), t.name === '' ? p.name : `${p.name}/${t.name}`, String(t.priority), t.state, t.blocked]);
    }
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c < 2 || c === 3 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd()).join('\n');
}
