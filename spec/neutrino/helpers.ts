import { createKernel, useKernel } from '../../src/neutrino/index.js';
import { VirtualClock, runVirtual } from '../../src/testing/index.js';

/** Run `main` as a C-style program on a fresh kernel in virtual time. */
export async function program<T>(main: (clock: VirtualClock) => Promise<T>): Promise<T> {
  const clock = new VirtualClock();
  useKernel(createKernel({ scheduler: clock, onUnhandledError: (e) => { throw e; } }));
  return runVirtual(clock, () => main(clock));
}
