// The real paths: wasm (binaries, our kernels, training gradients) and cpu started by
// selectBackend, the real module loader over extra search folders, and an optional package that
// is not installed here asked for by name.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { createModuleLoader, isModuleMissing } from '../../../../src/trainer/backend/moduleLoader';
import { loadNativeAddon } from '../../../../src/trainer/backend/native/nativeAddon';
import { selectBackend } from '../../../../src/trainer/backend/selectBackend';
import { probeWebgpu } from '../../../support/webgpuProbe';
import { skipMissing } from '../../../support/prerequisites';

const OPTIONAL = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs-backend-webgpu', 'webgpu'];

function isInstalled(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

describe('selectBackend on the real engine', () => {
  it('starts wasm with our gradient kernels, without leaving Emscripten’s process handlers', async () => {
    const handlersBefore =
      process.listeners('uncaughtException').length + process.listeners('unhandledRejection').length;
    const lines: string[] = [];
    const selected = await selectBackend('wasm', { log: (line) => lines.push(line) });
    assert.equal(selected.name, 'wasm');
    assert.equal(tf.getBackend(), 'wasm');
    assert.ok(
      selected.notes.some((note) => /^wasm: SIMD build, 1 thread/.test(note)),
      selected.notes.join('\n'),
    );
    assert.ok(
      selected.notes.some((note) => note.includes('added Conv2DBackpropFilter')),
      selected.notes.join('\n'),
    );
    assert.equal(
      process.listeners('uncaughtException').length + process.listeners('unhandledRejection').length,
      handlersBefore,
    );
    // The gradient wasm lacked now runs.
    const dw = tf.tidy(() => {
      const x = tf.ones([1, 5, 5, 2]) as tf.Tensor4D;
      return tf.grad((w: tf.Tensor) => tf.sum(tf.conv2d(x, w as tf.Tensor4D, 1, 'valid')))(tf.ones([3, 3, 2, 4]));
    });
    assert.deepEqual(Array.from(dw.dataSync()), new Array(3 * 3 * 2 * 4).fill(9));
    dw.dispose();
    assert.ok(lines.includes('backend wasm: as asked'));
  });

  it('auto takes wasm when the optional packages are absent', async () => {
    const hidden = async (name: string): Promise<unknown> => {
      throw Object.assign(new Error(`Cannot find module '${name}'`), { code: 'MODULE_NOT_FOUND' });
    };
    const selected = await selectBackend('auto', { log: () => undefined, loadModule: hidden });
    assert.equal(selected.name, 'wasm');
    assert.equal(tf.getBackend(), 'wasm');
  });

  it('starts cpu when asked', async () => {
    const selected = await selectBackend('cpu', { log: () => undefined });
    assert.equal(selected.name, 'cpu');
    assert.equal(tf.getBackend(), 'cpu');
  });

  it('an optional package that is not installed here, asked for by name, is a clear error', async (t) => {
    if (isInstalled('@tensorflow/tfjs-node')) {
      t.skip('@tensorflow/tfjs-node is installed on this machine');
      return;
    }
    await assert.rejects(
      selectBackend('tensorflow', { log: () => undefined }),
      /@tensorflow\/tfjs-node is not installed .*npm install/,
    );
  });

  it('auto with the real loader picks the best backend available here', async () => {
    const selected = await selectBackend('auto', { log: () => undefined });
    if (!OPTIONAL.some(isInstalled)) assert.equal(selected.name, loadNativeAddon().ok ? 'native' : 'wasm');
    // tfjs names the backends under two of ours: tfjs-node-gpu's is 'tensorflow', native runs on 'wasm'.
    const tfjsName = { 'tensorflow-gpu': 'tensorflow', native: 'wasm' } as Partial<Record<string, string>>;
    assert.equal(tf.getBackend(), tfjsName[selected.name] ?? selected.name);
    selected.release();
  });

  it('auto passes over a software WebGPU adapter (lavapipe) and says why', async (t) => {
    const probe = await probeWebgpu();
    if (!probe.available) {
      skipMissing(t, `no WebGPU adapter here: ${probe.reason}`);
      return;
    }
    if (probe.hardware) {
      t.skip(`this machine has a hardware adapter (${probe.label})`);
      return;
    }
    const originalSetImmediate = globalThis.setImmediate;
    const selected = await selectBackend('auto', { log: () => undefined });
    selected.release();
    assert.equal(globalThis.setImmediate, originalSetImmediate, 'the Dawn event pump is uninstalled');
    if (isInstalled('@tensorflow/tfjs-node') || isInstalled('@tensorflow/tfjs-node-gpu')) return;
    assert.equal(selected.name, loadNativeAddon().ok ? 'native' : 'wasm');
    const note = selected.notes.find((line) => line.startsWith('webgpu: '));
    assert.match(
      note ?? '',
      /^webgpu: only a software adapter \(.*llvmpipe.*\), which auto does not choose; set backend: webgpu/i,
    );
    assert.equal(
      (globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu,
      undefined,
      'no navigator.gpu left behind',
    );
  });
});

describe('the real module loader', () => {
  const root = mkdtempSync(join(tmpdir(), 'medtransfer-loader-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const writePackage = (name: string, main: string, type: 'commonjs' | 'module' = 'commonjs') => {
    const dir = join(root, 'node_modules', name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, type, main: 'index.js' }));
    writeFileSync(join(dir, 'index.js'), main);
  };

  it('finds a package in an extra search folder (a project folder or its node_modules)', async () => {
    writePackage('medtransfer-fake-backend', "module.exports = { kind: 'fake' };");
    for (const searchPath of [root, join(root, 'node_modules')]) {
      const loaded = await createModuleLoader({ searchPaths: [searchPath] })('medtransfer-fake-backend');
      assert.deepEqual(loaded, { kind: 'fake' });
    }
  });

  it('loads an ES-module package (as the webgpu package is) through import()', async () => {
    writePackage('medtransfer-esm-backend', 'export const create = () => 42;\nexport const globals = {};', 'module');
    const loaded = await createModuleLoader({ searchPaths: [root] })('medtransfer-esm-backend');
    assert.equal((loaded as { create: () => number }).create(), 42);
  });

  it('tells a missing package from an installed one that fails to load', async () => {
    const load = createModuleLoader({ searchPaths: [root] });
    await assert.rejects(load('medtransfer-not-there'), (error: unknown) =>
      isModuleMissing(error, 'medtransfer-not-there'),
    );
    writePackage('medtransfer-broken-backend', "require('./build/Release/binding.node');");
    await assert.rejects(
      load('medtransfer-broken-backend'),
      (error: unknown) => !isModuleMissing(error, 'medtransfer-broken-backend') && /binding\.node/.test(String(error)),
    );
  });
});
