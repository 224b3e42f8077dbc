import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Every seed program in examples/ports, as a C port (rxnto/neutrino) and the RxJS way: each runs
// in virtual time against the built package and prints exactly its .out file.
const dir = 'examples/ports';
const programs = readdirSync(dir).filter((f) => f.endsWith('.mjs')).sort();

describe('examples/ports', () => {
  it('should hold a C port and an RxJS version of every seed program', () => {
    const stems = new Set(programs.map((f) => f.replace(/\.(neutrino|rx)\.mjs$/, '')));
    expect([...stems].sort()).toEqual([
      'seed001-message-attach', 'seed004-server-loop',
      'technote-ex1', 'technote-ex2', 'technote-ex3', 'technote-ex4', 'technote-ex5', 'technote-ex6',
    ]);
    for (const s of stems) expect(programs).toEqual(expect.arrayContaining([`${s}.neutrino.mjs`, `${s}.rx.mjs`]));
  });

  for (const file of programs) {
    it(`should print what ${file.replace('.mjs', '.out')} says`, () => {
      const out = execFileSync(process.execPath, [`${dir}/${file}`], { encoding: 'utf8', timeout: 10_000 });
      expect(out).toBe(readFileSync(`${dir}/${file.replace('.mjs', '.out')}`, 'utf8'));
    });
  }
});
