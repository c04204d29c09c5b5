// Finds and loads MedTransfer's native kernels (native/: a Node-API addon over oneDNN, built by
// `npm install` where a C++ compiler and libdnnl-dev exist, scripts/native/build.mjs). Loaded
// with Node's own require at run time: esbuild leaves a computed createRequire path alone.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { moduleDir, moduleFile } from '../moduleLocation';
import { errorSummary } from '../moduleLoader';

export const ADDON_FILE = 'medtransfer_native.node';
/** Set to 0 (or false/off/no) to never use the native kernels. */
export const NATIVE_SWITCH_VARIABLE = 'MEDTRANSFER_NATIVE';
/** Set to 0 (or false/off/no) for oneDNN's direct convolutions only (no Winograd). */
export const WINOGRAD_SWITCH_VARIABLE = 'MEDTRANSFER_WINOGRAD';
/** The addon's path, instead of looking for it beside MedTransfer. */
export const NATIVE_ADDON_VARIABLE = 'MEDTRANSFER_NATIVE_ADDON';

export interface NativeAbout {
  oneDnnVersion: string;
  /** Threads in oneDNN's parallel regions (OpenMP: all cores unless OMP_NUM_THREADS says otherwise). */
  threads: number;
  cachedPrimitives: number;
}

export interface NativeBatchNormReluPlan {
  workspaceBytes: number;
  /** oneDNN's implementations, e.g. `bnorm_jit:avx512_core`. */
  forward: string;
  backward: string;
}

