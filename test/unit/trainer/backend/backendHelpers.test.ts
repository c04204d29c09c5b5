import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorSummary, isModuleMissing, moduleNotFoundError } from '../../../../src/trainer/backend/moduleLoader';
import { withoutNewProcessHandlers } from '../../../../src/trainer/backend/processHandlers';
import { startBackend } from '../../../../src/trainer/backend/startBackend';
import { describeAdapter } from '../../../../src/trainer/backend/webgpuAdapter';

describe('describeAdapter', () => {
  it('labels hardware adapters from adapter.info', async () => {
    const adapter = {
      info: { vendor: 'nvidia', architecture: 'hopper', device: 'NVIDIA H100 PCIe', description: 'NVIDIA H100 PCIe' },
    };
    assert.deepEqual(await describeAdapter(adapter), { label: 'nvidia, hopper, NVIDIA H100 PCIe', hardware: true });
  });

  it('reads requestAdapterInfo() from older Dawn builds', async () => {
    const adapter = { requestAdapterInfo: async () => ({ vendor: 'amd', device: 'Radeon RX 7900' }) };
    assert.deepEqual(await describeAdapter(adapter), { label: 'amd, Radeon RX 7900', hardware: true });
  });

  it('recognises software adapters by name or by the fallback flag', async () => {
    const software = [
      { info: { vendor: 'mesa', device: 'llvmpipe (LLVM 19.1.7, 256 bits)' } },
      { info: { description: 'Lavapipe' } },
      { info: { vendor: 'google', device: 'SwiftShader Device (Subzero)' } },
      { info: { description: 'Microsoft Basic Render Driver' } },
      { info: { vendor: 'x', device: 'y' }, isFallbackAdapter: true },
      { info: { vendor: 'x', device: 'y', isFallbackAdapter: true } },
    ];
    for (const adapter of software)
      assert.equal((await describeAdapter(adapter)).hardware, false, JSON.stringify(adapter));
  });

  it('copes with an adapter that says nothing about itself', async () => {
    assert.deepEqual(await describeAdapter({}), { label: 'unnamed adapter', hardware: true });
  });
});

describe('module errors', () => {
  it('a missing package is MODULE_NOT_FOUND naming that package', () => {
    assert.equal(isModuleMissing(moduleNotFoundError('webgpu'), 'webgpu'), true);
    assert.equal(isModuleMissing(moduleNotFoundError('webgpu'), '@tensorflow/tfjs-backend-webgpu'), false);
    assert.equal(isModuleMissing(new Error("Cannot find module 'webgpu'"), 'webgpu'), false, 'needs the code');
  });

  it('summarises errors and non-errors to their first line', () => {
    assert.equal(errorSummary(new Error('first\nsecond')), 'first');
    assert.equal(
      errorSummary({ message: 'Make sure the server can serve the `.wasm` file\nmore' }),
      'Make sure the server can serve the `.wasm` file',
    );
    assert.equal(errorSummary('plain'), 'plain');
  });
});

describe('startBackend', () => {
  it('turns tfjs’s warnings about a failed start into the reason, and logs them', async () => {
    const lines: string[] = [];
    const result = await startBackend(
      {
        setBackend: async () => {
          console.warn('Initialization of backend webgpu failed');
          console.warn(new Error('No adapter found\n  at x'));
          return false;
        },
        ready: async () => undefined,
      },
      'webgpu',
      (line) => lines.push(line),
    );
    assert.deepEqual(result, { ok: false, reason: 'Error: No adapter found' });
    assert.deepEqual(lines, ['Initialization of backend webgpu failed', 'Error: No adapter found']);
  });

  it('reports a throwing setBackend or ready as a failure, and restores console.warn', async () => {
    const warn = console.warn;
    const result = await startBackend(
      { setBackend: async () => true, ready: async () => Promise.reject(new Error('device lost\nstack')) },
      'webgpu',
      () => undefined,
    );
    assert.deepEqual(result, { ok: false, reason: 'device lost' });
    assert.equal(console.warn, warn);
  });
});

describe('withoutNewProcessHandlers', () => {
  it('removes the error handlers the action added and keeps the others', async () => {
    const mine = () => undefined;
    process.on('uncaughtException', mine);
    const added = () => undefined;
    await withoutNewProcessHandlers(async () => {
      process.on('uncaughtException', added);
      process.on('unhandledRejection', added);
    });
    assert.ok(process.listeners('uncaughtException').includes(mine));
    assert.ok(!process.listeners('uncaughtException').includes(added));
    assert.ok(!process.listeners('unhandledRejection').includes(added));
    process.off('uncaughtException', mine);
  });
});
