/**
 * The kernel's trace listeners: any number, added and removed in any order, none able to break
 * a kernel call.
 * @internal
 * @packageDocumentation
 */
import type { KernelCore } from './core.js';
import type { TraceEvent } from './types.js';

type Listener = (e: TraceEvent) => void;

/**
 * Add `listener` to `k`'s trace; returns the function that removes it (once; later calls do
 * nothing). The list is copied on change, so a listener may add or remove listeners while it
 * runs; a listener that throws is reported through `onUnhandledError` and the others still run.
 */
export function addTraceListener(k: KernelCore, listener: Listener): () => void {
  // a wrapper per registration: the same function added twice is two listeners
  const entry: Listener = (e) => listener(e);
  k.traceListeners = [...k.traceListeners, entry];
  install(k);
  return () => {
    const i = k.traceListeners.indexOf(entry);
    if (i < 0) return;
    k.traceListeners = k.traceListeners.filter((l) => l !== entry);
    install(k);
  };
}

/** Point `k.tracer` at the listeners (null when there are none, so call sites build nothing). */
function install(k: KernelCore): void {
  const list = k.traceListeners;
  if (list.length === 0) {
    k.tracer = null;
    return;
  }
  k.tracer = (e) => {
    for (const l of list) {
      try {
        l(e);
      } catch (error) {
        k.onUnhandledError(error);
      }
    }
  };
}