/** The addon's functions (native/src/addon.cc). */
export interface NativeAddon {
  /**
   * One convolution pass on caller-owned arrays. `shape` holds 18 numbers (see convShape.ts); the
   * output is dst (pass 0), src (pass 1, the input gradient) or weights (pass 2, the filter gradient).
   */
  convolution(
    pass: number,
    shape: Int32Array,
    src: Float32Array,
    weights: Float32Array,
    dst: Float32Array,
    bias: Float32Array | null,
    activation: number,
    alpha: number,
    /**
     * Names the filter's contents (nativeConvKernels.ts: one number a tensor, never reused): a pass
     * given the key of its previous call reuses the filter it reordered then. Null or absent: reorder.
     */
    weightsKey?: number | null,
  ): void;
  /** oneDNN's implementation for a pass and shape, e.g. `brgconv:avx512_core`. */
  implementation(pass: number, shape: Int32Array, hasBias: boolean, activation: number, alpha: number): string;
  /**
   * Convolutions whose output row (the input row, for the input gradient) is at most this many pixels
   * wide run on oneDNN's blocked activation layout (default 4; 0: never). Sets it when given a width ≥ 0;
   * returns the width before the call. For tests and A/B measurements.
   */
  narrowConvolutionWidth(width?: number): number;
  /**
   * Whether 3×3 stride-1 convolutions of at least 64 channels run oneDNN's Winograd kernels (default
   * true). Sets it when given a boolean; returns the setting before the call.
   */
  winogradConvolutions(enabled?: boolean): boolean;
  /** Batch normalisation in training (batch statistics) over rows × channels; writes y, mean, variance. */
  batchNormForward(
    rows: number,
    channels: number,
    epsilon: number,
    x: Float32Array,
    scale: Float32Array,
    offset: Float32Array,
    y: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
  ): void;
  /** batchNormForward's gradients for x, scale and offset; writes dx, dscale, doffset. */
  batchNormBackward(
    rows: number,
    channels: number,
    epsilon: number,
    x: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    scale: Float32Array,
    offset: Float32Array,
    dy: Float32Array,
    dx: Float32Array,
    dscale: Float32Array,
    doffset: Float32Array,
  ): void;
  /** oneDNN's implementation of batch normalisation's forward or backward pass for a shape. */
  batchNormImplementation(rows: number, channels: number, epsilon: number, backward: boolean): string;
  /** batchNormForward and a ReLU in one pass: y = max(BN(x), 0); the workspace (plan's bytes) records where BN(x) > 0. */
  batchNormReluForward(
    rows: number,
    channels: number,
    epsilon: number,
    x: Float32Array,
    scale: Float32Array,
    offset: Float32Array,
    y: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    workspace: Uint8Array,
  ): void;
  /** batchNormReluForward's gradients for x, scale and offset (dy taken where the workspace says BN(x) > 0). */
  batchNormReluBackward(
    rows: number,
    channels: number,
    epsilon: number,
    x: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    scale: Float32Array,
    offset: Float32Array,
    workspace: Uint8Array,
    dy: Float32Array,
    dx: Float32Array,
    dscale: Float32Array,
    doffset: Float32Array,
  ): void;
  /** The workspace's size and oneDNN's implementations for a shape of batchNormReluForward. */
  batchNormReluPlan(rows: number, channels: number, epsilon: number): NativeBatchNormReluPlan;
  /** y = min(max(x, 0), max) over `count` values. */
  clippedRelu(count: number, max: number, x: Float32Array, y: Float32Array): void;
  /** dx = dy where 0 < y < max, else 0, over `count` values. */
  clippedReluGrad(count: number, max: number, dy: Float32Array, y: Float32Array, dx: Float32Array): void;
  /** out[c] = the sum of x[r · channels + c] over the rows: a bias's gradient. */
  channelSum(rows: number, channels: number, x: Float32Array, out: Float32Array): void;
  /** y = x · scale[c] + offset[c] per channel: batch normalisation with fixed statistics. */
  channelAffine(
    rows: number,
    channels: number,
    x: Float32Array,
    scale: Float32Array,
    offset: Float32Array,
    y: Float32Array,
  ): void;
  /**
   * Pooling on NHWC arrays; `shape` holds 12 numbers (see poolShape.ts). maxPool and avgPool write
   * y; maxPoolGrad finds each window's maximum in x again and writes dx; avgPoolGrad writes dx.
   */
  maxPool(shape: Int32Array, x: Float32Array, y: Float32Array): void;
  maxPoolGrad(shape: Int32Array, x: Float32Array, dy: Float32Array, dx: Float32Array): void;
  avgPool(shape: Int32Array, x: Float32Array, y: Float32Array): void;
  avgPoolGrad(shape: Int32Array, dy: Float32Array, dx: Float32Array): void;
  /** y = x with before[d] and after[d] values of `value` around it along each axis d (tfjs PadV2). */
  pad(shape: Int32Array, before: Int32Array, after: Int32Array, value: number, x: Float32Array, y: Float32Array): void;
  /** y = x[begin[d] : begin[d] + size[d]] along each axis d (tfjs Slice). */
  slice(shape: Int32Array, begin: Int32Array, size: Int32Array, x: Float32Array, y: Float32Array): void;
  /** y's row r = each input's row r in turn; input i holds rows × inner[i] values (tfjs Concat). */
  concat(rows: number, inner: Int32Array, inputs: Float32Array[], y: Float32Array): void;
  /**
   * Adam's update of `count` values (native/src/optimizer.h): writes newValue, newM and newV from value,
   * m, v and gradient. `constants`: β1, β2, 1 − β1, 1 − β2, ε, −rate and the two bias corrections.
   */
  adamUpdate(
    count: number,
    constants: Float32Array,
    value: Float32Array,
    m: Float32Array,
    v: Float32Array,
    gradient: Float32Array,
    newValue: Float32Array,
    newM: Float32Array,
    newV: Float32Array,
  ): void;
  /**
   * Momentum SGD's update of `count` values: writes newValue and newAccumulation. `constants`: the
   * momentum and −rate; `nesterov`: Nesterov's momentum.
   */
  momentumUpdate(
    count: number,
    constants: Float32Array,
    nesterov: boolean,
    value: Float32Array,
    accumulation: Float32Array,
    gradient: Float32Array,
    newValue: Float32Array,
    newAccumulation: Float32Array,
  ): void;
  /**
   * RMSProp's update (not centered) of `count` values: writes newValue, newMeanSquare and newMoment.
   * `constants`: the decay, 1 − decay, momentum, rate and ε.
   */
  rmsPropUpdate(
    count: number,
    constants: Float32Array,
    value: Float32Array,
    meanSquare: Float32Array,
    moment: Float32Array,
    gradient: Float32Array,
    newValue: Float32Array,
    newMeanSquare: Float32Array,
    newMoment: Float32Array,
  ): void;
  /** flags[i] = 0 where inputs[i]'s lengths[i] values are all finite, NaN otherwise (training/finiteWeights.ts). */
  finiteFlags(lengths: Int32Array, inputs: Float32Array[], flags: Float32Array): void;
  about(): NativeAbout;
}

