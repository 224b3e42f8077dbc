/**
 * Worker nodes: the main side starts a worker as a node and links it (`startWorkerNode`); the
 * worker joins with one call (`joinParent`). Node's `worker_threads` and browser `Worker`s alike:
 * Node's module is reached through `process.getBuiltinModule`, never imported, so this file
 * loads in a browser.
 * @packageDocumentation
 */
import { KernelError, type Kernel, type KernelScheduler, type NetOptions } from '../../kernel/index.js';
import { createSystem, type System } from '../../rx/System.js';
import { kernelOf, type HasKernel } from '../hasKernel.js';
import { portLink, type PortLike, type PortLinkOptions } from './portLink.js';
import { RingLink, makeRing, ringsAvailable } from './ringLink.js';

/** The first message on a worker's parent port: who it is, who its parent is, and its link. */
const HELLO = 'rxnto.join';
/** A port to another worker of the parent's mesh, sent on the worker's link port. */
const PEER = 'rxnto.peer';

/** The workers each parent started and still reaches: the mesh it brokers. */
const meshes = new WeakMap<Kernel, Array<{ readonly node: string; readonly port: PortLike }>>();

/**
 * Link the new worker `node` (its parent-side port `port`) with every other worker of `k`'s
 * mesh: one `MessageChannel` per pair, a port to each (no multi-hop: every pair is direct).
 */
function joinMesh(k: Kernel, node: string, port: PortLike, newChannel: () => { port1: PortLike; port2: PortLike }): () => void {
  let mesh = meshes.get(k);
  if (mesh === undefined) meshes.set(k, (mesh = []));
  for (const other of mesh) {
    const { port1, port2 } = newChannel();
    other.port.postMessage({ [PEER]: { node, port: port1 } }, [port1]);
    port.postMessage({ [PEER]: { node: other.node, port: port2 } }, [port2]);
  }
  const entry = { node, port };
  mesh.push(entry);
  return () => {
    const i = mesh.indexOf(entry);
    if (i >= 0) mesh.splice(i, 1);
  };
}

interface JoinMessage {
  readonly [HELLO]: {
    readonly node: string;
    readonly parent: string;
    readonly port: PortLike;
    /** The shared rings, parent → worker and worker → parent, when both sides share memory. */
    readonly rings: readonly [SharedArrayBuffer, SharedArrayBuffer] | null;
  };
}

/** Node's `worker_threads`, when this runs in Node. */
interface WorkerThreads {
  readonly Worker: new (url: URL | string, options?: { type?: string; workerData?: unknown }) => NodeWorkerLike;
  readonly MessageChannel: new () => { port1: PortLike; port2: PortLike };
  readonly parentPort: (PortLike & { on?: (type: string, l: (v: unknown) => void) => void; once?: (type: string, l: (v: unknown) => void) => void }) | null;
}

interface NodeWorkerLike {
  postMessage(message: unknown, transfer?: readonly unknown[]): void;
  on(type: 'exit' | 'error', listener: (v: unknown) => void): void;
  terminate(): Promise<number> | void;
  unref?(): void;
}

interface BrowserWorkerLike {
  postMessage(message: unknown, transfer: readonly unknown[]): void;
  addEventListener(type: 'error', listener: (e: { readonly message?: string }) => void): void;
  terminate(): void;
}

function workerThreads(): WorkerThreads | null {
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return (p?.getBuiltinModule?.('node:worker_threads') as WorkerThreads | undefined) ?? null;
}


/** Options of {@link startWorkerNode}. */
export interface StartWorkerOptions extends PortLinkOptions {
  /**
   * Carry frames in `SharedArrayBuffer` rings woken by `Atomics.waitAsync` (default: when the
   * platform has both; browsers need cross-origin isolation for shared memory). `false`: always
   * `postMessage` with transferred buffers.
   */
  readonly ring?: boolean;
  /** The worker's node name (default `w1`, `w2`, … in start order). */
  readonly node?: string;
  /** Passed to the worker (Node: `workerData`). */
  readonly workerData?: unknown;
  /**
   * Keep this process alive for as long as the worker runs (Node). Default `false`: only while a
   * call (or an asynchronous message) crosses to or from it, so that a program whose work is done
   * exits. Set it when this side waits for the worker to call it (a server on the main thread).
   */
  readonly keepAlive?: boolean;
}

/** A worker started as a node: its name, and `terminate()` (its clients then get EHOSTDOWN). */
export interface WorkerNode {
  readonly node: string;
  terminate(): Promise<void>;
}

let started = 0;

