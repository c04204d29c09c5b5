// HDF5 files through h5wasm: the HDF5 C library compiled to WebAssembly (embedded in its Node
// build, which reads the host's files directly through Emscripten's NODERAWFS). h5wasm ships as
// an ES module only; imported dynamically, esbuild makes it a lazily initialised part of our
// CommonJS bundle, so the 4 MB of WebAssembly are compiled only when an .h5 file is read.
import { open } from 'node:fs/promises';
import type { File as Hdf5File } from 'h5wasm';
import { WeightFileError } from './tensorMap';

export type { Hdf5File };

/** HDF5's signature, at byte 0 of every file without a user block (Keras never writes one). */
const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

function loadH5wasm() {
  return import('h5wasm/node');
}

let loading: ReturnType<typeof loadH5wasm> | undefined;

async function hasSignature(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(SIGNATURE.length), 0, SIGNATURE.length, 0);
    return bytesRead === SIGNATURE.length && SIGNATURE.every((byte, index) => buffer[index] === byte);
  } finally {
    await handle.close();
  }
}

/** Opens `path` read-only; the caller closes it. `fileName` names it in errors. */
export async function openHdf5(path: string, fileName: string): Promise<Hdf5File> {
  if (!(await hasSignature(path))) throw new WeightFileError(`${fileName}: not an HDF5 file (no HDF5 signature)`);
  loading ??= loadH5wasm();
  const h5wasm = await loading;
  await h5wasm.ready;
  let file: Hdf5File;
  try {
    file = new h5wasm.File(path, 'r');
  } catch (error) {
    throw new WeightFileError(`${fileName}: HDF5 cannot open it (truncated or corrupt?): ${String(error)}`, {
      cause: error,
    });
  }
  return file;
}
