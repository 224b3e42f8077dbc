/**
 * Threads that stay blocked: a forgotten reply, a channel nobody receives on, a flush nobody
 * gets — found by watching the kernel's snapshot (pidin) on its own clock.
 * @packageDocumentation
 */
import { Observable } from 'rxjs';
import { scheduleAfter, type Kernel, type TimerHandle } from '../kernel/index.js';
import { durableStalls } from './durableStalls.js';

/** One logical thread blocked longer than the threshold (what `pidin` would show for it). */
export interface Stall {
  readonly pid: number;
  /** The process name, and the thread's after a slash (`server/rx`). */
  readonly name: string;
  readonly tid: number;
  /** SEND, REPLY, RECEIVE, CONDVAR (an async put or flush), NANOSLEEP; ACKLIMIT: a durable channel's consumer stopped at its ack limit (tid 0). */
  readonly state: string;
  /** Who blocks it, as pidin's Blocked column: `pid 1 chid 1` (a server), `chid 2` (a channel). */
  readonly blocked: string;
  /** Scheduler time (ms) when it was first seen in this state. */
  readonly since: number;
  /** How long it has been blocked (ms) when reported. */
  readonly for: number;
}

/** Options of `system.stalls()`. */
export interface StallOptions {
  /** Report a thread blocked at least this long (ms). Default 1000. */
  readonly threshold?: number;
  /** Report RECEIVE-blocked threads too (idle servers are normally waiting on purpose). Default false. */
  readonly receivers?: boolean;
}

/**
 * @internal Each thread blocked longer than `threshold`, once per blocking episode, found by
 * looking every quarter threshold (in scheduler time: virtual under a TestScheduler).
 */
export function watchStalls(kernel: Kernel, options: StallOptions = {}): Observable<Stall> {
  const threshold = options.threshold ?? 1000;
  const receivers = options.receivers ?? false;
  const period = Math.max(1, Math.floor(threshold / 4));
  return new Observable<Stall>((subscriber) => {
    // "pid:tid" → the episode: state and blocker, since when, reported yet
    const seen = new Map<string, { key: string; since: number; told: boolean }>();
    let timer: TimerHandle | null = null;
    const look = (): void => {
      const now = kernel.scheduler.now();
      const alive = new Set<string>();
      for (const p of kernel.snapshot().processes) {
        for (const t of p.threads) {
          if (t.blocked === '' || (!receivers && t.state === 'RECEIVE')) continue;
          const id = `${p.pid}:${t.tid}`;
          const key = `${t.state} ${t.blocked}`;
          alive.add(id);
          let ep = seen.get(id);
          if (ep === undefined || ep.key !== key) seen.set(id, (ep = { key, since: now, told: false }));
          if (!ep.told && now - ep.since >= threshold) {
            ep.told = true;
            subscriber.next({ pid: p.pid, name: t.name === '' ? p.name : `${p.name}/${t.name}`, tid: t.tid, state: t.state, blocked: t.blocked, since: ep.since, for: now - ep.since });
          }
        }
      }
      // a durable consumer at its ack limit stops delivering silently: a stall too (issue 25)
      for (const d of durableStalls(kernel)) {
        alive.add(d.id);
        let ep = seen.get(d.id);
        if (ep === undefined || ep.key !== d.key) seen.set(d.id, (ep = { key: d.key, since: d.since, told: false }));
        if (!ep.told && now - ep.since >= threshold) {
          ep.told = true;
          subscriber.next({ pid: d.pid, name: d.name, tid: 0, state: 'ACKLIMIT', blocked: d.blocked, since: ep.since, for: now - ep.since });
        }
      }
      for (const id of seen.keys()) if (!alive.has(id)) seen.delete(id);
      timer = scheduleAfter(kernel.scheduler, look, period);
    };
    look();
    return () => timer?.unsubscribe();
  });
}
