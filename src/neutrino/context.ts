import { AsyncLocalStorage } from 'node:async_hooks';
import { Kernel, type Thread } from '../kernel/index.js';
import { createKernel } from '../rx/createKernel.js';

/** Which kernel and logical thread a piece of code runs as. */
export interface Running {
  readonly kernel: Kernel;
  readonly thread: Thread;
}

const storage = new AsyncLocalStorage<Running>();
let main: Running | null = null;

/** Process 1 of `kernel` (created if the kernel has none), thread 1: where top-level code runs. */
function mainOf(kernel: Kernel): Running {
  const p = kernel.getProcess(1) ?? kernel.createProcess({ name: 'main' });
  const thread = p.threads.get(1) ?? p.threads.values().next().value ?? kernel.createThread(p);
  return { kernel, thread };
}

/**
 * Make `kernel` the default for `rxnto/neutrino`: top-level code then runs as its process 1.
 * Code already running inside `spawn` or `pthread_create` keeps its own kernel.
 */
export function useKernel(kernel: Kernel): void {
  main = mainOf(kernel);
}

/** The default kernel (created on first use, on RxJS's `asyncScheduler`). */
export function defaultKernel(): Kernel {
  if (main === null) main = mainOf(createKernel());
  return main.kernel;
}

/** The calling logical thread: the one of the async call chain, else the main thread. */
export function current(): Running {
  const r = storage.getStore();
  if (r !== undefined) return r;
  if (main === null) defaultKernel();
  return main!;
}

/** Whether `r` is the module's main thread's process (top-level code). */
export function isMainProcess(r: Running): boolean {
  return main !== null && r.thread.process === main.thread.process;
}

/** Run `fn` as logical thread `thread` of `kernel`, for its whole async call chain. */
export function runAs<R>(kernel: Kernel, thread: Thread, fn: () => R): R {
  return storage.run({ kernel, thread }, fn);
}
