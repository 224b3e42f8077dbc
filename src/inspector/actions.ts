/**
 * `POST /api/v1/actions/{kill,unblock,pulse}` (only with `allowWrite: true`): each is traced as
 * an `inspector` event, then done through the kernel's own calls, so the trace shows what
 * followed (the death, the unblock, the pulse).
 * @internal
 * @packageDocumentation
 */
import { isKernelError, type Kernel, type Process, type Thread } from '../kernel/index.js';
import { _NTO_SIDE_CHANNEL } from '../kernel/constants.js';
import { HttpError, intField } from './http.js';
import { INSPECTOR_PROTOCOL, type ActionAnswer, type ActionRequest } from './protocol.js';

const ACTIONS = ['kill', 'unblock', 'pulse'] as const;
const PID_MAX = 0x7fffffff;
const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;

/** Whether `name` is an action. */
export function isAction(name: string): name is ActionRequest['action'] {
  return (ACTIONS as readonly string[]).includes(name);
}

export class Actions {
  /** The process pulses come from (made on the first pulse), its thread, and its connections by `pid:chid`. */
  private sender: { p: Process; t: Thread; coids: Map<string, number> } | null = null;

  constructor(private readonly kernel: Kernel) {}

  /** Check `body` for action `name`, trace it, do it. 400 for a bad body, 404 for no such process, thread or channel, 409 for another kernel error. */
  run(name: ActionRequest['action'], body: Record<string, unknown>): ActionAnswer {
    if (body['action'] !== undefined && body['action'] !== name) throw new HttpError(400, `the body's action (${String(body['action'])}) is not the path's (${name})`);
    const req = this.parse(name, body);
    try {
      this.perform(req);
    } catch (e) {
      if (!isKernelError(e)) throw e;
      throw new HttpError(e.code === 'ESRCH' || e.code === 'EBADF' ? 404 : 409, e.message, e.code);
    }
    return { version: INSPECTOR_PROTOCOL, ok: true, action: name, time: this.kernel.scheduler.now() };
  }

  /** End the pulse sender, if one was made. */
  close(): void {
    const s = this.sender;
    this.sender = null;
    if (s !== null && s.p.alive) this.kernel.processExit(s.p);
  }

  private parse(name: ActionRequest['action'], b: Record<string, unknown>): ActionRequest {
    const pid = intField(b, 'pid', 1, PID_MAX);
    if (name === 'kill') return { action: name, pid };
    if (name === 'unblock') return { action: name, pid, tid: intField(b, 'tid', 1, PID_MAX) };
    return { action: name, pid, chid: intField(b, 'chid', 1, PID_MAX), code: intField(b, 'code', -128, 127), value: intField(b, 'value', INT32_MIN, INT32_MAX) };
  }

  private process(pid: number): Process {
    const p = this.kernel.getProcess(pid);
    if (p === undefined || !p.alive) throw new HttpError(404, `no process ${pid}`, 'ESRCH');
    return p;
  }

  private trace(target: Process | Thread, detail: Record<string, number | string>): void {
    const core = this.kernel.core;
    if (core.tracer !== null) core.trace('inspector', target, detail);
  }

  private perform(req: ActionRequest): void {
    const kernel = this.kernel;
    switch (req.action) {
      case 'kill': {
        const p = this.process(req.pid);
        this.trace(p, { action: 'kill' });
        kernel.processExit(p);
        return;
      }
      case 'unblock': {
        const t = this.process(req.pid).threads.get(req.tid);
        if (t === undefined || !t.alive) throw new HttpError(404, `no thread ${req.tid} in process ${req.pid}`, 'ESRCH');
        if (t.wait === null) throw new HttpError(409, `thread ${req.pid}/${req.tid} is not blocked`);
        this.trace(t, { action: 'unblock' });
        kernel.unblock(t);
        return;
      }
      case 'pulse': {
        this.process(req.pid);
        const s = this.pulseSender();
        const key = `${req.pid}:${req.chid}`;
        this.trace(s.t, { action: 'pulse', to: req.pid, chid: req.chid, code: req.code, value: req.value });
        let coid = s.coids.get(key);
        if (coid === undefined) {
          coid = kernel.connectAttach(s.t, 0, req.pid, req.chid, _NTO_SIDE_CHANNEL, 0);
          s.coids.set(key, coid);
        }
        try {
          kernel.msgSendPulse(s.t, coid, -1, req.code, req.value);
        } catch (e) {
          // a channel gone since: its connection goes too, the next pulse attaches again
          s.coids.delete(key);
          kernel.connectDetach(s.t, coid);
          throw e;
        }
      }
    }
  }

  private pulseSender(): { p: Process; t: Thread; coids: Map<string, number> } {
    if (this.sender === null || !this.sender.p.alive) {
      const p = this.kernel.createProcess({ name: 'inspector' });
      this.sender = { p, t: this.kernel.createThread(p, { name: 'actions' }), coids: new Map() };
    }
    return this.sender;
  }
}
