import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Throttle } from '../../../src/inspector/page/throttle.js';

describe('Throttle (a view refetched on changed, at most ~4/s)', () => {
  beforeEach(() => { vi.useFakeTimers(); });
  afterEach(() => { vi.useRealTimers(); });

  it('should run at most once per period, never two at once, and once more after a burst', async () => {
    let runs = 0;
    let running = 0;
    let most = 0;
    const t = new Throttle(async () => {
      runs++;
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, 100));
      running--;
    }, 250, () => Date.now());
    for (let i = 0; i < 100; i++) {
      t.request();
      await vi.advanceTimersByTimeAsync(10); // 100 requests over one second
    }
    await vi.advanceTimersByTimeAsync(2000);
    expect(most).toBe(1);
    expect(runs).toBeGreaterThanOrEqual(4);
    expect(runs).toBeLessThanOrEqual(5);
  });

  it('should forget a pending run when cancelled', async () => {
    let runs = 0;
    const t = new Throttle(async () => { runs++; }, 250, () => Date.now());
    t.request();
    t.request();
    t.cancel();
    await vi.advanceTimersByTimeAsync(1000);
    expect(runs).toBe(1);
  });
});
