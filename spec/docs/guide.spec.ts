import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';

// docs/guide.md shows the TypeScript examples verbatim (after their <!-- path --> markers) with
// what they print; each runs here against the built package ('rxnto' resolves to dist).
const guide = readFileSync('docs/guide.md', 'utf8');

function shown(file: string): { code: string; output: string } {
  const at = guide.indexOf(`<!-- ${file} -->`);
  expect(at, `${file} is in the guide`).toBeGreaterThanOrEqual(0);
  const code = /```ts\n([\s\S]*?)```/.exec(guide.slice(at))![1]!;
  const output = /prints\n\n```text\n([\s\S]*?)```/.exec(guide.slice(at))![1]!;
  return { code, output };
}

describe('docs/guide.md', () => {
  for (const name of ['server-and-clients', 'cancellation', 'failover', 'errors', 'batching', 'async-puts', 'marble-spec']) {
    const file = `examples/ts/${name}.ts`;
    it(`should show ${file} as it is and print what it prints`, async () => {
      const { code, output } = shown(file);
      expect(code).toBe(readFileSync(file, 'utf8'));
      const lines: string[] = [];
      const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => { lines.push(args.join(' ')); });
      try {
        await import(`../../${file}`);
      } finally {
        log.mockRestore();
      }
      expect(`${lines.join('\n')}\n`).toBe(output);
    });
  }
});
