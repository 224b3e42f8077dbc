import { describe, expect, it } from 'vitest';

// Figures the code knows (size budgets, bench results, errno table, net defaults) are generated
// into the docs by scripts/docFacts.mjs; none may be stale. Needs the build (npm test builds first).
describe('generated figures of the docs', () => {
  it('should be current in every doc that holds one', async () => {
    const { blocksOf, docFiles } = await import('../../scripts/docFacts.mjs');
    const names: string[] = [];
    for (const file of docFiles()) {
      for (const b of await blocksOf(file)) {
        names.push(b.name);
        expect(b.actual, `${file}: generated:${b.name} (run npm run docs:facts)`).toBe(b.expected);
      }
    }
    expect(names.sort()).toEqual(['bench', 'budgets', 'errno', 'net-defaults']);
  });
});
