/// <reference lib="dom" />
/**
 * Process and thread names, learnt from pidin answers (`process/thread`), for the timeline's
 * lanes and the exports.
 * @packageDocumentation
 */
import type { ViewAnswer } from '../protocol.js';
import { flattenPidin } from './pidinRows.js';

export class NameBook {
  private readonly processes = new Map<string, string>();
  private readonly threads = new Map<string, string>();

  /** Learn the names in a pidin answer. */
  learn(answer: ViewAnswer<unknown>): void {
    for (const r of flattenPidin(answer).rows) {
      const slash = r.name.indexOf('/');
      this.processes.set(`${r.node}|${r.pid}`, slash < 0 ? r.name : r.name.slice(0, slash));
      this.threads.set(`${r.node}|${r.pid}|${r.tid}`, slash < 0 ? '' : r.name.slice(slash + 1));
    }
  }

  process(node: string, pid: number): string | undefined {
    return this.processes.get(`${node}|${pid}`);
  }

  /** The thread's own name, or undefined (unknown or unnamed). */
  thread(node: string, pid: number, tid: number): string | undefined {
    return this.threads.get(`${node}|${pid}|${tid}`) || undefined;
  }

  /** `server/rx`, `server tid 2`, or `pid 3 tid 2`. */
  lane(node: string, pid: number, tid: number): string {
    const p = this.process(node, pid);
    if (tid === 0) return p ?? `pid ${pid}`;
    const t = this.thread(node, pid, tid);
    if (p === undefined) return `pid ${pid} tid ${tid}`;
    return t === undefined ? `${p} tid ${tid}` : `${p}/${t}`;
  }

  /** Whether the lane's process is known. */
  knows(node: string, pid: number): boolean {
    return pid === 0 || this.processes.has(`${node}|${pid}`);
  }
}
