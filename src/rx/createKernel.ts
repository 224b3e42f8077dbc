import { asyncScheduler } from 'rxjs';
import { Kernel, type KernelScheduler, type NetOptions } from '../kernel/index.js';

/** Options of {@link createKernel}; every one is optional. */
export interface CreateKernelOptions {
  /** Time source: defaults to RxJS `asyncScheduler`; pass a `TestScheduler` or `VirtualClock` for virtual time. */
  readonly scheduler?: KernelScheduler;
  /** Per-process limit of fd-space connections. Default 1000. */
  readonly rlimitNofile?: number;
  /** Receives exceptions thrown by continuations. Default: re-thrown on a new scheduler task. */
  readonly onUnhandledError?: (error: unknown) => void;
  /**
   * Make the kernel a node of that name (no `/` or `.`): `ConnectAttach(nd ≠ 0)` and global names
   * then reach other nodes through links (`connectLoopback`, worker, NATS). Left out: ENOREMOTE.
   */
  readonly node?: string;
  /** The node's liveness and size settings (heartbeat period, missed beats, window, largest message). */
  readonly net?: Omit<NetOptions, 'node'>;
}

/**
 * Make a kernel. With no scheduler it runs on RxJS's `asyncScheduler` (real time).
 *
 * @example
 * ```ts
 * import { createKernel } from 'rxnto';
 * const kernel = createKernel();
 * const p = kernel.createProcess({ name: 'server' });
 * ```
 */
export function createKernel(options: CreateKernelOptions = {}): Kernel {
  return new Kernel({
    scheduler: options.scheduler ?? asyncScheduler,
    ...(options.rlimitNofile === undefined ? {} : { rlimitNofile: options.rlimitNofile }),
    ...(options.onUnhandledError === undefined ? {} : { onUnhandledError: options.onUnhandledError }),
    ...(options.node === undefined ? {} : { net: { ...options.net, node: options.node } }),
  });
}
