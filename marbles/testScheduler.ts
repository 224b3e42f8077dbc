// The marble toolkit: a TestScheduler wired to vitest, comparing errors by name and code.
import { TestScheduler } from 'rxjs/testing';
import { expect } from 'vitest';
import { KernelError, type ErrnoCode } from '../src/index.js';
import { normalizeFrames } from '../src/testing/index.js';

/** A TestScheduler whose assertion is vitest's deep equality, errors reduced to `{ name, code }`. */
export function createTestScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => {
    expect(normalizeFrames(actual)).toEqual(normalizeFrames(expected));
  });
}

/** The error value of a `#` in an expected diagram: a KernelError with this errno code. */
export function kerr(code: ErrnoCode, call = 'MsgSend'): KernelError {
  return new KernelError(code, call);
}
