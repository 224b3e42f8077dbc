// A finished program exits though its worker nodes run (the main side's links and workers are
// unref'd while no call crosses them), and not before: a call in flight keeps it alive until it
// settles, answered or EHOSTDOWN (a worker that hangs). The built package, in child processes.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** Run the fixture; its stdout and exit code, or 'still running' after `ms`. */
function run(args: string[], ms = 15_000): Promise<{ out: string; code: number | string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['spec/link/fixtures/finished.mjs', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); resolve({ out, code: 'still running' }); }, ms);
    child.on('exit', (code) => { clearTimeout(timer); resolve({ out, code: code ?? -1 }); });
  });
}

describe('a program with worker nodes', () => {
  for (const transport of ['ring', 'port']) {
    it(`should stay for a call in flight and exit once it is answered (${transport})`, async () => {
      expect(await run(['slow', transport])).toEqual({ out: 'reply HI\nwaited long enough\n', code: 0 });
    }, 20_000);
  }

  it('should stay while the worker runs with keepAlive, though no call crosses', async () => {
    expect(await run(['slow', 'ring', 'keep'])).toEqual({ out: 'reply HI\nwaited long enough\nworker gone, kept long enough\n', code: 0 });
  }, 20_000);

  it('should settle a call to a hung worker with EHOSTDOWN at the liveness bound, then exit', async () => {
    expect(await run(['hang', 'ring'])).toEqual({ out: 'EHOSTDOWN\nwaited long enough\n', code: 0 });
  }, 20_000);
});
