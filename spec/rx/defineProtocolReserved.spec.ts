// Issue 21 item 2: defineProtocol refuses message types in the reserved range 0x000..0x1FF
// (QNX's system and I/O messages, up to _IO_MAX) with a RangeError naming the range, as it
// refuses a type outside 0..0xffff.
import { describe, expect, it } from 'vitest';
import { defineProtocol } from '../../src/index.js';

describe('defineProtocol', () => {
  it('should refuse a type in 0x000..0x1FF with a RangeError naming the reserved range', () => {
    for (const type of [0x0101, 0x1ff, 0x100, 0x10, 0]) {
      expect(() => defineProtocol<{ m: { type: number; request: 1; reply: 1 } }>({ m: type })).toThrow(RangeError);
      expect(() => defineProtocol<{ m: { type: number; request: 1; reply: 1 } }>({ m: type })).toThrow(/m: message type 0x[0-9a-f]{3} is in the range 0x000\.\.0x1ff reserved/);
    }
  });

  it('should take the first type above _IO_MAX, and still refuse one outside 0..0xffff', () => {
    expect(defineProtocol<{ m: { type: 0x200; request: 1; reply: 1 } }>({ m: 0x200 }).types).toEqual({ m: 0x200 });
    expect(() => defineProtocol<{ m: { type: 0x10000; request: 1; reply: 1 } }>({ m: 0x10000 })).toThrow(/is not 0\.\.0xffff/);
  });
});
