import { isKernelError } from '../kernel/index.js';

/** An error as marble diagrams compare it: by name and errno code, never by message or stack. */
export interface ErrorShape {
  readonly name: string;
  readonly code?: string;
}

function shape(err: unknown): ErrorShape | unknown {
  if (isKernelError(err)) return { name: err.name, code: err.code };
  if (err instanceof Error) return { name: err.name };
  return err;
}

/**
 * Reduce the error notifications of TestScheduler frames (as `expectObservable` records them) to
 * `{ name, code }`, so that `'#'` with a `KernelError('ESRCH', ...)` matches any ESRCH whatever
 * its message or stack. Use it in the assertion you give `TestScheduler`:
 *
 * @example
 * ```ts
 * new TestScheduler((actual, expected) => expect(normalizeFrames(actual)).toEqual(normalizeFrames(expected)));
 * ```
 */
export function normalizeFrames<T>(frames: T): T {
  if (!Array.isArray(frames)) return frames;
  return frames.map((f: unknown) => {
    if (typeof f !== 'object' || f === null || !('notification' in f)) return f;
    const frame = f as { frame: number; notification: { kind: string; error?: unknown } };
    if (frame.notification.kind !== 'E') return frame;
    return { ...frame, notification: { ...frame.notification, error: shape(frame.notification.error) } };
  }) as T;
}
