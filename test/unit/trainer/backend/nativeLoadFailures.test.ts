// tfjs-node(-gpu) installed but broken, the way users meet it: real package folders in a temporary
// node_modules whose index.js throws the error Node, glibc or dyld gives for each classic cause,
// loaded by the real module loader over a search path. `auto` notes the failure with what to do
// and trains on the next backend; asking for the broken one by name is an error saying the same.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { BackendEngine } from '../../../../src/trainer/backend/backendAttempt';
import { nativeLoadAdvice } from '../../../../src/trainer/backend/nativeLoadAdvice';
import { loadNativeAddon } from '../../../../src/trainer/backend/native/nativeAddon';
import { selectBackend } from '../../../../src/trainer/backend/selectBackend';

const GPU = '@tensorflow/tfjs-node-gpu';
const CPU = '@tensorflow/tfjs-node';

/** Error texts as users reported them (tfjs issues #8362, #8269, #2561) and as the loaders word them. */
const FAILURES = {
  cudart: {
    message: 'libcudart.so.11.0: cannot open shared object file: No such file or directory',
    code: 'ERR_DLOPEN_FAILED',
  },
  cudnn: {
    message: 'libcudnn.so.8: cannot open shared object file: No such file or directory',
    code: 'ERR_DLOPEN_FAILED',
  },
  libtensorflow: {
    message: 'libtensorflow.so.2: cannot open shared object file: No such file or directory',
    code: 'ERR_DLOPEN_FAILED',
  },
  bindingMissing: {
    message:
      "Cannot find module '/home/me/project/node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node'\nRequire stack:\n- /home/me/project/node_modules/@tensorflow/tfjs-node/dist/index.js",
    code: 'MODULE_NOT_FOUND',
  },
  windowsDll: {
    message:
      'The specified module could not be found.\r\n\\\\?\\C:\\project\\node_modules\\@tensorflow\\tfjs-node\\lib\\napi-v8\\tfjs_binding.node',
    code: 'ERR_DLOPEN_FAILED',
  },
  glibc: {
    message:
      "/lib64/libm.so.6: version `GLIBC_2.27' not found (required by /home/me/project/node_modules/@tensorflow/tfjs-node/deps/lib/libtensorflow.so.2)",
    code: 'ERR_DLOPEN_FAILED',
  },
  glibcxx: {
    message:
      "/usr/lib/x86_64-linux-gnu/libstdc++.so.6: version `GLIBCXX_3.4.26' not found (required by /x/node_modules/@tensorflow/tfjs-node/deps/lib/libtensorflow_framework.so.2)",
    code: 'ERR_DLOPEN_FAILED',
  },
  macArchitecture: {
    message:
      "dlopen(/Users/me/p/node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node, 0x0001): tried: '/Users/me/p/node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node' (mach-o file, but is an incompatible architecture (have 'x86_64', need 'arm64e' or 'arm64'))",
    code: 'ERR_DLOPEN_FAILED',
  },
  linuxArchitecture: {
    message:
      '/srv/app/node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node: cannot open shared object file: No such file or directory',
    code: 'ERR_DLOPEN_FAILED',
  },
} as const;

type Failure = keyof typeof FAILURES;

const EXPECTED_ADVICE: Record<Failure, RegExp> = {
  cudart:
    /^libcudart\.so\.11\.0 is missing: .*libtensorflow 2\.9\.1, built for CUDA 11\.2 and cuDNN 8\.1, and CUDA 12 does not provide the CUDA 11 libraries/,
  cudnn: /^libcudnn\.so\.8 is missing: .*cuDNN 8/,
  libtensorflow: /downloads libtensorflow from storage\.googleapis\.com and did not finish.*npm rebuild/,
  bindingMissing: /downloads libtensorflow from storage\.googleapis\.com/,
  windowsDll: /downloads libtensorflow from storage\.googleapis\.com/,
  glibc: /C library \(glibc\) is older than libtensorflow 2\.9\.1 needs \(GLIBC_2\.27\)/,
  glibcxx: /libstdc\+\+\) is older .*GLIBCXX_3\.4\.26.*update libstdc\+\+6/,
  macArchitecture: /for another processor or system than this Node/,
  linuxArchitecture: /for another processor or system than this Node/,
};

