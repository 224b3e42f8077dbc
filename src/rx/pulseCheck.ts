/**
 * What a pulse sent through the binding may carry: the values the model allows an application.
 * @packageDocumentation
 */
import { PRIORITY_MAX } from '../kernel/index.js';

/**
 * @internal Throw a `RangeError` unless `code` is an application pulse code (0..127: negative
 * codes are the kernel's, `_PULSE_CODE_*`), `value` an int32 and `priority` 1..255 (or
 * undefined / -1: the sender's).
 */
export function checkPulse(code: number, value: number, priority: number | undefined): void {
  if (!Number.isInteger(code) || code < 0 || code > 127) {
    throw new RangeError(`pulse: code ${String(code)} is not an application pulse code (0..127; negative codes are the kernel's)`);
  }
  if (!Number.isInteger(value) || value < -(2 ** 31) || value > 2 ** 31 - 1) throw new RangeError(`pulse: value ${String(value)} is not an int32`);
  if (priority !== undefined && priority !== -1 && (!Number.isInteger(priority) || priority < 1 || priority > PRIORITY_MAX)) {
    throw new RangeError(`pulse: priority ${String(priority)} is not 1..${PRIORITY_MAX}`);
  }
}
