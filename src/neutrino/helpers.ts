import { errnoMessage, readPulse, type PulseData, type Sigevent, SIGEV_PULSE, SIGEV_UNBLOCK, SIGEV_NONE } from '../kernel/index.js';
import { current } from './context.js';
import { macroBytes } from './cBuffers.js';

/** The calling thread's errno (set by the last failed call of that thread). */
export function errno(): number {
  return current().thread.errno;
}

/** `char *strerror(int errnum)`. */
export function strerror(errnum: number): string {
  return typeof errnum === 'number' ? errnoMessage(errnum) : `Unknown error ${typeof errnum}`;
}

/** `void perror(const char *prefix)`: prints `prefix: message` for the calling thread's errno to stderr. */
export function perror(prefix: string | null): void {
  const msg = strerror(errno());
  // anything but a string is C's NULL: the message alone
  console.error(typeof prefix !== 'string' || prefix === '' ? msg : `${prefix}: ${msg}`);
}

/** `SIGEV_PULSE_INIT(ev, coid, priority, code, value)`: note QNX's argument order. */
export function SIGEV_PULSE_INIT(ev: Partial<Sigevent>, coid: number, priority: number, code: number, value: number): void {
  ev.sigev_notify = SIGEV_PULSE;
  ev.sigev_coid = coid;
  ev.sigev_priority = priority;
  ev.sigev_code = code;
  ev.sigev_value = { sival_int: value };
}

/** `SIGEV_UNBLOCK_INIT(ev)`. */
export function SIGEV_UNBLOCK_INIT(ev: Partial<Sigevent>): void {
  ev.sigev_notify = SIGEV_UNBLOCK;
}

/** `SIGEV_NONE_INIT(ev)`. */
export function SIGEV_NONE_INIT(ev: Partial<Sigevent>): void {
  ev.sigev_notify = SIGEV_NONE;
}

/**
 * Read `struct _pulse` from a receive buffer: `{ type, subtype, code, value: { sival_int }, scoid }`.
 * `TypeError` for a `buf` that is not an `ArrayBufferView` (or is detached), `RangeError` for one
 * shorter than a pulse (16 bytes).
 */
export function pulse_of(buf: ArrayBufferView): PulseData {
  return readPulse(macroBytes(buf, 'pulse_of', 'buf'));
}

/**
 * The message type: the first little-endian `uint16` of a message, or -1 for a buffer shorter
 * than 2 bytes. `TypeError` for a `buf` that is not an `ArrayBufferView` (or is detached).
 */
export function msg_type(buf: ArrayBufferView): number {
  const b = macroBytes(buf, 'msg_type', 'buf');
  if (b.length < 2) return -1;
  return b[0]! | (b[1]! << 8);
}

/** `EXIT_SUCCESS` of `<stdlib.h>`. */
export const EXIT_SUCCESS = 0;
/** `EXIT_FAILURE` of `<stdlib.h>`. */
export const EXIT_FAILURE = 1;
