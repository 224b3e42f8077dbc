import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The README's examples are files in examples/: each must appear verbatim in the README
// (after its <!-- path --> marker) and run against the built package with the output shown.
const readme = readFileSync('README.md', 'utf8');

function shown(file: string): { code: string; output: string } {
  const at = readme.indexOf(`<!-- ${file} -->`);
  const code = /```js\n([\s\S]*?)```/.exec(readme.slice(at))![1]!;
  const output = /prints\n\n```text\n([\s\S]*?)```/.exec(readme.slice(at))![1]!;
  return { code, output };
}

describe('README examples', () => {
  for (const file of ['examples/hello.mjs', 'examples/kernel.mjs', 'examples/neutrino.mjs', 'examples/rx.mjs', 'examples/marbles.mjs', 'examples/async.mjs', 'examples/asyncmsg.mjs', 'examples/reliability.mjs', 'examples/large.mjs', 'examples/nodes.mjs', 'examples/workers.mjs', 'examples/ports/seed001-message-attach.rx.mjs', 'examples/ports/seed001-message-attach.neutrino.mjs']) {
    it(`should show ${file} as it is and print what it prints`, () => {
      const { code, output } = shown(file);
      expect(code).toBe(readFileSync(file, 'utf8'));
      expect(execFileSync(process.execPath, [file], { encoding: 'utf8' })).toBe(output);
    });
  }

  it('should run the demo (technote Example 6, in virtual time): the exchange, a pidin table, the trace as marbles', () => {
    const out = execFileSync(process.execPath, ['examples/demo.mjs'], { encoding: 'utf8', timeout: 10_000, env: { ...process.env, RXNTO_VIRTUAL: '1' } });
    expect(out).toContain('  3    1  asynch_server             10  RECEIVE    chid 1');
    expect(out).toContain("pulse → asyncmsg_get: 'message #3' from pid 2");
    expect(out).toMatch(/^asynch_server  -+\(rR/m);
    expect(out).toBe(readFileSync('examples/demo.virtual.out', 'utf8'));
  });
});
