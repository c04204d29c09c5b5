// Bundles each part of MedTransfer on its own: the trainer (CLI and forked child), and, as they
// land, the extension host and the webviews. `--watch` rebuilds on change; type checking is
// `npm run typecheck` (esbuild only strips types).
import * as esbuild from 'esbuild';
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** Backends that are native or optional: loaded at run time where the user installed them. */
const optionalBackends = [
  '@tensorflow/tfjs-node',
  '@tensorflow/tfjs-node-gpu',
  '@tensorflow/tfjs-backend-webgpu',
  'webgpu',
];

const nodeDefaults = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  // tfjs-backend-wasm's Emscripten loader requires these only in the browser branch.
  external: ['worker_threads', 'perf_hooks'],
};

const bundles = [
  {
    ...nodeDefaults,
    entryPoints: { cli: join(root, 'src/trainer/cli/main.ts') },
    outdir: join(root, 'dist'),
    external: [...nodeDefaults.external, ...optionalBackends],
    banner: { js: '#!/usr/bin/env node' },
  },
];

/** The wasm backend loads its .wasm binaries at run time from beside the bundle. */
function copyWasmBinaries() {
  const from = join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
  const to = join(root, 'dist/wasm');
  mkdirSync(to, { recursive: true });
  for (const file of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) {
    if (existsSync(join(from, file))) cpSync(join(from, file), join(to, file));
  }
}

copyWasmBinaries();
if (watch) {
  const contexts = await Promise.all(bundles.map((options) => esbuild.context(options)));
  await Promise.all(contexts.map((context) => context.watch()));
  console.log('watching for changes…');
} else {
  await Promise.all(bundles.map((options) => esbuild.build(options)));
}
