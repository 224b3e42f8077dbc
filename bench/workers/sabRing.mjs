// The bare SharedArrayBuffer ring of the raw.sab.* floors (bench/cases/sab.mjs and
// sab.worker.mjs): one writer, one reader, fixed 64-byte slots. Positions are int32 message
// counts that only grow (compared as `(a - b) | 0`); slot = position & MASK.
//
// Header (int32): HEAD (the reader's position: slots before it are free), TAIL (the writer's:
// slots before it are written), ACK (raw.sab.batch100: messages the worker has consumed).
// The writer copies a message into its slot and then stores TAIL (the store publishes the slot:
// the reader's Atomics.load of TAIL sees the bytes); it notifies TAIL when the reader may be
// parked. The reader loads TAIL, drains up to it, and when there is nothing parks with
// `Atomics.waitAsync(ctl, TAIL, <the value it loaded>)`: a store after that load makes the wait
// return 'not-equal' at once, so no wake-up is lost.

export const PAYLOAD = 64;
export const WORDS = PAYLOAD / 4;
export const SLOTS = 512;
export const MASK = SLOTS - 1;
export const HEAD = 0;
export const TAIL = 1;
export const ACK = 2;
const HEADER_BYTES = 16;

/** A new ring's shared memory. */
export function makeSabRing() {
  return new SharedArrayBuffer(HEADER_BYTES + SLOTS * PAYLOAD);
}

/** Views of a ring: `ctl` the header, `i32`/`u8` the slots (slot s at i32[s * WORDS], u8[s * PAYLOAD]). */
export function sabViews(sab) {
  return { sab, ctl: new Int32Array(sab, 0, HEADER_BYTES / 4), i32: new Int32Array(sab, HEADER_BYTES), u8: new Uint8Array(sab, HEADER_BYTES) };
}

/**
 * Call `drain(tail)` whenever TAIL of `ring` is past `head()`, forever: `drain` takes the slots
 * up to `tail` (and moves what `head()` returns). Parks in `Atomics.waitAsync` on the TAIL value it
 * loaded when there is nothing to take. `drain` may throw: the loop then ends with that error
 * (an unhandled rejection: the bench fails).
 */
export function readLoop(ring, head, drain) {
  const { ctl } = ring;
  const loop = () => {
    for (;;) {
      const tail = Atomics.load(ctl, TAIL);
      if (tail === head()) {
        const r = Atomics.waitAsync(ctl, TAIL, tail);
        if (r.async) {
          r.value.then(loop);
          return;
        }
        continue; // 'not-equal': written in between
      }
      drain(tail);
    }
  };
  loop();
}
