// Selection rules with fake packages and a fake tfjs engine: which backend `auto` picks with and
// without each optional package, what a broken package reports, and that an explicit choice that
// cannot be had is an error. (test/integration/trainer/backend/selectBackendReal.test.ts starts the
// real wasm and cpu backends.)
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { BackendEngine } from '../../../../src/trainer/backend/backendAttempt';
import { moduleNotFoundError } from '../../../../src/trainer/backend/moduleLoader';
import { selectBackend } from '../../../../src/trainer/backend/selectBackend';
import type { AdapterSearch } from '../../../../src/trainer/backend/webgpuAdapterSearch';

type FakePackage = (() => unknown) | Error;

/** A loader that knows only `packages`; anything else is not installed. */
function fakeLoader(packages: Record<string, FakePackage>): {
  load: (name: string) => Promise<unknown>;
  loaded: string[];
} {
  const loaded: string[] = [];
  return {
    loaded,
    load: async (name) => {
      const pkg = packages[name];
      if (pkg === undefined) throw moduleNotFoundError(name);
      if (pkg instanceof Error) throw pkg;
      loaded.push(name);
      return pkg();
    },
  };
}

/** An engine where the backends in `working` start and others fail (with a tfjs-like warning). */
function fakeEngine(working: string[], instances: Record<string, unknown> = {}): BackendEngine & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    findBackend: (name) => instances[name],
    setBackend: async (name) => {
      calls.push(name);
      if (working.includes(name)) return true;
      console.warn(`Initialization of backend ${name} failed`);
      console.warn(`Error: ${name} exploded\n    at somewhere`);
      return false;
    },
    ready: async () => undefined,
  };
}

function webgpuPackage(adapter: unknown): () => unknown {
  return () => ({
    create: () => ({ requestAdapter: async () => adapter }),
    globals: { GPUBufferUsage: { STORAGE: 128 } },
  });
}

const H100 = {
  info: { vendor: 'nvidia', architecture: 'hopper', device: 'NVIDIA H100 80GB HBM3', description: '' },
  isFallbackAdapter: false,
};
const LLVMPIPE = { info: { vendor: 'mesa', device: 'llvmpipe (LLVM 15.0.6, 256 bits)', description: '' } };

async function select(
  choice: Parameters<typeof selectBackend>[0],
  packages: Record<string, FakePackage>,
  working: string[],
) {
  const loader = fakeLoader(packages);
  const engine = fakeEngine(working);
  const lines: string[] = [];
  const selected = await selectBackend(choice, { log: (line) => lines.push(line), loadModule: loader.load, engine });
  return { selected, engine, loader, lines };
}

const ALL_WORK = ['tensorflow', 'webgpu', 'wasm', 'cpu'];

afterEach(() => {
  const global = globalThis as Record<string, unknown>;
  delete global['navigator'];
  delete global['GPUBufferUsage'];
});

