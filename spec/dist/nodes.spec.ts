import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Issue 13 through the built package: the two-node examples print their .out files, and the
// node surfaces work as a consumer imports them.
const dir = 'examples/nodes';
const programs = readdirSync(dir).filter((f) => f.endsWith('.mjs')).sort();

describe('examples/nodes (built package)', () => {
  it('should hold technote Example 6 over two nodes, as a C port and the RxJS way', () => {
    expect(programs).toEqual(['technote-ex6.neutrino.mjs', 'technote-ex6.rx.mjs']);
  });

  for (const file of programs) {
    it(`should print what ${file.replace('.mjs', '.out')} says`, () => {
      const out = execFileSync(process.execPath, [`${dir}/${file}`], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] });
      expect(out).toBe(readFileSync(`${dir}/${file.replace('.mjs', '.out')}`, 'utf8'));
    });
  }

  it('should offer nodes from dist: createSystem({ node }), connectLoopback (with a key), global names, netmgr_*, EHOSTDOWN, healing, netStats', () => {
    const out = JSON.parse(execFileSync(process.execPath, ['spec/dist/nodes.mjs'], { encoding: 'utf8' }));
    expect(out).toEqual({
      reply: 'HI', nd: 1, self: 0, dir: '/net/b/', lost: 'EHOSTDOWN', cjs: 'function', enoremote: 'ENOREMOTE',
      suspect: 'suspect', late: 'LATE', states: ['suspect reconnecting', 'up recovered', 'down heartbeat', 'up healed'],
      healed: 'up', sessions: 2, keyed: { state: 'up', unauthenticated: 1 },
    });
  });
});
