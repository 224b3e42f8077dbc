import typescript from '@rollup/plugin-typescript';

const input = {
  index: 'src/index.ts',
  'operators/index': 'src/operators/index.ts',
  'constants/index': 'src/constants/index.ts',
  'neutrino/index': 'src/neutrino/index.ts',
  'testing/index': 'src/testing/index.ts',
  'link/worker/index': 'src/link/worker/index.ts',
  'link/nats/index': 'src/link/nats/index.ts',
};

// rxjs, @nats-io/transport-node and node built-ins stay imports; everything of ours is emitted one
// file per module (nothing imports ix: receive() returns a plain AsyncIterable, issue 22)
const external = (id) => /^(rxjs|@nats-io\/transport-node)(\/|$)/.test(id) || id.startsWith('node:');

const ts = () =>
  typescript({
    tsconfig: './tsconfig.json',
    include: ['src/**/*.ts'],
    compilerOptions: { noEmit: false, declaration: false, declarationMap: false, sourceMap: true, outDir: undefined },
    noEmitOnError: true,
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
];
