// Declarations: tsc emits .d.ts for the ESM branch; each gets a .d.cts twin for the CJS branch
// whose relative imports point at .cjs, so TypeScript resolves CJS types as CJS.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

rmSync('dist/types', { recursive: true, force: true });
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.d.ts')) {
      const text = readFileSync(p, 'utf8').replace(/(from\s+|import\()(['"])(\.{1,2}\/[^'"]+)\.js\2/g, '$1$2$3.cjs$2');
      writeFileSync(p.replace(/\.d\.ts$/, '.d.cts'), text.replace(/\/\/# sourceMappingURL=.*$/m, ''));
    }
  }
}
walk('dist/types');
