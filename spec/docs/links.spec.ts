import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

// The README and the guides work on the registry page, in an installed copy and offline: every
// relative link names a file the package ships (`npm pack`), and every #anchor a heading there.
// The README's entry points are the package's `exports`, no more, no less.

const docs = ['README.md', ...readdirSync('docs').filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** The text outside code blocks and inline code. */
function prose(file: string): string {
  return readFileSync(file, 'utf8').replace(/^```[\s\S]*?^```$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's anchor of a heading. */
function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/`/g, '').replace(/[^\p{L}\p{N}\s-]/gu, '').replace(/\s/g, '-');
}

function anchors(file: string): Set<string> {
  return new Set([...prose(file).matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]!)));
}

let shipped: Set<string>;
beforeAll(() => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8' });
  shipped = new Set((JSON.parse(out) as [{ files: { path: string }[] }])[0].files.map((f) => f.path));
}, 60_000);

describe('links of the README and docs/', () => {
  it('should ship the README, every guide and the changelog', () => {
    for (const f of [...docs, 'CHANGELOG.md', 'LICENSE']) expect(shipped.has(f), f).toBe(true);
    expect([...shipped].filter((f) => f.startsWith('docs/api/')), 'not the generated site').toEqual([]);
  });

  for (const file of docs) {
    it(`${file}: every relative link should name a shipped file and an existing heading`, () => {
      const links = [...prose(file).matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((t) => !/^[a-z]+:/.test(t));
      for (const link of links) {
        const [path, anchor] = link.split('#') as [string, string | undefined];
        const target = path === '' ? file : normalize(join(dirname(file), path));
        expect(shipped.has(target), `${file}: ${link} → ${target} is shipped`).toBe(true);
        if (anchor !== undefined) expect(anchors(target).has(anchor), `${file}: ${link} → #${anchor} in ${target}`).toBe(true);
      }
    });
  }

  it('should link every guide from the README', () => {
    const readme = prose('README.md');
    for (const guide of docs.filter((f) => f !== 'README.md')) expect(readme, guide).toContain(`](${guide})`);
  });

  it("should list exactly the package's entry points in the README", () => {
    const exports = Object.keys((JSON.parse(readFileSync('package.json', 'utf8')) as { exports: Record<string, unknown> }).exports)
      .filter((k) => k !== './package.json').map((k) => (k === '.' ? 'rxnto' : `rxnto/${k.slice(2)}`));
    const readme = readFileSync('README.md', 'utf8');
    const table = readme.slice(readme.indexOf('## Entry points'), readme.indexOf('\n## ', readme.indexOf('## Entry points') + 5));
    const listed = [...table.matchAll(/^\| `(rxnto[^`]*)` \|/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual(exports.sort());
  });

  it('should keep the README a landing page: ≤ 12 KB, with install, quick start and the guide on its first screen', () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(12 * 1024);
    const firstScreen = readme.split('\n').slice(0, 40).join('\n');
    expect(firstScreen).toContain('npm install rxnto rxjs');
    expect(firstScreen).toContain('](docs/rxjs.md)');
    expect(firstScreen).toContain('## Quick start');
  });
});
