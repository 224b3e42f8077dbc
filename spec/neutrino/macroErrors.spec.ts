// Issue 20 item 7.3: the C macros that fill or read the caller's own structs and buffers have no
// errno. Given a wrong argument they throw what JavaScript throws, as docs/reliability.md says:
// a TypeError for a wrong type, a RangeError for a number out of range. Never a KernelError.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isKernelError } from '../../src/kernel/index.js';
import { SETIOV, msg_type, pulse_of, type iov_t } from '../../src/neutrino/index.js';
import { detached } from '../kernel/helpers.js';

/** What `fn` throws: its class name, and whether it is a KernelError. */
function thrown(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return isKernelError(e) ? `KernelError ${e.code}` : (e as Error).constructor.name;
  }
  return 'nothing';
}

/** A label for a value (a detached view cannot be stringified). */
const label = (v: unknown): string => (ArrayBuffer.isView(v) ? v.constructor.name : typeof v === 'function' ? 'a function' : JSON.stringify(v) ?? String(v));

const notBuffers: unknown[] = [5, 'ab', null, undefined, {}, [1, 2], new ArrayBuffer(16), () => 0];

describe('C macros given a wrong argument (issue 20 item 7.3)', () => {
  it('should throw a TypeError from msg_type and pulse_of for something that is not a buffer, or a detached one', () => {
    for (const v of [...notBuffers, detached()]) {
      expect(thrown(() => msg_type(v as never)), `msg_type(${label(v)})`).toBe('TypeError');
      expect(thrown(() => pulse_of(v as never)), `pulse_of(${label(v)})`).toBe('TypeError');
    }
  });

  it('should throw a RangeError from pulse_of for a buffer shorter than a pulse, and read a good one', () => {
    expect(thrown(() => pulse_of(new Uint8Array(15)))).toBe('RangeError');
    expect(msg_type(new Uint8Array([0x34, 0x12, 9]))).toBe(0x1234);
    expect(msg_type(new DataView(new ArrayBuffer(1)))).toBe(-1);
    expect(pulse_of(new Uint8Array(16)).code).toBe(0);
  });

  it('should throw a TypeError from SETIOV for a base that is not a buffer or a string, an iov that is not an object, or a len that is not a number', () => {
    for (const v of [...notBuffers.filter((x) => typeof x !== 'string'), detached()]) {
      const iov: Partial<iov_t> = {};
      expect(thrown(() => SETIOV(iov, v as never)), `SETIOV(iov, ${label(v)})`).toBe('TypeError');
      expect(iov).toEqual({}); // refused: the iov is left as it was
    }
    for (const iov of [null, undefined, 5, 'iov']) expect(thrown(() => SETIOV(iov as never, new Uint8Array(4)))).toBe('TypeError');
    expect(thrown(() => SETIOV({}, new Uint8Array(4), '2' as never))).toBe('TypeError');
  });

  it('should throw a RangeError from SETIOV for a len that is not an integer from 0 to the buffer length, and take a good one', () => {
    for (const len of [-1, 1.5, Number.NaN, 5, Number.POSITIVE_INFINITY, 5n]) {
      const iov: Partial<iov_t> = {};
      expect(thrown(() => SETIOV(iov, new Uint8Array(4), len)), `len ${String(len)}`).toBe('RangeError');
      expect(iov).toEqual({});
    }
    const iov: Partial<iov_t> = {};
    SETIOV(iov, new Uint8Array(4), 2n);
    expect(iov.iov_len).toBe(2);
    SETIOV(iov, 'ab');
    expect([iov.iov_base, iov.iov_len]).toEqual([new Uint8Array([0x61, 0x62, 0]), 3]);
  });

  it("should say the same in docs/reliability.md", () => {
    const readme = readFileSync('docs/reliability.md', 'utf8');
    const section = readme.slice(readme.indexOf('# Reliability'));
    const sentence = section.split(/(?<=\.)\s+/).find((s) => s.includes('SETIOV'));
    expect(sentence).toMatch(/TypeError/);
    expect(sentence).toMatch(/RangeError/);
    expect(sentence).toMatch(/msg_type/);
    expect(sentence).not.toMatch(/EFAULT/);
  });
});
