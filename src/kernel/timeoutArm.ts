/**
 * `TimerTimeout`'s arming, kept on a thread until its next blocking call takes it.
 * @internal
 * @packageDocumentation
 */
import type { Sigevent } from './types.js';

/** An armed TimerTimeout, consumed by the thread's next blocking call. */
export interface TimeoutArm {
  readonly flags: number;
  /** Relative delay in scheduler ms, or null for an immediate timeout. */
  readonly ms: number | null;
  readonly notify: Sigevent | null;
}
