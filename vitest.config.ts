import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    // The browser specs run last, one file at a time, after every other file has finished: a
    // page's timings and a real browser's start-up are the machine's as much as the page's, and
    // on a 2-core machine the other files running beside them made them the flaky ones.
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['spec/**/*.spec.ts', 'marbles/**/*.marbles.ts'],
          exclude: ['spec/browser/**'],
          // type tests: spec/types/*.test-d.ts, checked by tsc through vitest
          typecheck: { enabled: true, include: ['spec/types/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
        },
      },
      {
        extends: true,
        test: { name: 'browser', include: ['spec/browser/**/*.spec.ts'], fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
    // the model-based spec runs 10,000 sequences; give it room on a 2-core machine
    testTimeout: 30_000,
    pool: 'forks',
    // the JSON report lets .ci/run print a runner-neutral 'N passed, N failed' line
    reporters: ['default', ['json', { outputFile: '.test-results.json' }]],
    // a ratchet on the kernel, the part that has to be right (STYLE H24 aims at 100 %)
    coverage: {
      enabled: true,
      provider: 'v8',
      include: ['src/kernel/**'],
      exclude: ['src/kernel/index.ts'],
      reporter: ['text-summary'],
      thresholds: { lines: 97, statements: 93, branches: 85, functions: 95 },
    },
  },
});
