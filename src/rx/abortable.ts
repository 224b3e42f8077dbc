/**
 * One signal for a wait that two AbortSignals may end (the caller's option and the iterator's).
 * @packageDocumentation
 */

/** @internal `signal` aborts when either does, and then `onAbort` runs once; `dispose` stops listening. */
export function abortable(a: AbortSignal | undefined, b: AbortSignal | undefined, onAbort: () => void): { signal: AbortSignal | undefined; dispose: () => void } {
  const signals = [a, b].filter((s): s is AbortSignal => s !== undefined);
  const signal = signals.length === 0 ? undefined : signals.length === 1 ? signals[0] : AbortSignal.any(signals);
  if (signal === undefined) return { signal, dispose: () => {} };
  const listener = (): void => onAbort();
  signal.addEventListener('abort', listener, { once: true });
  return { signal, dispose: () => signal.removeEventListener('abort', listener) };
}
