/**
 * The option bags of `Kernel` and its process and thread factories.
 * @packageDocumentation
 */
import { PRIORITY_MAX } from './constants.js';
import { fail } from './core.js';
import type { KernelScheduler } from './scheduler.js';
import type { NetOptions } from './net/Link.js';

/** Options of `Kernel`. */
export interface KernelOptions {
  /** The only source of time: an RxJS scheduler, a `TestScheduler` or a `VirtualClock`. */
  readonly scheduler: KernelScheduler;
  /** Per-process limit of fd-space connections (RLIMIT_NOFILE). Default 1000. */
  readonly rlimitNofile?: number;
  /** Receives exceptions thrown by continuations. Default: re-thrown on a new scheduler task. */
  readonly onUnhandledError?: (error: unknown) => void;
  /** Make the kernel a node of a network (qnet.md): its name and liveness settings. */
  readonly net?: NetOptions;
}

/** Options of {@link Kernel.createProcess}. */
export interface ProcessOptions {
  readonly name?: string;
  readonly uid?: number;
  readonly gid?: number;
  /** Priority of the process's threads (default 10, QNX's default). */
  readonly priority?: number;
  /** Ability ids held (default: all for uid 0, none otherwise). */
  readonly abilities?: Iterable<number>;
}

/** Options of {@link Kernel.createThread}. */
export interface ThreadOptions {
  readonly name?: string;
  /** Default: the process's priority. */
  readonly priority?: number;
}

/** EINVAL unless `p` is undefined or a priority 1..255. */
export function checkPriority(p: number | undefined, call: string): void {
  if (p !== undefined && (!Number.isInteger(p) || p < 1 || p > PRIORITY_MAX)) throw fail('EINVAL', call);
}
