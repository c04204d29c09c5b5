// Experiment: tfjs-backend-wasm's threaded XNNPACK build in Node. tfjs never picks it there
// (WASM_HAS_MULTITHREAD_SUPPORT is false in Node, tensorflow/tfjs#3830) because Emscripten's
// pthread workers would start from blob: URLs, which Node's Worker rejects. The Emscripten glue
// itself supports Node worker threads; only the two scripts handed over as Blobs are in the way.
// Here they are written to files instead: Blob and URL.createObjectURL are wrapped while the
// backend starts, the pthread worker script becomes a file with a small prelude that maps its
// own createObjectURL to the main script's file, and the flag is forced on. One more catch:
// tfjs's C++ caps the thread pool at half of emscripten_num_logical_cores() ("many x86-64
// processors have 2 threads per core"), which in Node is os.cpus().length: on a 2-core machine
// that is one thread whatever setThreadsCount asks, so os.cpus reports twice the cores while the
// backend starts.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as NodeOs from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { env } from '@tensorflow/tfjs-core';

/**
 * The factory was cut out of tfjs-backend-wasm's rollup bundle and still names the bundle's
 * aliases of Node modules (`require$$0` for fs…): declare them from the bundle's own lines.
 */
function bundleRequires(): string {
  const bundle = readFileSync(createRequire(__filename).resolve('@tensorflow/tfjs-backend-wasm'), 'utf8');
  const lines = [...bundle.matchAll(/var (require\$\$\d+) = require\('([a-z_]+)'\);/g)].map(
    (match) => `var ${match[1]} = require(${JSON.stringify(match[2])});`,
  );
  // … and the global object commonjsGlobal.
  return `var commonjsGlobal = globalThis;\n${[...new Set(lines)].join('\n')}\n`;
}

export interface ThreadedWasm {
  /** Where the two scripts were written. */
  dir: string;
  /** Call once the backend has started: os.cpus tells the truth again. */
  started: () => void;
}

/** Call before the wasm backend is first started (and setThreadsCount to the cores wanted). */
export function enableThreadedWasm(): ThreadedWasm {
  const requires = bundleRequires();
  const dir = mkdtempSync(join(tmpdir(), 'tfjs-wasm-threads-'));
  const mainScript = join(dir, 'tfjs-backend-wasm-threaded-simd.js');
  const texts = new WeakMap<Blob, string>();
  const NativeBlob = globalThis.Blob;
  class RecordingBlob extends NativeBlob {
    constructor(...args: ConstructorParameters<typeof Blob>) {
      super(...args);
      const parts = args[0] ?? [];
      const text = parts.every((part) => typeof part === 'string') ? (parts as string[]).join('') : null;
      if (text === null) return;
      texts.set(this, text);
      // The main script (Emscripten's factory): the workers read it as a file.
      if (text.startsWith('var WasmBackendModuleThreadedSimd')) writeFileSync(mainScript, requires + text);
    }
  }
  globalThis.Blob = RecordingBlob;
  const nativeCreateObjectURL = URL.createObjectURL.bind(URL);
  URL.createObjectURL = (blob: Blob): string => {
    const text = texts.get(blob);
    if (text === undefined) return nativeCreateObjectURL(blob);
    const file = join(dir, 'tfjs-backend-wasm-threaded-simd.worker.js');
    // In the worker, the main script arrives as a Blob again: point it at the file.
    const prelude = `URL.createObjectURL = () => ${JSON.stringify(mainScript)}; URL.revokeObjectURL = () => undefined;\n`;
    writeFileSync(file, prelude + text);
    return file;
  };
  env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  // The Blob and URL wrappers stay: Emscripten makes more workers from the same Blob when the pool runs out.
  // The module object itself (an import gives a frozen namespace): the wasm glue calls os.cpus().
  const os = createRequire(__filename)('node:os') as typeof NodeOs;
  const cpus = os.cpus;
  os.cpus = () => [...cpus(), ...cpus()];
  return {
    dir,
    started: () => {
      os.cpus = cpus;
    },
  };
}
