import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Issue 14 through the built package: the worker examples (real worker_threads, real time) print
// their .out files; each ends its workers, so each program exits by itself.
describe('examples/workers (built package)', () => {
  for (const name of ['technote-ex6.neutrino', 'technote-ex6.rx', 'supervisor']) {
    it(`should run ${name}.mjs to the end and print what ${name}.out says`, () => {
      const out = execFileSync(process.execPath, [`examples/workers/${name}.mjs`], { encoding: 'utf8', timeout: 30_000 });
      expect(out).toBe(readFileSync(`examples/workers/${name}.out`, 'utf8'));
    }, 40_000);
  }
});
