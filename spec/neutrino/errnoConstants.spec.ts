import { describe, expect, it } from 'vitest';
import { ERRNO } from '../../src/kernel/index.js';
import * as C from '../../src/neutrino/index.js';

describe('errno constants', () => {
  it('should export every ERRNO name with QNX numbers', () => {
    for (const [name, value] of Object.entries(ERRNO)) expect((C as Record<string, unknown>)[name], name).toBe(value);
    expect(C.ETIMEDOUT).toBe(260);
    expect(C.EWOULDBLOCK).toBe(C.EAGAIN);
  });

  it('should give the C library text from strerror', () => {
    expect(C.strerror(C.ESRCH)).toBe('No such process');
    expect(C.strerror(9999)).toBe('Unknown error 9999');
  });
});
