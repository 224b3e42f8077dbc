/**
 * The C result conventions: a kernel failure becomes `-1` (or `null`) with the calling
 * thread's errno set; blocking calls become Promises of the C result.
 * @internal
 * @packageDocumentation
 */
import { isKernelError, KernelError, type Done, type Kernel, type Thread } from '../kernel/index.js';
import { current } from './context.js';

/** Run a non-blocking call; a KernelError becomes `fallback` with errno set. */
export function sys<R, F = -1>(fn: (kernel: Kernel, t: Thread) => R, fallback: F = -1 as F): R | F {
  const { kernel, thread } = current();
  try {
    return fn(kernel, thread);
  } catch (e) {
    if (isKernelError(e)) {
      thread.errno = e.errno;
      return fallback;
    }
    throw e;
  }
}

/** Run a blocking call: resolves with the result, or -1 with errno set. Never rejects for a kernel failure. */
export function block(fn: (kernel: Kernel, t: Thread, done: Done) => void): Promise<number> {
  const { kernel, thread } = current();
  return new Promise<number>((resolve, reject) => {
    try {
      fn(kernel, thread, (err, value) => {
        if (err !== 0) {
          thread.errno = err;
          resolve(-1);
        } else {
          resolve(value);
        }
      });
    } catch (e) {
      if (isKernelError(e)) {
        thread.errno = e.errno;
        resolve(-1);
      } else {
        reject(e);
      }
    }
  });
}

/** EFAULT, C's answer to an out-parameter the call cannot write. */
export function badOut(call: string, what: string, cause?: unknown): KernelError {
  return new KernelError('EFAULT', call, undefined, { reason: `${what} cannot be written`, cause });
}

/**
 * Check, before a call changes anything, that the struct out-parameter `o` takes writes to its
 * `fields`: each is written with the value it holds (0 when absent), so nothing visible changes.
 * Not an object, not extensible (frozen, sealed), a getter-only field or a setter that throws:
 * EFAULT, as C's kernel answers a pointer it cannot write.
 */
export function probeOut(o: unknown, fields: readonly string[], call: string, what: string): void {
  if (typeof o !== 'object' || o === null || !Object.isExtensible(o)) throw badOut(call, what);
  const rec = o as Record<string, unknown>;
  try {
    for (const f of fields) rec[f] = f in rec ? rec[f] : 0;
  } catch (e) {
    throw badOut(call, what, e);
  }
}

/** Copy `fields` of `from` into out-parameter `to`: false when a write throws (the caller rolls back). */
export function copyOut<T extends object>(from: T, to: T, fields: ReadonlyArray<keyof T>): boolean {
  try {
    for (const f of fields) to[f] = from[f];
    return true;
  } catch {
    return false;
  }
}
