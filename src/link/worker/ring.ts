/**
 * The worker link's rings: their layout in a `SharedArrayBuffer` (a header of positions and
 * flags, then the frames, each after its length), their options, and what they need of the
 * platform. The protocol is `ringLink.ts`'s.
 * @packageDocumentation
 */
/**
 * Int32 slots of a ring's header: the read position, the write position, the doorbell and the
 * flags, 64 bytes apart so that what one thread writes often is in no cache line the other writes.
 */
export const HEAD = 0;
export const TAIL = 16;
export const BELL = 32;
export const FLAGS = 48;
/** FLAGS bits: the writer closed the link; the reader is parked; the writer waits for room. */
export const CLOSED = 1;
export const PARKED = 2;
export const ROOM = 4;
export const HEADER_BYTES = 256;
/** A length of -1: the rest of the ring is unused, the next frame is at 0. */
export const WRAP = -1;

/** The default ring capacity per direction (a power of two). */
export const RING_BYTES = 1 << 20;
/**
 * A parked reader is rung at once, not at the end of the writer's tick, once this many bytes wait
 * for it (see `RingLink.ring`): the notify's cost (a few µs) is then small beside the reader's work.
 */
export const RING_AFTER_BYTES = 4096;

/** A ring of `capacity` bytes (a power of two, at least 4 KiB) in a new `SharedArrayBuffer`. */
export function makeRing(capacity = RING_BYTES): SharedArrayBuffer {
  if (capacity < 4096 || (capacity & (capacity - 1)) !== 0) throw new RangeError('a ring\'s capacity is a power of two, at least 4096');
  return new SharedArrayBuffer(HEADER_BYTES + capacity);
}

/** @internal */
export interface WaitAsync {
  (a: Int32Array, index: number, value: number): { async: boolean; value: Promise<string> | string };
}

/** Whether this platform can run the ring (shared memory and `Atomics.waitAsync`). */
export function ringsAvailable(): boolean {
  return typeof SharedArrayBuffer === 'function' && typeof (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync === 'function';
}

/** Options of a `RingLink` (and of `startWorkerNode` and `joinParent`, for their rings). */
export interface RingLinkOptions {
  /**
   * Microseconds the reader goes on checking its ring after it found it empty, before it parks
   * in `Atomics.waitAsync` (default 0: it parks at once). A frame that comes meanwhile is taken
   * without a doorbell: no `Atomics.notify` for the writer, no wake-up for the reader, so a
   * round trip is several times faster when both ends spin (20 is a good start). The spin looks
   * at the ring between microtasks (those of the frames just taken run, a reply or the next send
   * goes out), but no task runs meanwhile: it holds its thread for that long each time the ring
   * runs dry, and burns a core while the other side is quiet (a reader whose spins keep ending
   * with nothing spins less often). Give it to threads that do little else than calls across the
   * link, on a machine with a core for each; never on a browser's main thread (rendering and
   * input would wait). Only with rings (`ring: true`, the default where shared memory is).
   */
  readonly spinMicros?: number;
  /**
   * Microseconds the reader goes on looking at its ring once per turn of the event loop (with
   * `setImmediate`: timers, I/O and messages go on meanwhile) after it found it empty (and after
   * its spin, if any), before it parks in `Atomics.waitAsync` (default 50 where `setImmediate`
   * is, as in Node; 0 elsewhere). A frame that comes meanwhile is taken without a doorbell: a
   * writer's `Atomics.notify` to a thread asleep costs it ~20 µs and the reader wakes ~30-40 µs
   * later, more than most answers take. Looks that keep ending with nothing are skipped for a
   * while (a quiet link parks at once). 0: park at once.
   */
  readonly pollMicros?: number;
}

/** @internal `setImmediate`, where the platform has it (taken once: fake timers do not replace it). */
export const immediate: ((f: () => void) => unknown) | undefined = (globalThis as { setImmediate?: (f: () => void) => unknown }).setImmediate;

/** @internal The default `pollMicros`: where `setImmediate` is. */
export const POLL_MICROS = immediate === undefined ? 0 : 50;

/** Option `name` of `options` checked: a non-negative finite number (RangeError otherwise), or `fallback`. */
function microsOf(options: RingLinkOptions, name: 'spinMicros' | 'pollMicros', fallback: number): number {
  const v = options[name] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new RangeError(`${name} must be a non-negative finite number of microseconds, got ${String(v)}`);
  return v;
}

/**
 * @internal The ring options checked (a RangeError for a bad `spinMicros` or `pollMicros`, before
 * anything starts): how long a reader spins and polls, in microseconds (no polls without `setImmediate`).
 */
export function ringWaits(options: RingLinkOptions): { readonly spin: number; readonly poll: number } {
  const spin = microsOf(options, 'spinMicros', 0);
  const poll = microsOf(options, 'pollMicros', POLL_MICROS);
  return { spin, poll: immediate === undefined ? 0 : poll };
}

/** @internal Microtasks are `resolved.then(f)`: Node's `queueMicrotask` makes an async resource for each. */
export const resolved = Promise.resolve();

/** @internal `Atomics.waitAsync` (looked up at each call: ES2024, not in this project's typings). */
export const waitAsync: WaitAsync = (a, index, value) => (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync(a, index, value);
