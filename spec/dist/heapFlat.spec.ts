import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// `npm test` builds first; the script loads dist/ through the package's own exports map, in a
// child process of its own so that it can run with --expose-gc and measure an undisturbed heap.

interface HeapReport {
  at100k: number;
  at1M: number;
  growth: number;
}

describe('heap under connection and channel churn (issue 20 item 7.1)', () => {
  it('should stay flat within 5 % from 100k to 1M ConnectAttach/ConnectDetach and ChannelCreate/ChannelDestroy cycles', () => {
    const out = execFileSync(process.execPath, ['--expose-gc', 'spec/dist/heapFlat.mjs'], { encoding: 'utf8', timeout: 120_000 });
    const report = JSON.parse(out) as HeapReport;
    expect(report.at100k).toBeGreaterThan(0);
    expect(Math.abs(report.growth), JSON.stringify(report)).toBeLessThanOrEqual(0.05);
  }, 150_000);
});
