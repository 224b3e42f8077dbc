import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// DESIGN.md: src/kernel imports nothing of ours above it and no RxJS; no Promise, no host timer.
const files = readdirSync('src/kernel').filter((f) => f.endsWith('.ts')).map((f) => join('src/kernel', f));

describe('src/kernel boundary', () => {
  it.each(files)('%s should import only kernel modules', (file) => {
    const imports = [...readFileSync(file, 'utf8').matchAll(/from\s+'([^']+)'/g)].map((m) => m[1]!);
    expect(imports.filter((i) => !i.startsWith('./'))).toEqual([]);
  });

  it.each(files)('%s should use no Promise, async function or host timer', (file) => {
    const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    expect(code).not.toMatch(/\bPromise\b|\basync\s+(function\b|\(|\*|[\w$]+\s*=>)|\bawait\s|setTimeout|setInterval|setImmediate|queueMicrotask/);
  });
});