describe('selectBackend auto', () => {
  it('takes wasm when no optional package is installed, noting each as not installed', async () => {
    const { selected, engine } = await select('auto', {}, ALL_WORK);
    assert.equal(selected.name, 'wasm');
    assert.deepEqual(engine.calls, ['wasm']);
    assert.match(selected.notes[0] ?? '', /^tensorflow-gpu: @tensorflow\/tfjs-node-gpu is not installed$/);
    assert.match(selected.notes[1] ?? '', /^webgpu: the webgpu package \(Dawn\) is not installed$/);
    assert.match(selected.notes[2] ?? '', /^tensorflow: @tensorflow\/tfjs-node is not installed$/);
    assert.match(selected.notes[3] ?? '', /^native: not looked for \(packages are faked\)$/);
    assert.match(selected.notes[4] ?? '', /^wasm: chosen by auto$/);
    assert.ok(
      selected.notes.some((note) => /^wasm: (SIMD|plain \(no SIMD\)) build, 1 thread/.test(note)),
      selected.notes.join('\n'),
    );
  });

  it('takes tensorflow-gpu first when @tensorflow/tfjs-node-gpu loads', async () => {
    const { selected, engine } = await select(
      'auto',
      { '@tensorflow/tfjs-node-gpu': () => ({}), '@tensorflow/tfjs-node': () => ({}), webgpu: webgpuPackage(H100) },
      ALL_WORK,
    );
    assert.equal(selected.name, 'tensorflow-gpu');
    assert.deepEqual(engine.calls, ['tensorflow']);
  });

  it('takes webgpu on a hardware adapter before tensorflow', async () => {
    const { selected, loader } = await select(
      'auto',
      {
        webgpu: webgpuPackage(H100),
        '@tensorflow/tfjs-backend-webgpu': () => ({}),
        '@tensorflow/tfjs-node': () => ({}),
      },
      ALL_WORK,
    );
    assert.equal(selected.name, 'webgpu');
    assert.deepEqual(loader.loaded, ['webgpu', '@tensorflow/tfjs-backend-webgpu']);
    assert.ok(
      selected.notes.includes('webgpu: WebGPU on nvidia, hopper, NVIDIA H100 80GB HBM3'),
      selected.notes.join('\n'),
    );
    const navigator = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
    assert.ok(navigator?.gpu !== undefined, 'navigator.gpu is wired before tfjs-backend-webgpu loads');
    selected.release();
    assert.equal((globalThis as { navigator?: unknown }).navigator, undefined, 'release drops the GPU object');
  });

  it('passes over a software adapter (llvmpipe, or one marked fallback), leaving no navigator.gpu', async () => {
    for (const adapter of [LLVMPIPE, { info: { vendor: 'x', device: 'y' }, isFallbackAdapter: true }]) {
      const { selected, loader } = await select(
        'auto',
        {
          webgpu: webgpuPackage(adapter),
          '@tensorflow/tfjs-backend-webgpu': () => ({}),
          '@tensorflow/tfjs-node': () => ({}),
        },
        ALL_WORK,
      );
      assert.equal(selected.name, 'tensorflow');
      assert.ok(!loader.loaded.includes('@tensorflow/tfjs-backend-webgpu'));
      assert.match(selected.notes[1] ?? '', /^webgpu: only a software adapter \(.+\), which auto does not choose/);
      assert.equal((globalThis as { navigator?: unknown }).navigator, undefined);
      assert.equal((globalThis as { GPUBufferUsage?: unknown }).GPUBufferUsage, undefined);
    }
  });

  it('with a probe, loads Dawn here only for a hardware adapter, and passes the probe’s reason on', async () => {
    const packages = {
      webgpu: webgpuPackage(H100),
      '@tensorflow/tfjs-backend-webgpu': () => ({}),
      '@tensorflow/tfjs-node': () => ({}),
    };
    const withProbe = async (probed: AdapterSearch) => {
      const loader = fakeLoader(packages);
      const probes: string[] = [];
      const selected = await selectBackend('auto', {
        log: () => undefined,
        loadModule: loader.load,
        engine: fakeEngine(ALL_WORK),
        probeWebgpu: async () => {
          probes.push('probe');
          return probed;
        },
      });
      return { selected, loaded: loader.loaded, probes };
    };
    const software = await withProbe({ found: true, label: 'mesa, llvmpipe', hardware: false });
    assert.equal(software.selected.name, 'tensorflow');
    assert.deepEqual(software.probes, ['probe']);
    assert.ok(!software.loaded.includes('webgpu'), 'Dawn is not loaded in this process');
    assert.equal(
      software.selected.notes[1],
      'webgpu: only a software adapter (mesa, llvmpipe), which auto does not choose; set backend: webgpu to use it anyway',
    );
    const none = await withProbe({ found: false, reason: 'failed', note: 'no WebGPU adapter; Dawn said: no drivers' });
    assert.equal(none.selected.notes[1], 'webgpu: no WebGPU adapter; Dawn said: no drivers');
    assert.ok(!none.loaded.includes('webgpu'));
    const hardware = await withProbe({ found: true, label: 'nvidia', hardware: true });
    assert.equal(hardware.selected.name, 'webgpu');
    assert.deepEqual(hardware.loaded, ['webgpu', '@tensorflow/tfjs-backend-webgpu']);
    hardware.selected.release();
  });

  it('asks no probe when webgpu is asked for by name: its messages may show', async () => {
    const loader = fakeLoader({ webgpu: webgpuPackage(LLVMPIPE), '@tensorflow/tfjs-backend-webgpu': () => ({}) });
    const selected = await selectBackend('webgpu', {
      log: () => undefined,
      loadModule: loader.load,
      engine: fakeEngine(ALL_WORK),
      probeWebgpu: () => Promise.reject(new Error('no probe for an explicit webgpu')),
    });
    assert.equal(selected.name, 'webgpu');
    selected.release();
  });

  it('notes a package that is installed but fails to load (first line of its error) and uses the next', async () => {
    const cuda = new Error(
      'libcudart.so.11.0: cannot open shared object file: No such file or directory\n    at Module._extensions..node',
    );
    // An installed tfjs-node whose native binding is missing throws MODULE_NOT_FOUND for that file.
    const binding = Object.assign(
      new Error("Cannot find module '/x/node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node'"),
      {
        code: 'MODULE_NOT_FOUND',
      },
    );
    const { selected, lines } = await select(
      'auto',
      { '@tensorflow/tfjs-node-gpu': cuda, '@tensorflow/tfjs-node': binding },
      ALL_WORK,
    );
    assert.equal(selected.name, 'wasm');
    assert.match(
      selected.notes[0] ?? '',
      /^tensorflow-gpu: @tensorflow\/tfjs-node-gpu is installed but failed to load: libcudart\.so\.11\.0: cannot open shared object file: No such file or directory\. libcudart\.so\.11\.0 is missing: .*CUDA 11\.2/,
    );
    assert.match(
      selected.notes[2] ?? '',
      /^tensorflow: @tensorflow\/tfjs-node is installed but failed to load: Cannot find module '.*tfjs_binding\.node'\. Its install step downloads libtensorflow/,
    );
    assert.ok(
      lines.some((line) =>
        line.startsWith('backend tensorflow-gpu: @tensorflow/tfjs-node-gpu is installed but failed'),
      ),
    );
  });

  it('passes over tfjs-node-gpu when TensorFlow found no GPU (CUDA 11 libraries missing), saying what to install', async () => {
    const lines: string[] = [];
    const packages = { '@tensorflow/tfjs-node-gpu': () => ({}) };
    const engine = fakeEngine(ALL_WORK, { tensorflow: { isUsingGpuDevice: false } });
    const selected = await selectBackend('auto', {
      log: (line) => lines.push(line),
      loadModule: fakeLoader(packages).load,
      engine,
    });
    assert.equal(selected.name, 'wasm');
    assert.match(
      selected.notes[0] ?? '',
      /^tensorflow-gpu: @tensorflow\/tfjs-node-gpu loaded, but TensorFlow found no usable GPU .*libcudart\.so\.11\.0 on a CUDA 12 machine.*LD_LIBRARY_PATH/,
    );
    const withGpu = fakeEngine(ALL_WORK, { tensorflow: { isUsingGpuDevice: true } });
    assert.equal(
      (await selectBackend('auto', { log: () => undefined, loadModule: fakeLoader(packages).load, engine: withGpu }))
        .name,
      'tensorflow-gpu',
    );
    await assert.rejects(
      selectBackend('tensorflow-gpu', { log: () => undefined, loadModule: fakeLoader(packages).load, engine }),
      /^BackendError: backend 'tensorflow-gpu' was asked for but is not available: .*found no usable GPU/,
    );
  });

  it('moves on when a backend loads but does not start, with the reason tfjs warned', async () => {
    const { selected } = await select('auto', { '@tensorflow/tfjs-node': () => ({}) }, ['cpu']);
    assert.equal(selected.name, 'cpu');
    assert.match(
      selected.notes.find((note) => note.startsWith('tensorflow:')) ?? '',
      /did not start: Error: tensorflow exploded$/,
    );
    assert.match(selected.notes.find((note) => note.startsWith('wasm:')) ?? '', /did not start .*wasm exploded$/);
  });

  it('treats an activator that throws as a failed try', async () => {
    const lines: string[] = [];
    const selected = await selectBackend('auto', {
      log: (line) => lines.push(line),
      loadModule: fakeLoader({}).load,
      engine: fakeEngine(ALL_WORK),
      activators: {
        wasm: async () => {
          throw new Error('boom\nmore');
        },
      },
    });
    assert.equal(selected.name, 'cpu');
    assert.ok(selected.notes.includes('wasm: failed: boom'), selected.notes.join('\n'));
  });

  it('fails, listing every try, when nothing starts', async () => {
    await assert.rejects(
      select('auto', {}, []),
      /no tfjs backend could start: tensorflow-gpu: .*; wasm: .*; cpu: did not start/,
    );
  });
});

