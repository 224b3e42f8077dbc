/**
 * The end of logical threads and processes, and the clean-up the model runs for them.
 * @internal
 * @packageDocumentation
 */
import { _NTO_CHF_THREAD_DEATH, _NTO_CHF_UNBLOCK, _PULSE_CODE_THREADDEATH, STATE_DEAD, STATE_REPLY } from './constants.js';
import { destroyChannel } from './channels.js';
import { detachEntry } from './connections.js';
import type { KernelCore } from './core.js';
import { ERRNO } from './errno.js';
import { ReceiveWait, SendWait, type Process, type Thread } from './objects.js';
import { kernelPulse } from './pulseDelivery.js';
import { setLastChannel } from './priority.js';
import { exitAsync } from './asyncTeardown.js';
import { unregister } from './names.js';
import { releaseReceiver, releaseSender, releaseSleeper, requestUnblock } from './release.js';

/**
 * End thread `t`. Its blocked call is abandoned (its continuation never runs: the thread is
 * gone), except a REPLY wait on an UNBLOCK channel, where the thread lingers as a zombie
 * until the server answers the unblock pulse. `notify` sends the thread-death pulse.
 */
export function threadExit(k: KernelCore, t: Thread, notify: boolean): void {
  if (!t.alive) return;
  t.alive = false;
  t.timeout = null;
  k.dropCompletionsOf(t);
  setLastChannel(t, null);
  const w = t.wait;
  if (w instanceof SendWait && w.net !== null && w.net.client) {
    // the server node decides (qnet.md §2): the thread lingers until its answer arrives
    t.zombie = true;
    k.net!.cancel(w);
  } else if (w instanceof SendWait) {
    if (t.state === STATE_REPLY && (w.channel.flags & _NTO_CHF_UNBLOCK) !== 0 && w.channel.alive && w.channel.owner.alive) {
      t.zombie = true;
      requestUnblock(k, w, ERRNO.EINTR);
    } else {
      releaseSender(k, w, ERRNO.ESRCH, 0);
    }
  } else if (w instanceof ReceiveWait) {
    releaseReceiver(k, w, ERRNO.ESRCH);
  } else if (w !== null) {
    releaseSleeper(k, w, ERRNO.ESRCH);
  }
  if (k.tracer !== null) k.trace('death', t, { what: 'thread' });
  if (!t.zombie) {
    t.state = STATE_DEAD;
    t.process.threads.delete(t.tid);
  }
  const hook = t.onExit;
  if (hook !== null) {
    t.onExit = null;
    k.complete({ done: hook, err: 0, result: 0, aux: 0 }, 0, 0);
  }
  const p = t.process;
  const dc = p.deathChannel;
  if (notify && p.alive && dc !== null && (dc.flags & _NTO_CHF_THREAD_DEATH) !== 0) {
    kernelPulse(k, dc, _PULSE_CODE_THREADDEATH, t.tid, t.priority, -1);
  }
}

/** End process `p`: threads, channels, connections, timers and names, in the model's order. */
export function processExit(k: KernelCore, p: Process, status: number): void {
  if (!p.alive) return;
  p.alive = false;
  p.exitStatus = status;
  const prio = p.priority;
  for (const t of [...p.threads.values()]) threadExit(k, t, false);
  exitAsync(k, p);
  for (const ch of [...p.channels.values()]) destroyChannel(k, ch, prio);
  for (const coid of [...p.coids.keys()]) detachEntry(k, p, coid, prio);
  for (const conn of [...p.scoids.values()]) {
    conn.serverSide = 'freed';
  }
  p.scoids.clear();
  for (const timer of p.timers.values()) timer.handle?.unsubscribe();
  p.timers.clear();
  if (p.nd === 0) for (const [path, entry] of k.paths) if (entry.pid === p.pid) unregister(k, path, entry);
  if (k.tracer !== null) k.trace('death', p, { what: 'process', status });
  // a proxy (a remote client) is in no process table: its pid is another node's
  if (p.nd === 0) k.processes.delete(p.pid);
}
