import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import { describe, it } from 'node:test';
import { resolveWasmDir, wasmDirCandidates } from '../../../../src/trainer/backend/wasmDir';

const resolvePackage = () => '/pkg/tfjs-backend-wasm/dist/tf-backend-wasm.node.js';

describe('wasm binaries folder', () => {
  it('tries the given folder, then wasm/ beside the script (the bundle), then the package', () => {
    assert.deepEqual(wasmDirCandidates({ wasmDir: '/given', scriptDir: '/app/dist', resolvePackage }), [
      '/given',
      join('/app/dist', 'wasm'),
      '/pkg/tfjs-backend-wasm/dist',
    ]);
  });

  it('picks the first folder that holds the binaries, with a trailing separator', () => {
    const has = (folder: string) => (path: string) => path === join(folder, 'tfjs-backend-wasm.wasm');
    assert.equal(
      resolveWasmDir({ scriptDir: '/app/dist', resolvePackage }, has('/app/dist/wasm')),
      `/app/dist/wasm${sep}`,
    );
    assert.equal(
      resolveWasmDir({ scriptDir: '/app/dist', resolvePackage }, has('/pkg/tfjs-backend-wasm/dist')),
      `/pkg/tfjs-backend-wasm/dist${sep}`,
    );
    assert.equal(
      resolveWasmDir({ wasmDir: '/given/', scriptDir: '/app/dist', resolvePackage }, has('/given')),
      '/given/',
    );
  });

  it('names every folder tried when none holds them', () => {
    assert.throws(
      () => resolveWasmDir({ wasmDir: '/given', scriptDir: '/app/dist', resolvePackage }, () => false),
      /tfjs-backend-wasm\.wasm not found in any of: \/given, \/app\/dist\/wasm, \/pkg\/tfjs-backend-wasm\/dist/,
    );
  });

  it('finds the installed package’s binaries from source (tsx, tests)', () => {
    const dir = resolveWasmDir();
    assert.ok(existsSync(join(dir, 'tfjs-backend-wasm-simd.wasm')), dir);
  });
});
