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
import { RingLink } from './ringLink.js';
import { makeRing, ringsAvailable, ringWaits, type RingLinkOptions } from './ring.js';

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
    /** The worker's data (browsers: Node passes it as the `Worker`'s own `workerData`). */
    readonly data?: unknown;
  };
}

/** Node's `worker_threads`, when this runs in Node. */
interface WorkerThreads {
  readonly Worker: new (url: URL | string, options?: NodeWorkerOptions) => NodeWorkerLike;
  readonly MessageChannel: new () => { port1: PortLike; port2: PortLike };
  readonly parentPort: (PortLike & { on?: (type: string, l: (v: unknown) => void) => void; once?: (type: string, l: (v: unknown) => void) => void }) | null;
  /** The `workerData` this worker was started with (`undefined` without, `null` on the main thread). */
  readonly workerData: unknown;
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


/** Node's `resourceLimits` of a worker (MB; Node's defaults where left out). */
export interface WorkerResourceLimits {
  /** The main heap's ceiling. */
  readonly maxOldGenerationSizeMb?: number;
  /** The heap space for recently created objects. */
  readonly maxYoungGenerationSizeMb?: number;
  /** The space for generated code. */
  readonly codeRangeSizeMb?: number;
  /** The thread's stack (default 4). */
  readonly stackSizeMb?: number;
}

/**
 * The options of a Node `worker_threads` `Worker` that {@link startWorkerNode} passes on (the
 * `Worker` itself stays the link's: no `eval`, `stdin`/`stdout`/`stderr` or `transferList`).
 * Browser-only options (`type`, `credentials`) are a type error here.
 *
 * A TypeScript worker runs under tsx with `execArgv: ['--import', 'tsx']` where tsx hooks worker
 * threads (tsx 4.23: Node ≥ 22.22.3, 24.11.1 or 25.1; on Node 20 it hooks the main thread only,
 * and such a worker fails with ERR_UNKNOWN_FILE_EXTENSION): there, start a `.mjs` launcher that
 * imports the `.ts` through tsx's API, `await tsImport(process.argv[2], import.meta.url)` (from
 * `tsx/esm/api`), with `argv: [tsUrl.href]`.
 *
 * @example
 * ```ts
 * // a TypeScript worker under tsx, with its own environment and a heap ceiling
 * startWorkerNode(main, new URL('./server.ts', import.meta.url), {
 *   worker: {
 *     execArgv: ['--import', 'tsx'],
 *     env: { ...process.env, LOG: 'debug' },
 *     resourceLimits: { maxOldGenerationSizeMb: 256 },
 *     workerData: { shard: 3 },
 *   },
 * });
 * ```
 */
export interface NodeWorkerOptions<D = unknown> {
  /** Node's flags for the worker (default: the parent's `process.execArgv`), e.g. `['--import', 'tsx']`. */
  readonly execArgv?: readonly string[];
  /** Appended to the worker's `process.argv`. */
  readonly argv?: readonly unknown[];
  /**
   * The worker's `process.env` (default: a copy of the parent's), or `SHARE_ENV` from
   * `node:worker_threads` for the parent's own (changes seen both ways).
   */
  readonly env?: Readonly<Record<string, string | undefined>> | symbol;
  /** Heap and stack limits: a worker past them ends (its link goes down, clients get EHOSTDOWN). */
  readonly resourceLimits?: WorkerResourceLimits;
  /** Appended to the worker's thread title, for debugging. */
  readonly name?: string;
  /** Cloned to the worker: Node's `workerData`, and `system.workerData` from {@link joinParent}. */
  readonly workerData?: D;
  readonly type?: never;
  readonly credentials?: never;
}

/**
 * The options of a browser `Worker` that {@link startWorkerNode} passes on, and its data.
 * Node-only options (`execArgv`, `argv`, `env`, `resourceLimits`) are a type error here.
 *
 * @example
 * ```ts
 * // a module worker (the default) named for the devtools, with its data
 * startWorkerNode(main, new URL('./server.js', import.meta.url), {
 *   worker: { type: 'module', name: 'server', workerData: { shard: 3 } },
 * });
 * ```
 */
export interface BrowserWorkerOptions<D = unknown> {
  /** `'module'` (the default: an ES module that imports `rxnto/worker`) or `'classic'` (a bundled script). */
  readonly type?: 'module' | 'classic';
  /** The worker's name (its `self.name`, shown in devtools). */
  readonly name?: string;
  /** Credentials for fetching a module worker's script (default `'same-origin'`). */
  readonly credentials?: 'omit' | 'same-origin' | 'include';
  /**
   * Cloned to the worker in the first message of the handshake: `system.workerData` from
   * {@link joinParent} (browsers have no `workerData` of their own).
   */
  readonly workerData?: D;
  readonly execArgv?: never;
  readonly argv?: never;
  readonly env?: never;
  readonly resourceLimits?: never;
}

/** Options of {@link startWorkerNode}. */
export interface StartWorkerOptions<D = unknown> extends PortLinkOptions, RingLinkOptions {
  /**
   * Carry frames in `SharedArrayBuffer` rings woken by `Atomics.waitAsync` (default: when the
   * platform has both; browsers need cross-origin isolation for shared memory). `false`: always
   * `postMessage` with transferred buffers.
   */
  readonly ring?: boolean;
  /** The worker's node name (default `w1`, `w2`, … in start order). */
  readonly node?: string;
  /**
   * The `Worker`'s own options and the data it gets: Node's ({@link NodeWorkerOptions}: `execArgv`,
   * `env`, `resourceLimits`, …) or a browser's ({@link BrowserWorkerOptions}: `type`, `name`,
   * `credentials`), with `workerData` in both. Options of the other platform are ignored.
   *
   * @example
   * ```ts
   * startWorkerNode(main, new URL('./server.mjs', import.meta.url), { worker: { env: { ...process.env, LOG: 'debug' }, workerData: { shard: 3 } } });
   * // in server.mjs
   * const system = await joinParent();
   * system.workerData.shard; // 3
   * ```
   */
  readonly worker?: NodeWorkerOptions<D> | BrowserWorkerOptions<D>;
  /** @deprecated Use `worker: { workerData }` (this one is used when that is left out). */
  readonly workerData?: D;
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
 * Start the module at `url` in a worker (Node `worker_threads`, or a browser `Worker`: a module
 * worker unless `worker.type` is `'classic'`) as a node linked to `parent` (a node: made with a
 * `node` name), with the `Worker` options and `workerData` of `options.worker`. The worker calls
 * {@link joinParent}, which gives it that data. A `Worker` that refuses to start (a bad
 * `execArgv`, data that cannot be cloned) throws here, and no link to the node is left behind. The worker's exit or error is the link's down signal: whoever waited on it
 * gets EHOSTDOWN at once, not at the liveness bound.
 *
 * @example
 * ```ts
 * const main = createSystem({ node: 'main' });
 * const w = startWorkerNode(main, new URL('./server.mjs', import.meta.url), { node: 'w1' });
 * main.process().open('upper', { global: true, codec: utf8 }).pipe(switchMap((c) => c.send('hi')));
 * ```
 */
export function startWorkerNode<D = unknown>(parent: HasKernel, url: URL | string, options: StartWorkerOptions<D> = {}): WorkerNode {
  const k = kernelOf(parent);
  const parentNode = k.node;
  if (parentNode === null) throw new TypeError('startWorkerNode: the parent must be a node (make it with a node name)');
  ringWaits(options); // a bad value throws before any worker starts
  const node = options.node ?? `w${++started}`;
  const wt = workerThreads();
  const newChannel = (): { port1: PortLike; port2: PortLike } => (wt !== null ? new wt.MessageChannel() : new MessageChannel()) as unknown as { port1: PortLike; port2: PortLike };
  const channel = newChannel();
  const rings = options.ring !== false && ringsAvailable() ? ([makeRing(), makeRing()] as const) : null;
  const link = rings !== null ? new RingLink(channel.port1, rings[0], rings[1], options) : portLink(channel.port1, options);
  // the main side lets the process exit while no call crosses (the worker's own side never does)
  link.unrefWhenIdle = options.keepAlive !== true;
  const hello = (data: unknown): JoinMessage => ({ [HELLO]: { node, parent: parentNode, port: channel.port2, rings, data } });
  const w = options.worker ?? {};
  const data = 'workerData' in w ? w.workerData : options.workerData;
  let worker: WorkerNode;
  try {
    worker = wt !== null ? startNode(wt, url, w as NodeWorkerOptions, data) : startBrowser(url, w as BrowserWorkerOptions, data);
  } catch (e) {
    // the Worker refused (a bad execArgv, data that cannot be cloned, no Worker here): the link never joins
    link.close(`worker not started: ${String(e)}`);
    throw e;
  }
  // joined in the task that posted the hello: nothing from the worker can arrive before
  k.addLink(link, node);
  link.onDown(joinMesh(k, node, channel.port1, newChannel));
  return worker;

  function startNode(wt: WorkerThreads, url: URL | string, w: NodeWorkerOptions, workerData: unknown): WorkerNode {
    const { execArgv, argv, env, resourceLimits, name } = w;
    const worker = new wt.Worker(url, { execArgv, argv, env, resourceLimits, name, workerData });
    if (options.keepAlive !== true) worker.unref?.(); // its link's port keeps the process alive while calls cross (or it connects)
    worker.postMessage(hello(undefined), [channel.port2]);
    worker.on('exit', (code) => link.down(`worker exited (${String(code)})`));
    worker.on('error', (e) => link.down(`worker failed: ${String(e)}`));
    // the link goes down first: its reason is the terminate, whichever of exit and close comes first
    return { node, terminate: async () => { link.down('worker terminated'); await worker.terminate(); } };
  }

  function startBrowser(url: URL | string, w: BrowserWorkerOptions, workerData: unknown): WorkerNode {
    const BrowserWorker = (globalThis as { Worker?: new (url: URL | string, options: BrowserWorkerOptions) => BrowserWorkerLike }).Worker;
    if (BrowserWorker === undefined) throw new KernelError('ENOTSUP', 'startWorkerNode', undefined, { reason: 'no Worker here' });
    const { type = 'module', name, credentials } = w;
    const worker = new BrowserWorker(url, { type, name, credentials }); // undefined members are absent (WebIDL)
    try {
      worker.postMessage(hello(workerData), [channel.port2]);
    } catch (e) {
      worker.terminate();
      throw e;
    }
    worker.addEventListener('error', (e) => link.down(`worker failed: ${e.message ?? 'error'}`));
    return {
      node,
      terminate: async () => {
        link.down('worker terminated');
        worker.terminate();
      },
    };
  }
}

/** Options of {@link joinParent}. */
export interface JoinOptions extends PortLinkOptions, RingLinkOptions {
  /** The time source (default: RxJS's `asyncScheduler`). */
  readonly scheduler?: KernelScheduler;
  /** Liveness and size settings of this node. */
  readonly net?: Omit<NetOptions, 'node'>;
  readonly onUnhandledError?: (error: unknown) => void;
}

/**
 * A worker's {@link System}, from {@link joinParent}, with the data its parent started it with.
 * `D` is what the worker expects: the parent's value is cloned, not checked.
 */
export type JoinedSystem<D = unknown> = System & {
  /**
   * The parent's `worker.workerData` (structured-cloned; `undefined` when it gave none), in Node
   * and browsers alike.
   */
  readonly workerData: D;
};

/**
 * In a worker started by {@link startWorkerNode}: become the node it names, linked to the parent,
 * and get its {@link System} (its kernel is `system.kernel`, for `useKernel` in C ports) with the
 * `workerData` the parent passed. `D` types that data (default `unknown`; it is not checked).
 *
 * @example
 * ```ts
 * // the parent: startWorkerNode(main, url, { worker: { workerData: { shard: 3 } } })
 * const system = await joinParent<{ shard: number }>();
 * system.process({ name: `shard${system.workerData.shard}` });
 * ```
 */
export function joinParent<D = unknown>(options: JoinOptions = {}): Promise<JoinedSystem<D>> {
  try {
    ringWaits(options);
  } catch (e) {
    return Promise.reject(e);
  }
  const wt = workerThreads();
  const port: PortLike | null = wt !== null ? wt.parentPort : (globalThis as unknown as PortLike);
  if (port === null || typeof port.addEventListener !== 'function') {
    return Promise.reject(new KernelError('ENOTSUP', 'joinParent', undefined, { reason: 'not in a worker started by startWorkerNode' }));
  }
  return new Promise<JoinedSystem<D>>((resolve) => {
    const onJoin = (e: { readonly data: unknown }): void => {
      const j = (e.data as Partial<JoinMessage> | null)?.[HELLO];
      if (j === undefined) return;
      const system = createSystem({ ...options, node: j.node });
      // the parent's rings, the other way round (its tx is our rx), or the port itself
      system.kernel.addLink(j.rings !== null ? new RingLink(j.port, j.rings[1], j.rings[0], options) : portLink(j.port, options), j.parent);
      // the parent brokers a direct link to every other worker it starts (a full mesh)
      j.port.addEventListener('message', (m) => {
        const peer = (m.data as { [PEER]?: { node: string; port: PortLike } } | null)?.[PEER];
        if (peer !== undefined) system.kernel.addLink(portLink(peer.port, options), peer.node);
      });
      // Node: the Worker's own workerData; a browser: the handshake's
      const workerData = (wt !== null ? wt.workerData : j.data) as D;
      resolve(Object.defineProperty(system, 'workerData', { value: workerData, enumerable: true }) as JoinedSystem<D>);
    };
    port.addEventListener('message', onJoin);
    port.start?.();
  });
}