describe('selectBackend with an explicit choice', () => {
  it('uses the backend asked for, even where auto would pick another', async () => {
    const { selected, engine } = await select('cpu', { '@tensorflow/tfjs-node': () => ({}) }, ALL_WORK);
    assert.equal(selected.name, 'cpu');
    assert.deepEqual(engine.calls, ['cpu']);
    assert.deepEqual(selected.notes.slice(0, 1), ['cpu: as asked']);
  });

  it('takes a software WebGPU adapter when webgpu is asked for by name, saying so', async () => {
    const { selected } = await select(
      'webgpu',
      { webgpu: webgpuPackage(LLVMPIPE), '@tensorflow/tfjs-backend-webgpu': () => ({}) },
      ALL_WORK,
    );
    assert.equal(selected.name, 'webgpu');
    assert.match(selected.notes[1] ?? '', /llvmpipe.*software adapter/);
    selected.release();
  });

  it('is an error naming the package to install when it is missing, not a silent fallback', async () => {
    await assert.rejects(
      select('tensorflow', {}, ALL_WORK),
      (error: Error) =>
        /^backend 'tensorflow' was asked for but is not available: @tensorflow\/tfjs-node is not installed/.test(
          error.message,
        ) && error.message.includes('npm install @tensorflow/tfjs-node'),
    );
    await assert.rejects(select('webgpu', {}, ALL_WORK), /npm install webgpu @tensorflow\/tfjs-backend-webgpu/);
  });

  it('is an error with the load failure when the package is present but broken', async () => {
    await assert.rejects(
      select(
        'tensorflow-gpu',
        { '@tensorflow/tfjs-node-gpu': new Error('libcudnn.so.8: cannot open shared object file\nstack') },
        ALL_WORK,
      ),
      /^BackendError: backend 'tensorflow-gpu' was asked for but is not available: @tensorflow\/tfjs-node-gpu is installed but failed to load: libcudnn\.so\.8: cannot open shared object file\. libcudnn\.so\.8 is missing: .* or use webgpu or wasm\.$/,
    );
    await assert.rejects(
      select('webgpu', { webgpu: webgpuPackage(null) }, ALL_WORK),
      /no WebGPU adapter \(is libvulkan\.so\.1/,
    );
  });
});
