// Decoders for the compressed transfer syntaxes decoded by libraries: JPEG Lossless (process 14,
// .57 and .70) with jpeg-lossless-decoder-js (plain JavaScript), JPEG-LS (.80, .81) with CharLS
// and JPEG 2000 (.90, .91) with OpenJPEG, both compiled to WebAssembly (@cornerstonejs/codec-*).
// Their .wasm files are read at run time: from dist/wasm beside the trainer bundle
// (esbuild.config.mjs copies them there), else from the packages (tsx, tests). Each is
// instantiated synchronously on first use, so decoding a file stays synchronous.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import charlsFactory from '@cornerstonejs/codec-charls/decodewasmjs';
import openJpegFactory from '@cornerstonejs/codec-openjpeg/decodewasmjs';
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

/** Where a codec's .wasm may be, in order: dist/wasm beside the bundle, then its package's dist/. */
export function codecWasmCandidates(packageEntry: string, scriptDir: string = moduleDir()): string[] {
  const candidates = [join(scriptDir, 'wasm')];
  try {
    candidates.push(dirname(createRequire(moduleFile()).resolve(packageEntry)));
  } catch {
    // Not resolvable from here (inside the bundle, with no node_modules beside it).
  }
  return candidates;
}

/** The part of the WebAssembly global used here (the project's lib, ES2022, does not declare it). */
interface WasmApi {
  Module: new (binary: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}

/** The codecs' latest printed lines (their [ERROR] lines say why a decode failed). */
const messages: string[] = [];

function remember(text: string): void {
  messages.push(text);
  if (messages.length > 20) messages.shift();
}

/** Runs a wasm decode; a bare-number exception becomes an Error with the codec's last [ERROR] line. */
function explained<T>(decode: () => T): T {
  messages.length = 0;
  try {
    return decode();
  } catch (error) {
    if (error instanceof Error) throw error;
    throw new Error(lastError() ?? `the codec failed (${String(error)})`, { cause: error });
  }
}

function lastError(): string | undefined {
  return messages
    .filter((line) => /error/i.test(line))
    .at(-1)
    ?.replace(/^\[ERROR\]\s*/, '');
}

type EmscriptenHook = (imports: object, done: (instance: { exports: object }, module: object) => void) => object;

/**
 * Runs an Emscripten factory with its .wasm instantiated synchronously. Emscripten instantiates
 * asynchronously unless given the `instantiateWasm` hook; with it, these small modules compile in
 * milliseconds and the runtime (and its classes) is ready on the module object when the factory
 * returns, so decoding stays synchronous like the other syntaxes.
 */
function instantiate<M extends object>(
  name: string,
  wasmFile: string,
  packageEntry: string,
  factory: (moduleArg: {
    instantiateWasm: EmscriptenHook;
    print: (text: string) => void;
    printErr: (text: string) => void;
  }) => unknown,
  ready: (module: Partial<M>) => boolean,
): M {
  const candidates = codecWasmCandidates(packageEntry);
  const dir = candidates.find((candidate) => existsSync(join(candidate, wasmFile)));
  if (dir === undefined) throw new Error(`${name} decoder: ${wasmFile} not found in any of: ${candidates.join(', ')}`);
  const binary = readFileSync(join(dir, wasmFile));
  const moduleArg = {
    // OpenJPEG prints [INFO] lines for every image; the trainer's stdout is not for them. The
    // lines are kept to explain a failure, which Emscripten throws as a bare number.
    print: remember,
    printErr: remember,
    instantiateWasm: ((imports, done) => {
      const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
      const compiled = new wasm.Module(binary);
      const instance = new wasm.Instance(compiled, imports);
      done(instance, compiled);
      return instance.exports;
    }) as EmscriptenHook,
  };
  void factory(moduleArg);
  const module = moduleArg as unknown as Partial<M>;
  if (!ready(module)) throw new Error(`${name} decoder did not initialise synchronously`);
  return module as M;
}

type CharlsModule = charlsFactory.CharlsModule;
type OpenJpegModule = openJpegFactory.OpenJpegModule;
let charls: CharlsModule | undefined;
let openJpeg: OpenJpegModule | undefined;

function loadCharls(): CharlsModule {
  charls ??= instantiate<CharlsModule>(
    'JPEG-LS',
    'charlswasm_decode.wasm',
    '@cornerstonejs/codec-charls/decodewasmjs',
    charlsFactory,
    (module) => typeof module.JpegLSDecoder === 'function',
  );
  return charls;
}

function loadOpenJpeg(): OpenJpegModule {
  openJpeg ??= instantiate<OpenJpegModule>(
    'JPEG 2000',
    'openjpegwasm_decode.wasm',
    '@cornerstonejs/codec-openjpeg/decodewasmjs',
    openJpegFactory,
    (module) => typeof module.J2KDecoder === 'function',
  );
  return openJpeg;
}

/** JPEG-LS lossless (.80) or near-lossless (.81). */
export function decodeJpegLs(frame: Uint8Array, format: SampleFormat): CodecFrame {
  const decoder = new (loadCharls().JpegLSDecoder)();
  try {
    decoder.getEncodedBuffer(frame.length).set(frame);
    explained(() => decoder.decode());
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
      for (let p = 0; p < pixels; p++)
        for (let c = 0; c < info.componentCount; c++)
          interleaved[p * info.componentCount + c] = planar[c * pixels + p] ?? 0;
      stored = interleaved;
    }
    return { values: toFloat(stored, format), rows: info.height, columns: info.width, samples: info.componentCount };
  } finally {
    decoder.delete();
  }
}

/** JPEG 2000 lossless-only (.90) or lossy (.91), through OpenJPEG. */
export function decodeJpeg2000(frame: Uint8Array, format: SampleFormat): CodecFrame {
  const decoder = new (loadOpenJpeg().J2KDecoder)();
  try {
    decoder.getEncodedBuffer(frame.length).set(frame);
    explained(() => decoder.decode());
    const info = decoder.getFrameInfo();
    // OpenJPEG returns an empty image, rather than throwing, for some broken codestreams.
    if (info.width === 0 || info.height === 0)
      throw new Error(lastError() ?? 'no image in the JPEG 2000 codestream (truncated?)');
    const decoded = decoder.getDecodedBuffer();
    const count = info.width * info.height * info.componentCount;
    const rows = info.height;
    const columns = info.width;
    const samples = info.componentCount;
    if (info.bitsPerSample <= 8) {
      const bytes = decoded.slice(0, count);
      return {
        values: toFloat(info.isSigned ? new Int8Array(bytes.buffer) : bytes, { ...format, signed: false }),
        rows,
        columns,
        samples,
      };
    }
    // OpenJPEG writes samples as 16-bit integers, signed ones already sign-extended.
    const words = decoded.slice(0, count * 2).buffer;
    return {
      values: toFloat(info.isSigned ? new Int16Array(words) : new Uint16Array(words), { ...format, signed: false }),
      rows,
      columns,
      samples,
    };
  } finally {
    decoder.delete();
  }
}
