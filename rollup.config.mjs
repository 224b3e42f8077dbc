import { readFileSync } from 'node:fs';
import typescript from '@rollup/plugin-typescript';

const input = {
  index: 'src/index.ts',
  'operators/index': 'src/operators/index.ts',
  'constants/index': 'src/constants/index.ts',
  'neutrino/index': 'src/neutrino/index.ts',
  'testing/index': 'src/testing/index.ts',
  'link/worker/index': 'src/link/worker/index.ts',
  'link/nats/index': 'src/link/nats/index.ts',
  'inspector/index': 'src/inspector/index.ts',
};

// rxjs, @nats-io/transport-node and node built-ins stay imports; everything of ours is emitted one
// file per module (nothing imports ix: receive() returns a plain AsyncIterable, issue 22)
const external = (id) => /^(rxjs|@nats-io\/(transport-node|jetstream))(\/|$)/.test(id) || id.startsWith('node:');

const ts = () =>
  typescript({
    tsconfig: './tsconfig.json',
    include: ['src/**/*.ts'],
    compilerOptions: { noEmit: false, declaration: false, declarationMap: false, sourceMap: true, outDir: undefined },
    noEmitOnError: true,
  });

/** The page's TypeScript: its own files (and the protocol's types); DOM types come from each file's `/// <reference lib="dom" />`. */
const pageTs = () =>
  typescript({
    tsconfig: './tsconfig.json',
    include: ['src/inspector/page/**/*.ts', 'src/inspector/protocol.ts'],
    compilerOptions: { noEmit: false, declaration: false, declarationMap: false, sourceMap: false, outDir: undefined },
    noEmitOnError: true,
  });

/** Copy the page's static files (`src/inspector/page/<name>`) next to app.js. */
const pageAssets = (names) => ({
  name: 'inspector-page-assets',
  buildStart() {
    for (const name of names) this.addWatchFile(`src/inspector/page/${name}`);
  },
  generateBundle() {
    for (const name of names) this.emitFile({ type: 'asset', fileName: name, source: readFileSync(`src/inspector/page/${name}`) });
  },
});

export default [
  {
    input,
    external,
    plugins: [ts()],
    output: { dir: 'dist/esm', format: 'es', preserveModules: true, preserveModulesRoot: 'src', entryFileNames: '[name].js', sourcemap: true },
  },
  {
    input,
    external,
    plugins: [ts()],
    output: {
      dir: 'dist/cjs', format: 'cjs', preserveModules: true, preserveModulesRoot: 'src', entryFileNames: '[name].cjs',
      sourcemap: true, exports: 'named',
    },
  },
  // the inspector's page (issue 24): one ES module for the browser, with its HTML and CSS beside it
  {
    input: 'src/inspector/page/main.ts',
    plugins: [pageTs(), pageAssets(['index.html', 'style.css'])],
    output: { file: 'dist/inspector-page/app.js', format: 'es', sourcemap: false },
  },
];
