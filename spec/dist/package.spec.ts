import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// `npm test` builds first; these specs load dist/ through the package's own exports map.
const run = (file: string): unknown => JSON.parse(execFileSync(process.execPath, [file], { encoding: 'utf8' }));

describe('built package', () => {
  it('should have been built', () => {
    expect(existsSync('dist/esm/index.js') && existsSync('dist/cjs/index.cjs') && existsSync('dist/types/index.d.cts')).toBe(true);
  });

  it('should work through ESM import of every subpath', () => {
    expect(run('spec/dist/smoke.mjs')).toEqual({ status: 5, errorName: 'EINVAL', slept: 1000, ETIMEDOUT: 260, chid: 2, rx: 'DIST', harness: 'function', async: 2 });
  });

  it('should work through CJS require of every subpath', () => {
    expect(run('spec/dist/smoke.cjs')).toEqual({ dispatched: 'routed', attached: 0, dispatchTo: 'function', code: 'EINVAL', EOK: 0, chid: 2, hasRunVirtual: 'function', rx: 'four!', async: ['x+y'], ops: [2, 1], put: 'function' });
  });

  it('should keep the hardening guarantees of issue 10 when imported from dist', () => {
    expect(run('spec/dist/hardening.mjs')).toEqual({
      MAX_TIMER_DELAY: 2 ** 31 - 1, ABLE_PRIV: 61, EISDIR: 21, code21: 'EISDIR', stale: 'ESRCH',
      c: { receiveFrozen: [-1, 'Bad address'], pthread: 14, afterDeath: [[-1, -1], 'Bad file descriptor', [[1, 9]]] },
      rx: { answered: [3, 0], next: 'NEXT' },
    });
  });

  it('should offer the RxJS-first shapes of issue 11 when imported from dist', () => {
    expect(run('spec/dist/rxfirst.mjs')).toEqual({
      subject: [[4000, false], [2000, false]], pulse: 'RangeError', cancel: ['ETIMEDOUT', [5, -1]], remote: 5, refused: 6, stalls: ['SEND'],
    });
  });

  it('should lend long messages, keep() them and reply into the caller\'s buffer (issue 12) when imported from dist', () => {
    expect(run('spec/dist/speed.mjs')).toEqual({
      kept: [1], sharedBuffer: true, replies: [[100, true, true, 1], [100, true, true, 2]], refused: 'EINVAL',
    });
  });
});
