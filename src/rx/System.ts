import { Observable } from 'rxjs';
import { formatPidin, type Kernel, type KernelSnapshot, type NetStats, type NodeEvent, type NodeInfo, type ProcessOptions, type TraceEvent } from '../kernel/index.js';
import { createKernel, type CreateKernelOptions } from './createKernel.js';
import { RxProcess } from './RxProcess.js';
import { watchStalls, type Stall, type StallOptions } from './stalls.js';

/**
 * A kernel with its RxJS face: make processes, then channels and connections from them.
 *
 * @example
 * ```ts
 * const system = createSystem();            // real time; pass { scheduler } for virtual time
 * const server = system.process({ name: 'server' });
 * const client = system.process({ name: 'client' });
 * const ch = server.channel({ codec: utf8 });
 * ch.pipe(messages(), replyWith((s) => s.toUpperCase())).subscribe();
 * client.connect(ch, { codec: utf8 }).send('hi').subscribe((r) => console.log(r.data)); // HI
 * ```
 */
export class System {
  /** A stream of every kernel trace event while subscribed. */
  readonly trace$: Observable<TraceEvent>;

  constructor(readonly kernel: Kernel) {
    this.trace$ = new Observable<TraceEvent>((subscriber) => kernel.onTrace((e) => subscriber.next(e)));
  }

  /** Start a process (a fresh pid; uid 0 and every ability unless told otherwise). */
  process(options: ProcessOptions = {}): RxProcess {
    return new RxProcess(this.kernel, this.kernel.createProcess(options));
  }

  /**
   * Threads blocked a second or more (a forgotten reply, a channel nobody receives on, a flush
   * nobody gets), each once per blocking episode, with who blocks whom (pidin's Blocked column).
   * The snapshot is taken every quarter threshold on the kernel's clock, so a stall is reported
   * between one and one and a quarter thresholds after it began, never before.
   * RECEIVE-blocked servers are idle on purpose and left out; see {@link System.stalls}.
   *
   * @example
   * ```ts
   * system.stalls$.subscribe((s) => console.warn(`${s.name} ${s.state}-blocked on ${s.blocked} for ${s.for} ms`));
   * ```
   */
  get stalls$(): Observable<Stall> {
    return watchStalls(this.kernel);
  }

  /** {@link System.stalls$} with another threshold (ms), or with RECEIVE-blocked threads too. */
  stalls(options: StallOptions = {}): Observable<Stall> {
    return watchStalls(this.kernel, options);
  }

  /** This system's node name, or null when it is not a node (made without `node`). */
  get node(): string | null {
    return this.kernel.node;
  }

  /**
   * `netmgr_strtond`: this kernel's nd for node `name` (0 for itself). An nd is a local handle,
   * not the same on every node: pass names between nodes, not nds. ENOTSUP when not a node.
   */
  nd(name: string): number {
    return this.kernel.netmgrStrtond(name).nd;
  }

  /** The peer nodes this system knows, with their state. */
  nodes(): NodeInfo[] {
    return this.kernel.nodes();
  }

  /**
   * The node's counters (frames and bytes in and out, drops by reason, per peer: state,
   * incarnation, round trip, missed beats, window in use). ENOTSUP when the system is not a node.
   */
  netStats(): NetStats {
    return this.kernel.netStats();
  }

  /**
   * Peers coming up and going down, with the reason (up: `'hello'`, or `'healed'` for a new
   * session with the same incarnation after a quarantine; down: `'heartbeat'`, `'closed: …'`,
   * `'sequence gap'`, `'restarted'`, `'session reset'`), and turning `suspect` while their transport reconnects (then
   * `up` with `'recovered'`, or down at the heartbeat bound): the node monitor. Hot: events from the subscription on.
   * Errors with ENOTSUP when the system is not a node.
   */
  get nodes$(): Observable<NodeEvent> {
    return new Observable<NodeEvent>((subscriber) => {
      try {
        return this.kernel.onNet((e) => { if (e.type === 'node') subscriber.next(e.event); });
      } catch (e) {
        subscriber.error(e);
        return undefined;
      }
    });
  }

  /** Processes, threads, states and queues now. */
  snapshot(): KernelSnapshot {
    return this.kernel.snapshot();
  }

  /** The snapshot as a `pidin` table. */
  pidin(): string {
    return formatPidin(this.kernel.snapshot());
  }
}

/** A new {@link System} on a new kernel (see {@link createKernel} for the options). */
export function createSystem(options: CreateKernelOptions = {}): System {
  return new System(createKernel(options));
}
