import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';

// Every code block of the README and of docs/ is checked: a JavaScript or TypeScript block is a
// file of examples/ shown as it is (named by the `<!-- path -->` line above it); a block followed
// by "prints" is run and must print what is shown (TypeScript through tsx); TypeScript files are
// type-checked by `npm run typecheck` (tsconfig includes examples/); a JavaScript file shown
// without its output must be run by another shown example (a worker module). Shell blocks name
// only npm scripts and files that exist. 'rxnto' resolves to the built package (dist).

interface Block { readonly file: string; readonly line: number; readonly lang: string; readonly code: string; readonly marker: string | null; readonly output: string | null }

const docs = ['README.md', ...readdirSync('docs').filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

function blocksOf(file: string): Block[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)$/.exec(lines[i]!);
    if (open === null) continue;
    const end = lines.indexOf('```', i + 1);
    expect(end, `${file}:${i + 1}: an unclosed code block`).toBeGreaterThan(i);
    const before = lines[i - 1] ?? '';
    const marker = /^<!-- (\S+) -->$/.exec(before)?.[1] ?? null;
    // what it prints: "prints", a blank line, then a text block
    let output: string | null = null;
    if (lines[end + 1] === '' && /^prints/.test(lines[end + 2] ?? '') && lines[end + 3] === '' && lines[end + 4] === '```text') {
      const close = lines.indexOf('```', end + 5);
      output = `${lines.slice(end + 5, close).join('\n')}\n`;
    }
    blocks.push({ file, line: i + 1, lang: open[1]!, code: `${lines.slice(i + 1, end).join('\n')}\n`, marker, output });
    i = end;
  }
  return blocks;
}

const all = docs.flatMap(blocksOf);
const outputs = new Set(all.filter((b) => b.output !== null).map((b) => `${b.file}:${b.output}`));
const scripts = Object.keys((JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts);
const shownAndRun = all.filter((b) => b.marker !== null && b.output !== null).map((b) => b.marker!);

function run(file: string): string {
  const args = file.endsWith('.ts') ? ['--import', 'tsx', file] : [file];
  return execFileSync(process.execPath, args, { encoding: 'utf8', timeout: 60_000 });
}

describe('code blocks of the README and docs/', () => {
  it('should find the blocks (the parser sees them)', () => {
    expect(all.filter((b) => b.lang === 'js' || b.lang === 'ts').length).toBeGreaterThan(20);
    expect(all.filter((b) => b.output !== null).length).toBeGreaterThan(15);
  });

  for (const b of all.filter((x) => x.lang === 'js' || x.lang === 'ts')) {
    const where = `${b.file}:${b.line}`;
    it(`${where}: ${b.marker ?? '(no file)'} should be an example file shown as it is${b.output !== null ? ', printing what is shown' : ''}`, () => {
      expect(b.marker, `${where}: a ${b.lang} block needs a <!-- examples/… --> line above it`).toMatch(/^examples\/\S+\.(m?js|ts)$/);
      expect(existsSync(b.marker!), `${b.marker} exists`).toBe(true);
      expect(b.code).toBe(readFileSync(b.marker!, 'utf8'));
      if (b.output !== null) expect(run(b.marker!)).toBe(b.output);
      else if (!b.marker!.endsWith('.ts')) {
        // a module run by another example (a worker): some shown, run example names it
        const users = shownAndRun.filter((f) => readFileSync(f, 'utf8').includes(basename(b.marker!)));
        expect(users, `${b.marker} is run by a shown example`).not.toEqual([]);
      }
    });
  }

  it('should hold no block of another language than js, ts, sh and text', () => {
    expect(all.filter((b) => !['js', 'ts', 'sh', 'text'].includes(b.lang)).map((b) => `${b.file}:${b.line} ${b.lang}`)).toEqual([]);
  });

  it('should show text blocks only as outputs of a run example or as the marble picture its spec runs', () => {
    const loose = all.filter((b) => b.lang === 'text' && b.marker !== 'picture' && !all.some((o) => o.file === b.file && o.output !== null && o.output === b.code && outputs.has(`${o.file}:${o.output}`)));
    expect(loose.map((b) => `${b.file}:${b.line}`)).toEqual([]);
  });

  it('should name only npm scripts and files that exist in shell blocks', () => {
    for (const b of all.filter((x) => x.lang === 'sh')) {
      for (const m of b.code.matchAll(/npm run (\S+)/g)) expect(scripts, `${b.file}:${b.line}: npm run ${m[1]}`).toContain(m[1]);
      for (const m of b.code.matchAll(/\bnode (\S+\.m?js)/g)) expect(existsSync(m[1]!), `${b.file}:${b.line}: ${m[1]}`).toBe(true);
      for (const m of b.code.matchAll(/npm install ([^#\n]+)/g)) {
        for (const pkg of m[1]!.trim().split(/\s+/)) expect(['rxnto', 'rxjs', 'ix', '@nats-io/transport-node@~3.3'], `${b.file}:${b.line}: ${pkg}`).toContain(pkg);
      }
    }
  });
});
