import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';

// Issue 22, item 5: `npm start` shows the RxJS side first (a server, three clients, a client
// whose timeout cancels the server's work), then the QNX view of the same run (a pidin table
// taken mid-exchange, the kernel trace as marble diagrams). Runs the built package.
const demo = 'examples/demo.mjs';
const run = (env: Record<string, string>): string =>
  execFileSync(process.execPath, [demo], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, ...env } });

/** The output without its timestamps, and with each trace row reduced to its letters in order. */
function untimed(out: string): string {
  return out
    .split('\n')
    .map((line) => line.replace(/^ *\d+ ms {2}/, ''))
    .map((line) => (/^(server|alice|bob|carol|dave) {2,}[-a-zA-Z()]+$/.test(line) ? line.replace(/[-()]/g, '') : line))
    .join('\n');
}

describe('npm start (examples/demo.mjs)', () => {
  let virtual = '';
  beforeAll(() => { virtual = run({ RXNTO_VIRTUAL: '1' }); });

  it('should print examples/demo.virtual.out in virtual time, the same on every run', () => {
    expect(virtual).toBe(readFileSync('examples/demo.virtual.out', 'utf8'));
    expect(run({ RXNTO_VIRTUAL: '1' })).toBe(virtual);
  });

  it('should show the RxJS part before the QNX view', () => {
    const rxjs = virtual.indexOf('Part 1 · RxJS');
    const qnx = virtual.indexOf('Part 2 · The QNX view');
    expect(rxjs).toBeGreaterThanOrEqual(0);
    expect(qnx).toBeGreaterThan(rxjs);
    expect(virtual.indexOf("reply 'HELLO FROM ALICE'")).toBeGreaterThan(rxjs);
    expect(virtual.indexOf("reply 'HELLO FROM ALICE'")).toBeLessThan(qnx);
    expect(virtual.indexOf('pid  tid  name')).toBeGreaterThan(qnx);
  });

  it("should show a client's timeout cancelling the server's work, and what the client gets", () => {
    expect(virtual).toMatch(/^ 1100 ms {2}server {2}work for 'monthly report' cancelled \(EINTR\)$/m);
    expect(virtual).toMatch(/^ 1100 ms {2}dave {4}TimeoutError: /m);
    expect(virtual).toMatch(/^ 1300 ms {2}server {2}work for 'yearly report' cancelled \(ETIMEDOUT\)$/m);
    expect(virtual).toMatch(/^ 1300 ms {2}dave {4}KernelError ETIMEDOUT$/m);
  });

  it('should show the clients REPLY- and SEND-blocked in the pidin table', () => {
    expect(virtual).toMatch(/^ +2 +2 +alice\/rx +10 +REPLY +pid 1 chid 1$/m);
    expect(virtual).toMatch(/^ +3 +2 +bob\/rx +10 +SEND +pid 1 chid 1$/m);
    expect(virtual).toMatch(/^ +4 +2 +carol\/rx +10 +SEND +pid 1 chid 1$/m);
  });

  it('should draw the trace as marble diagrams', () => {
    expect(virtual).toMatch(/^server {2}r--\(Rr\)--\(Rr\)--\(Rr\)/m);
    expect(virtual).toMatch(/^alice {3}s-+$/m);
    expect(virtual).toMatch(/^dave {4}-+s-+\(us\)-+u-*$/m);
  });

  // speed is the bench's business: no duration is asserted here, only that real time gives the same story
  it('should run in real time too, printing the same lines (timestamps aside)', () => {
    const real = run({ RXNTO_VIRTUAL: '' });
    expect(untimed(real)).toBe(untimed(virtual));
  });
});
