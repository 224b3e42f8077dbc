/**
 * Pulses: the `_pulse` layout, queueing by priority and handing one to a receiver.
 * @internal
 * @packageDocumentation
 */
import { firstPart } from './buffers.js';
import { PULSE_SIZE, STATE_READY } from './constants.js';
import { ERRNO } from './errno.js';
import type { KernelCore } from './core.js';
import { Pulse, type Channel, type ReceiveWait } from './objects.js';
import { boost, inherit } from './priority.js';
import type { PulseData } from './types.js';

/** Write `struct _pulse` (16 bytes, little-endian) at the start of `buf`. */
export function writePulse(buf: Uint8Array, code: number, value: number, scoid: number): void {
  const dv = new DataView(buf.buffer, buf.byteOffset, PULSE_SIZE);
  dv.setUint16(0, 0, true); // type
  dv.setUint16(2, 0, true); // subtype
  dv.setInt8(4, code);
  dv.setUint8(5, 0);
  dv.setUint8(6, 0);
  dv.setUint8(7, 0);
  dv.setInt32(8, value, true);
  dv.setInt32(12, scoid, true);
}

/** Decode `struct _pulse` from a receive buffer. */
export function readPulse(buf: Uint8Array): PulseData {
  if (buf.length < PULSE_SIZE) throw new RangeError(`a pulse needs ${PULSE_SIZE} bytes, got ${buf.length}`);
  const dv = new DataView(buf.buffer, buf.byteOffset, PULSE_SIZE);
  return {
    type: dv.getUint16(0, true),
    subtype: dv.getUint16(2, true),
    code: dv.getInt8(4),
    value: { sival_int: dv.getInt32(8, true) },
    scoid: dv.getInt32(12, true),
  };
}

/** Hand `pulse` to receiver `r` (already removed from the receive queue). */
export function deliverPulse(k: KernelCore, r: ReceiveWait, pulse: Pulse): void {
  const t = r.thread;
  if (r.timer !== null) { r.timer.unsubscribe(); r.timer = null; }
  t.wait = null;
  t.state = STATE_READY;
  if (pulse.unblockFor !== null) pulse.unblockFor.unblockPulse = null;
  const buf = firstPart(r.rmsg);
  if (buf === undefined || buf.length < PULSE_SIZE) {
    // the model: a too-small buffer fails the receive with EFAULT and the pulse is gone
    k.complete(r, ERRNO.EFAULT, 0);
    return;
  }
  writePulse(buf, pulse.code, pulse.value, pulse.scoid);
  inherit(t, r.channel, pulse.priority);
  if (k.tracer !== null) k.trace('receive', t, { chid: r.channel.chid, rcvid: 0, code: pulse.code, value: pulse.value });
  k.complete(r, 0, 0);
}

/** Queue `pulse` on `ch`, or give it straight to a waiting receiver. Never blocks. */
export function queuePulse(k: KernelCore, ch: Channel, pulse: Pulse): void {
  if (!ch.alive) return;
  // ordinary receivers head the receive queue; pulse-only receivers wait behind them
  const r = ch.receivers.pop() ?? ch.pulseReceivers.pop();
  if (k.tracer !== null) k.trace('pulse', ch.owner, { chid: ch.chid, code: pulse.code, value: pulse.value, priority: pulse.priority });
  if (r !== undefined) {
    deliverPulse(k, r, pulse);
    return;
  }
  ch.sendQueue.push(pulse);
  boost(ch, pulse.priority);
}

/** Make and queue a kernel pulse. */
export function kernelPulse(k: KernelCore, ch: Channel, code: number, value: number, priority: number, scoid: number): Pulse {
  const p = new Pulse(code, value, priority, scoid);
  queuePulse(k, ch, p);
  return p;
}
