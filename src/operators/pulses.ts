import { filter, type OperatorFunction } from 'rxjs';
import type { Received, ReceivedPulse } from '../rx/Received.js';

/**
 * Keeps the pulses of a channel (optionally only some codes) and drops its messages.
 *
 * Intuition: the `rcvid == 0` half of a receive loop, switched on `pulse.code`.
 *
 * ```text
 * channel:          -m--p(3)--p(-33)--|
 * pulses(-33):      ----------p(-33)--|
 * ```
 *
 * ## Example
 * ```ts
 * channel.pipe(pulses(_PULSE_CODE_DISCONNECT)).subscribe((p) => console.log('client gone', p.scoid));
 * ```
 *
 * @param code A code, or a list of codes, to keep; all pulses when omitted.
 * @returns An operator emitting only {@link ReceivedPulse} items.
 * @see {@link messages}
 */
export function pulses<T, R>(code?: number | readonly number[]): OperatorFunction<Received<T, R>, ReceivedPulse> {
  const codes = code === undefined ? null : typeof code === 'number' ? [code] : code;
  return filter((item): item is ReceivedPulse => item.kind === 'pulse' && (codes === null || codes.includes(item.code)));
}
