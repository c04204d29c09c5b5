// Decoders for the compressed transfer syntaxes decoded by libraries: JPEG Lossless (process 14,
// .57 and .70) with jpeg-lossless-decoder-js (plain JavaScript), and JPEG-LS (.80, .81) with
// CharLS compiled to WebAssembly (@cornerstonejs/codec-charls). CharLS's .wasm is read at run
// time: from dist/wasm beside the trainer bundle (esbuild.config.mjs copies it there), else from
// the package (tsx, tests). It is instantiated synchronously on first use, so decoding a file
// stays synchronous like the other syntaxes.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import charlsFactory from '@cornerstonejs/codec-charls/decodewasmjs';
import { Decoder as LosslessDecoder } from 'jpeg-lossless-decoder-js';
import { moduleDir, moduleFile } from '../../backend/moduleLocation';

/** Decoded stored sample values, interleaved by pixel, and the image's size as the codestream says. */
export interface CodecFrame {
  values: Float32Array;
  rows: number;
  columns: number;
  samples: number;
}

/** What the DICOM header says about the stored samples. */
export interface SampleFormat {
  bitsAllocated: number;
  bitsStored: number;
  signed: boolean;
}

/** Two's complement in `bitsStored` bits to a signed value (PixelRepresentation 1). */
function toFloat(samples: ArrayLike<number>, format: SampleFormat): Float32Array {
  const out = new Float32Array(samples.length);
  const bits = Math.min(format.bitsStored, format.bitsAllocated);
  const half = 2 ** (bits - 1);
  const full = 2 ** bits;
  for (let i = 0; i < out.length; i++) {
    const value = samples[i] ?? 0;
    out[i] = format.signed && value >= half ? value - full : value;
  }
  return out;
}

/** JPEG Lossless, non-hierarchical (process 14), any predictor (.57) or predictor 1 (.70). */
export function decodeJpegLossless(frame: Uint8Array, format: SampleFormat): CodecFrame {
  const decoder = new LosslessDecoder();
  const bytesPerSample = format.bitsAllocated <= 8 ? 1 : 2;
  const samples = decoder.decode(frame.buffer as ArrayBuffer, frame.byteOffset, frame.byteLength, bytesPerSample);
  return { values: toFloat(samples, format), rows: decoder.yDim, columns: decoder.xDim, samples: decoder.numComp };
}

const CHARLS_WASM = 'charlswasm_decode.wasm';

/** Folders that may hold CharLS's .wasm, in order: dist/wasm beside the bundle, then the package. */
export function charlsWasmCandidates(scriptDir: string = moduleDir()): string[] {
  const candidates = [join(scriptDir, 'wasm')];
  try {
    candidates.push(dirname(createRequire(moduleFile()).resolve('@cornerstonejs/codec-charls/decodewasmjs')));
  } catch {
    // Not resolvable from here (inside the bundle, with no node_modules beside it).
  }
  return candidates;
}

type CharlsModule = charlsFactory.CharlsModule;

let charls: CharlsModule | undefined;

/** The part of the WebAssembly global used here (the project's lib, ES2022, does not declare it). */
interface WasmApi {
  Module: new (binary: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}

function loadCharls(): CharlsModule {
  if (charls) return charls;
  const candidates = charlsWasmCandidates();
  const dir = candidates.find((candidate) => existsSync(join(candidate, CHARLS_WASM)));
  if (dir === undefined) throw new Error(`JPEG-LS decoder: ${CHARLS_WASM} not found in any of: ${candidates.join(', ')}`);
  const binary = readFileSync(join(dir, CHARLS_WASM));
  const moduleArg: Partial<CharlsModule> & Parameters<typeof charlsFactory>[0] = {
    // Emscripten instantiates asynchronously unless given this hook; a 150 kB module compiles
    // synchronously in a few milliseconds, and the runtime is then ready when the factory returns.
    instantiateWasm: (imports, done) => {
      const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
      const compiled = new wasm.Module(binary);
      const instance = new wasm.Instance(compiled, imports);
      done(instance, compiled);
      return instance.exports;
    },
  };
  void charlsFactory(moduleArg);
  if (typeof moduleArg.JpegLSDecoder !== 'function') throw new Error('JPEG-LS decoder: CharLS did not initialise synchronously');
  charls = moduleArg as CharlsModule;
  return charls;
}

/** JPEG-LS lossless (.80) or near-lossless (.81). */
export function decodeJpegLs(frame: Uint8Array, format: SampleFormat): CodecFrame {
  const decoder = new (loadCharls().JpegLSDecoder)();
  try {
    decoder.getEncodedBuffer(frame.length).set(frame);
    decoder.decode();
    const info = decoder.getFrameInfo();
    const decoded = decoder.getDecodedBuffer();
    const pixels = info.width * info.height;
    const count = pixels * info.componentCount;
    // The decoded buffer lives in the wasm heap: copy out before the decoder is freed.
    let stored: ArrayLike<number> =
      info.bitsPerSample > 8 ? new Uint16Array(decoded.slice(0, count * 2).buffer) : decoded.slice(0, count);
    // Interleave mode 0 (none) decodes plane by plane: interleave to pixel order.
    if (info.componentCount > 1 && decoder.getInterleaveMode() === 0) {
      const planar = stored;
      const interleaved = new Uint16Array(count);
      for (let p = 0; p < pixels; p++) for (let c = 0; c < info.componentCount; c++) interleaved[p * info.componentCount + c] = planar[c * pixels + p] ?? 0;
      stored = interleaved;
    }
    return { values: toFloat(stored, format), rows: info.height, columns: info.width, samples: info.componentCount };
  } finally {
    decoder.delete();
  }
}