const ADDON_FUNCTIONS = [
  'convolution',
  'implementation',
  'batchNormForward',
  'batchNormBackward',
  'batchNormImplementation',
  'batchNormReluForward',
  'batchNormReluBackward',
  'batchNormReluPlan',
  'clippedRelu',
  'clippedReluGrad',
  'channelSum',
  'channelAffine',
  'maxPool',
  'maxPoolGrad',
  'avgPool',
  'avgPoolGrad',
  'pad',
  'slice',
  'concat',
  'adamUpdate',
  'momentumUpdate',
  'rmsPropUpdate',
  'finiteFlags',
  'about',
] as const;

export type AddonLoad =
  | { ok: true; addon: NativeAddon; path: string }
  /** `off`: turned off by the variable; `missing`: not built; `failed`: built but does not load. */
  | { ok: false; reason: 'off' | 'missing' | 'failed'; note: string };

export interface AddonLoadOptions {
  env?: NodeJS.ProcessEnv;
  /** Where to start looking (default: this module's folder: dist/ in the bundle). */
  fromDir?: string;
}

/** The places the addon may be: beside the bundle (a packaged copy), then native/build/Release above it. */
export function addonCandidates(fromDir: string): string[] {
  const candidates = [join(fromDir, 'native', ADDON_FILE)];
  for (let dir = fromDir, depth = 0; depth < 5; dir = dirname(dir), depth++) {
    candidates.push(join(dir, 'native', 'build', 'Release', ADDON_FILE));
    if (dirname(dir) === dir) break;
  }
  return candidates;
}

/** Whether a switch variable says off: 0, false, off or no. */
function saysOff(value: string | undefined): boolean {
  const word = value?.trim().toLowerCase();
  return word === '0' || word === 'false' || word === 'off' || word === 'no';
}

export function isNativeTurnedOff(env: NodeJS.ProcessEnv): boolean {
  return saysOff(env[NATIVE_SWITCH_VARIABLE]);
}

/** Whether the native convolutions may use Winograd kernels (on unless MEDTRANSFER_WINOGRAD says off). */
export function isWinogradAllowed(env: NodeJS.ProcessEnv): boolean {
  return !saysOff(env[WINOGRAD_SWITCH_VARIABLE]);
}

let loaded: { path: string; addon: NativeAddon } | undefined;

export function loadNativeAddon(options: AddonLoadOptions = {}): AddonLoad {
  const env = options.env ?? process.env;
  if (isNativeTurnedOff(env)) {
    return { ok: false, reason: 'off', note: `turned off by ${NATIVE_SWITCH_VARIABLE}=${env[NATIVE_SWITCH_VARIABLE]}` };
  }
  const named = env[NATIVE_ADDON_VARIABLE];
  const candidates =
    named !== undefined && named !== '' ? [resolve(named)] : addonCandidates(options.fromDir ?? moduleDir());
  const path = candidates.find((candidate) => existsSync(candidate));
  if (path === undefined) {
    return {
      ok: false,
      reason: 'missing',
      note:
        `not built (no ${ADDON_FILE} in ${candidates.join(', ')}); ` +
        '`npm install` builds it where a C++ compiler and libdnnl-dev (oneDNN) are installed',
    };
  }
  if (loaded?.path === path) return { ok: true, addon: loaded.addon, path };
  try {
    const addon = asNativeAddon(createRequire(moduleFile())(path));
    loaded = { path, addon };
    return { ok: true, addon, path };
  } catch (error) {
    return { ok: false, reason: 'failed', note: `${path} does not load: ${errorSummary(error)}` };
  }
}

function asNativeAddon(value: unknown): NativeAddon {
  if (typeof value !== 'object' || value === null) throw new Error('not MedTransfer native kernels');
  const missing = ADDON_FUNCTIONS.filter(
    (name) => typeof (value as Partial<Record<string, unknown>>)[name] !== 'function',
  );
  if (missing.length === 0) return value as NativeAddon;
  // An addon built from older sources (npm install rebuilds it) lacks the newer functions.
  throw new Error(`not MedTransfer native kernels, or built from older sources (${missing.join(', ')} missing)`);
}
