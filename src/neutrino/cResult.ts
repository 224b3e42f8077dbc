/**
 * The C result conventions: a kernel failure becomes `-1` (or `null`) with the calling
 * thread's errno set; blocking calls become Promises of the C result.
 * @internal
 * @packageDocumentation
 */
import { isKernelError, type Done, type Kernel, type Thread } from '../kernel/index.js';
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
