import { ERRNO, type ProcessOptions, type Thread } from '../kernel/index.js';
import { current, isMainProcess, runAs } from './context.js';
import { sys } from './cResult.js';

/** Thrown by {@link exit} to unwind the calling process's code; `spawn` catches it. */
export class ProcessExit extends Error {
  override readonly name = 'ProcessExit';
  constructor(readonly status: number) {
    super(`process exited with status ${status}`);
  }
}

/** Options of {@link spawn}. */
export interface SpawnOptions {
  readonly name?: string;
  readonly uid?: number;
  readonly gid?: number;
  readonly priority?: number;
  readonly abilities?: Iterable<number>;
}

function settleThread(t: Thread, finish: (status: number) => void): (r: Promise<unknown>) => void {
  return (r) => {
    r.then(
      (v) => finish(typeof v === 'number' ? v : 0),
      (e: unknown) => {
        if (e instanceof ProcessExit) return; // exit() already ended the process
        if (t.process.alive) finish(1);
        current().kernel.core.onUnhandledError(e);
      },
    );
  };
}

/**
 * Start a process running `main` (its thread 1) in the caller's kernel; resolves to its pid.
 * The process ends when `main` settles (its result, if a number, is the exit status) or when it
 * calls {@link exit}. Resolves to -1 with errno EINVAL for bad options.
 */
export function spawn(main: () => unknown, options: SpawnOptions = {}): Promise<number> {
  const { kernel } = current();
  const pid = sys((k) => {
    const opts: ProcessOptions = { ...options };
    return k.createProcess(opts).pid;
  });
  if (pid === -1) return Promise.resolve(-1);
  const p = kernel.getProcess(pid)!;
  const t = kernel.createThread(p);
  const finish = (status: number): void => kernel.processExit(p, status);
  runAs(kernel, t, () => settleThread(t, finish)(Promise.resolve().then(main)));
  return Promise.resolve(pid);
}

/** `void exit(int status)`: ends the calling process. In top-level code it ends Node too. */
export function exit(status = 0): never {
  // exit never fails: a status that is not a number is EXIT_FAILURE, a number is taken as a C int
  status = typeof status === 'number' ? status | 0 : 1;
  const r = current();
  r.kernel.processExit(r.thread.process, status);
  if (isMainProcess(r)) globalThis.process.exit(status);
  throw new ProcessExit(status);
}

/**
 * `int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)`:
 * start a logical thread in the calling process, at the caller's priority. `thread`, if an
 * object, gets the tid in its `tid` field. Returns EOK (0) or an errno (not -1, as POSIX says):
 * EFAULT when `thread` is neither null nor a writable object (frozen, sealed, a getter-only
 * `tid`, a setter that throws), EINVAL when `fn` is not a function. A refused call starts nothing.
 */
export function pthread_create<A>(thread: { tid?: number } | null, _attr: null, fn: (arg: A) => unknown, arg: A): number {
  const { kernel, thread: self } = current();
  // everything is checked before the thread exists: a refused call leaves nothing behind
  if (thread !== null && (typeof thread !== 'object' || !Object.isExtensible(thread))) return ERRNO.EFAULT;
  if (typeof fn !== 'function') return ERRNO.EINVAL;
  const p = self.process;
  if (!p.alive) return ERRNO.ESRCH;
  // the tid is written first, with the tid the thread is about to get (tids are handed out in
  // order): a `thread` that refuses it costs no thread that would never run nor go away
  const tid = p.nextTid;
  if (thread !== null && !writeTid(thread, tid)) return ERRNO.EFAULT;
  const t = kernel.createThread(p, { priority: self.priority });
  if (thread !== null && t.tid !== tid && !writeTid(thread, t.tid)) {
    // the setter itself started threads: the tid moved, and the new one was refused
    kernel.threadExit(t);
    return ERRNO.EFAULT;
  }
  runAs(kernel, t, () => settleThread(t, () => kernel.threadExit(t))(Promise.resolve().then(() => fn(arg))));
  return ERRNO.EOK;
}

/** `thread.tid = tid`, false when the write throws. */
function writeTid(thread: { tid?: number }, tid: number): boolean {
  try {
    thread.tid = tid;
    return true;
  } catch {
    return false;
  }
}

/** `pthread_t pthread_self(void)`: the calling thread's tid. */
export function pthread_self(): number {
  return current().thread.tid;
}

/** `pid_t gettid(void)`: the calling thread's tid. */
export function gettid(): number {
  return current().thread.tid;
}

/** `pid_t getpid(void)`. */
export function getpid(): number {
  return current().thread.process.pid;
}

/** `int pthread_setschedprio(pthread_t thread, int prio)`: EOK or an errno (EINVAL, ESRCH). */
export function pthread_setschedprio(tid: number, prio: number): number {
  const { thread } = current();
  const t = thread.process.threads.get(tid);
  if (t === undefined) return ERRNO.ESRCH;
  const r = sys((k) => k.setPriority(t, prio));
  return r === -1 ? thread.errno : ERRNO.EOK;
}

/** `int setprio(pid_t pid, int prio)`: sets the calling thread's priority; returns the old one, or -1. */
export function setprio(pid: number, prio: number): number {
  return sys((k, t) => {
    if (pid !== 0 && pid !== t.process.pid) k.core.processOf(t, pid, 'setprio');
    const old = t.priority;
    k.setPriority(t, prio);
    return old;
  });
}

/** `int getprio(pid_t pid)`: the calling thread's priority (pid 0 or its own), or -1 (ESRCH). */
export function getprio(pid: number): number {
  return sys((k, t) => {
    if (pid === 0 || pid === t.process.pid) return t.priority;
    const p = k.core.processOf(t, pid, 'getprio');
    return p.threads.get(1)?.priority ?? p.priority;
  });
}

/** `int procmgr_ability(pid_t pid, unsigned ability, ...)`: EOK, or an errno (EPERM, EINVAL, ESRCH). */
export function procmgr_ability(pid: number, ...abilities: number[]): number {
  const { thread } = current();
  const r = sys((k, t) => k.procmgrAbility(t, pid, abilities));
  return r === -1 ? thread.errno : ERRNO.EOK;
}