const root = mkdtempSync(join(tmpdir(), 'medtransfer-native-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A project folder with tfjs-node packages whose require throws the given failures. */
function project(packages: Partial<Record<typeof GPU | typeof CPU, Failure>>): string {
  const dir = mkdtempSync(join(root, 'project-'));
  for (const [name, failure] of Object.entries(packages)) {
    const folder = join(dir, 'node_modules', name);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'package.json'), JSON.stringify({ name, version: '4.22.0', main: 'index.js' }));
    const { message, code } = FAILURES[failure];
    writeFileSync(
      join(folder, 'index.js'),
      `throw Object.assign(new Error(${JSON.stringify(message)}), { code: ${JSON.stringify(code)} });\n`,
    );
  }
  return dir;
}

/** tfjs's engine, faked: only which backend starts matters here (the loader is the real one). */
function engine(): BackendEngine {
  return { setBackend: async (name) => name === 'wasm' || name === 'cpu', ready: async () => undefined };
}

/** WebGPU is left out: these tests are about tfjs-node, whatever GPU this machine has. */
const NO_WEBGPU = {
  webgpu: async () => ({ ok: false as const, reason: 'missing' as const, note: 'left out of this test' }),
};

describe('tfjs-node(-gpu) installed but failing to load, through the real module loader', () => {
  for (const failure of Object.keys(FAILURES) as Failure[]) {
    it(`${failure}: auto notes the error with what to do, from where it was found, and uses the next backend`, async () => {
      const dir = project({ [GPU]: failure, [CPU]: failure });
      const lines: string[] = [];
      const selected = await selectBackend('auto', {
        log: (line) => lines.push(line),
        searchPaths: [dir],
        engine: engine(),
        activators: NO_WEBGPU,
      });
      // The next backend: MedTransfer's native kernels where they are built, else wasm.
      assert.equal(selected.name, loadNativeAddon().ok ? 'native' : 'wasm');
      for (const [backend, pkg] of [
        ['tensorflow-gpu', GPU],
        ['tensorflow', CPU],
      ] as const) {
        const note = selected.notes.find((line) => line.startsWith(`${backend}: `)) ?? '';
        const prefix = `${backend}: ${pkg} is installed (in ${join(dir, 'node_modules', pkg)}) but failed to load: ${FAILURES[failure].message.split('\n')[0]?.trim()}. `;
        assert.ok(note.startsWith(prefix), `${note}\n  should start with\n${prefix}`);
        assert.match(note.slice(prefix.length), EXPECTED_ADVICE[failure]);
        assert.ok(lines.some((line) => line === `backend ${note}, trying the next`));
      }
    });
  }

  it('asked for by name, a broken package is an error with the advice, not a fallback', async () => {
    const dir = project({ [GPU]: 'cudart' });
    await assert.rejects(
      selectBackend('tensorflow-gpu', { log: () => undefined, searchPaths: [dir], engine: engine() }),
      /^BackendError: backend 'tensorflow-gpu' was asked for but is not available: @tensorflow\/tfjs-node-gpu is installed \(in .*\) but failed to load: libcudart\.so\.11\.0: .*CUDA 11 runtime and cuDNN 8.*or use webgpu or wasm\.$/,
    );
  });

  it('a package that is not anywhere is "not installed", naming the folders searched', async () => {
    const dir = project({});
    const selected = await selectBackend('auto', {
      log: () => undefined,
      searchPaths: [dir],
      engine: engine(),
      activators: NO_WEBGPU,
    });
    assert.ok(selected.notes.includes(`tensorflow: ${CPU} is not installed`), selected.notes.join('\n'));
    await assert.rejects(
      selectBackend('tensorflow', { log: () => undefined, searchPaths: [dir], engine: engine() }),
      (error: Error) => error.message.includes(`looked beside MedTransfer and in ${dir}`),
    );
  });
});

describe('nativeLoadAdvice', () => {
  it('says nothing for an error it does not recognise', () => {
    assert.equal(nativeLoadAdvice(CPU, 'Segmentation fault in the usual place'), undefined);
  });

  it('names the platform this Node runs on for wrong-architecture binaries, and what the GPU package supports', () => {
    const advice =
      nativeLoadAdvice(GPU, FAILURES.linuxArchitecture.message, { platform: 'linux', arch: 'arm64' }) ?? '';
    assert.match(advice, /\(linux-arm64\).*it has x64 Linux and Windows\)/);
  });

  it('asks for a rebuild when the addon was built for another Node', () => {
    assert.match(
      nativeLoadAdvice(
        CPU,
        'The module was compiled against a different Node.js version using NODE_MODULE_VERSION 108.',
      ) ?? '',
      /npm rebuild @tensorflow\/tfjs-node/,
    );
  });
});
