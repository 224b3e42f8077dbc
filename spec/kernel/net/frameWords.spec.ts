// Frames a word at a time (issue 23): encoded into slabs or straight into a transport's memory,
// decoded in place, their payload copied or landed without a view. Whatever the frame and wherever
// it lies (on a word or not, in shared memory or not), the word paths and the byte paths agree,
// a frame without its check passes only where the check is off, and an owned payload is a copy.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bodyFields, F, HEADER_BYTES, TRAILER_BYTES } from '../../../src/kernel/net/frames.js';
import { decodeAt, decodeInto, encodeAt, encodeBytes, encodeParts, frameBytes, FrameIn, ownPayload } from '../../../src/kernel/net/frameWords.js';

const kinds = Object.values(F);
const frame = fc.record({
  kind: fc.constantFrom(...kinds),
  flags: fc.integer({ min: 0, max: 0xffff }),
  seq: fc.nat(0xffffffff),
  ack: fc.nat(0xffffffff),
  srcInc: fc.nat(0xffffffff),
  dstInc: fc.nat(0xffffffff),
  id: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
  body: fc.array(fc.integer({ min: -0x80000000, max: 0x7fffffff }), { minLength: 8, maxLength: 8 }),
  payload: fc.uint8Array({ maxLength: 300 }),
}).map((f) => ({ ...f, body: f.body.slice(0, bodyFields(f.kind)) }));

type Parts = { kind: number; flags: number; seq: number; ack: number; srcInc: number; dstInc: number; id: number; body: number[]; payload: Uint8Array };

const fields = (f: FrameIn) => ({ kind: f.kind, flags: f.flags, seq: f.seq, ack: f.ack, srcInc: f.srcInc, dstInc: f.dstInc, id: f.id, body: f.body.slice(0, bodyFields(f.kind)), payload: [...f.payload] });
const expected = (p: Parts) => ({ ...p, payload: [...p.payload] });

describe('frames a word at a time', () => {
  it('should decode what it encodes, on a word or not, in shared memory or not, as the byte paths do', () => {
    fc.assert(fc.property(frame, fc.integer({ min: 0, max: 7 }), fc.boolean(), (p, shift, shared) => {
      const bytes = encodeParts(p.kind, p.flags, p.seq, p.ack, p.srcInc, p.dstInc, p.id, p.body, p.payload);
      expect(encodeBytes(p.kind, p.flags, p.seq, p.ack, p.srcInc, p.dstInc, p.id, p.body, p.payload, bytes.length)).toEqual(bytes);
      const mem = new Uint8Array(shared ? new SharedArrayBuffer(bytes.length + 16) : new ArrayBuffer(bytes.length + 16));
      mem.set(bytes, shift);
      const f = new FrameIn();
      expect(decodeInto(mem.subarray(shift, shift + bytes.length), f)).toBe(true);
      expect(fields(f)).toEqual(expected(p));
      // in place: no view of the frame, its payload where it lies
      const g = new FrameIn();
      expect(decodeAt(mem, new Int32Array(mem.buffer, 0, mem.length >> 2), shift, bytes.length, g, false)).toBe(true);
      expect(fields(g)).toEqual(expected(p));
      expect([...g.src.subarray(g.at, g.at + g.len)]).toEqual([...p.payload]);
      // an owned payload is a copy, in memory of its own
      const own = ownPayload(g);
      expect([...own]).toEqual([...p.payload]);
      expect(own.buffer).not.toBe(mem.buffer);
      if (own.length > 0) {
        mem.fill(0);
        expect([...own]).toEqual([...p.payload]);
      }
    }), { numRuns: 300 });
  });

  it('should encode in place a frame that decodes in place, its check left out only when asked', () => {
    fc.assert(fc.property(frame, fc.boolean(), (p, unchecked) => {
      const n = frameBytes(p.kind, p.body, p.payload.length);
      expect(n).toBe(HEADER_BYTES + p.body.length * 4 + p.payload.length + TRAILER_BYTES);
      const sab = new SharedArrayBuffer(64 + ((n + 3) & ~3));
      const u8 = new Uint8Array(sab, 16);
      const i32 = new Int32Array(sab, 16);
      expect(encodeAt(u8, i32, 8, n, p.kind, p.flags, p.seq, p.ack, p.srcInc, p.dstInc, p.id, p.body, p.payload, unchecked)).toBe(true);
      const f = new FrameIn();
      expect(decodeAt(u8, i32, 8, n, f, true)).toBe(true);
      expect(fields(f)).toEqual(expected(p));
      // a frame without its check is malformed to a node that checks
      expect(decodeAt(u8, i32, 8, n, new FrameIn(), false)).toBe(!unchecked);
      if (!unchecked) expect(u8.slice(8, 8 + n)).toEqual(encodeParts(p.kind, p.flags, p.seq, p.ack, p.srcInc, p.dstInc, p.id, p.body, p.payload));
    }), { numRuns: 300 });
  });

  it('should make the payload view of a frame read in place only when asked, and take a payload set', () => {
    const p = encodeParts(F.SEND, 0, 1, 2, 3, 4, 5, [1, 2, 3, 4, 5, 6, 7, 8], new Uint8Array([9, 8, 7]));
    const f = new FrameIn();
    expect(decodeInto(p, f)).toBe(true);
    expect(f.payload).toBe(f.payload);
    expect([...f.payload]).toEqual([9, 8, 7]);
    const whole = new Uint8Array([1, 2]);
    f.payload = whole;
    expect(f.payload).toBe(whole);
    expect([f.src, f.at, f.len]).toEqual([whole, 0, 2]);
  });
});