/**
 * Start the module at `url` in a worker (Node `worker_threads`, or a browser module `Worker`) as
 * a node linked to `parent` (a node: made with a `node` name). The worker calls
 * {@link joinParent}. The worker's exit or error is the link's down signal: whoever waited on it
 * gets EHOSTDOWN at once, not at the liveness bound.
 *
 * @example
 * ```ts
 * const main = createSystem({ node: 'main' });
 * const w = startWorkerNode(main, new URL('./server.mjs', import.meta.url), { node: 'w1' });
 * main.process().open('upper', { global: true, codec: utf8 }).pipe(switchMap((c) => c.send('hi')));
 * ```
 */
export function startWorkerNode(parent: HasKernel, url: URL | string, options: StartWorkerOptions = {}): WorkerNode {
  const k = kernelOf(parent);
  if (k.node === null) throw new TypeError('startWorkerNode: the parent must be a node (make it with a node name)');
  const node = options.node ?? `w${++started}`;
  const wt = workerThreads();
  const newChannel = (): { port1: PortLike; port2: PortLike } => (wt !== null ? new wt.MessageChannel() : new MessageChannel()) as unknown as { port1: PortLike; port2: PortLike };
  const channel = newChannel();
  const rings = options.ring !== false && ringsAvailable() ? ([makeRing(), makeRing()] as const) : null;
  const link = rings !== null ? new RingLink(channel.port1, rings[0], rings[1]) : portLink(channel.port1, options);
  // the main side lets the process exit while no call crosses (the worker's own side never does)
  link.unrefWhenIdle = options.keepAlive !== true;
  k.addLink(link, node);
  const leave = joinMesh(k, node, channel.port1, newChannel);
  link.onDown(leave);
  const join: JoinMessage = { [HELLO]: { node, parent: k.node, port: channel.port2 as PortLike, rings } };
  if (wt !== null) {
    const worker = new wt.Worker(url, { workerData: options.workerData });
    if (options.keepAlive !== true) worker.unref?.(); // its link's port keeps the process alive while calls cross (or it connects)
    worker.postMessage(join, [channel.port2]);
    worker.on('exit', (code) => link.down(`worker exited (${String(code)})`));
    worker.on('error', (e) => link.down(`worker failed: ${String(e)}`));
    // the link goes down first: its reason is the terminate, whichever of exit and close comes first
    return { node, terminate: async () => { link.down('worker terminated'); await worker.terminate(); } };
  }
  const BrowserWorker = (globalThis as { Worker?: new (url: URL | string, options: { type: string }) => BrowserWorkerLike }).Worker;
  if (BrowserWorker === undefined) throw new KernelError('ENOTSUP', 'startWorkerNode', undefined, { reason: 'no Worker here' });
  const worker = new BrowserWorker(url, { type: 'module' });
  worker.postMessage(join, [channel.port2]);
  worker.addEventListener('error', (e) => link.down(`worker failed: ${e.message ?? 'error'}`));
  return {
    node,
    terminate: async () => {
      link.down('worker terminated');
      worker.terminate();
    },
  };
}

/** Options of {@link joinParent}. */
export interface JoinOptions extends PortLinkOptions {
  /** The time source (default: RxJS's `asyncScheduler`). */
  readonly scheduler?: KernelScheduler;
  /** Liveness and size settings of this node. */
  readonly net?: Omit<NetOptions, 'node'>;
  readonly onUnhandledError?: (error: unknown) => void;
}

/**
 * In a worker started by {@link startWorkerNode}: become the node it names, linked to the parent,
 * and get its {@link System} (its kernel is `system.kernel`, for `useKernel` in C ports).
 */
export function joinParent(options: JoinOptions = {}): Promise<System> {
  const wt = workerThreads();
  const port: PortLike | null = wt !== null ? wt.parentPort : (globalThis as unknown as PortLike);
  if (port === null || typeof port.addEventListener !== 'function') {
    return Promise.reject(new KernelError('ENOTSUP', 'joinParent', undefined, { reason: 'not in a worker started by startWorkerNode' }));
  }
  return new Promise<System>((resolve) => {
    const onJoin = (e: { readonly data: unknown }): void => {
      const j = (e.data as Partial<JoinMessage> | null)?.[HELLO];
      if (j === undefined) return;
      const system = createSystem({ ...options, node: j.node });
      // the parent's rings, the other way round (its tx is our rx), or the port itself
      system.kernel.addLink(j.rings !== null ? new RingLink(j.port, j.rings[1], j.rings[0]) : portLink(j.port, options), j.parent);
      // the parent brokers a direct link to every other worker it starts (a full mesh)
      j.port.addEventListener('message', (m) => {
        const peer = (m.data as { [PEER]?: { node: string; port: PortLike } } | null)?.[PEER];
        if (peer !== undefined) system.kernel.addLink(portLink(peer.port, options), peer.node);
      });
      resolve(system);
    };
    port.addEventListener('message', onJoin);
    port.start?.();
  });
}
