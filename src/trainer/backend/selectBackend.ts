// Picks the tfjs backend a run trains on. `auto` takes the first that works of: TensorFlow with
// CUDA, WebGPU on a hardware adapter, TensorFlow on the CPU, native (wasm with MedTransfer's
// oneDNN convolutions), wasm, cpu. The optional ones are loaded at run time where the user
// installed them; a missing one is skipped quietly, one that is present but broken is noted with
// its error and the next is tried. A backend asked for by name must work: otherwise the run
// stops with the reason instead of training elsewhere.
import { findBackend, ready, setBackend } from '@tensorflow/tfjs-core';
import type { BackendChoice } from '../../shared/experiment/schema';
import type { BackendName } from '../../shared/run/events';
import type { ActivatorTable, BackendAttempt, BackendContext, BackendEngine } from './backendAttempt';
import { BackendError } from './backendError';
import { cpuActivator } from './cpuBackend';
import { createModuleLoader, createModuleLocator, errorSummary } from './moduleLoader';
import type { ModuleLoader, ModuleLocator } from './moduleLoader';
import { loadNativeAddon } from './native/nativeAddon';
import type { AddonLoad } from './native/nativeAddon';
import { nativeActivator } from './native/nativeBackend';
import { TFJS_NODE_PACKAGES, tfjsNodeActivator } from './tfjsNodeBackend';
import { wasmActivator } from './wasmBackend';
import { WEBGPU_PACKAGE } from './webgpuAdapterSearch';
import { TFJS_WEBGPU_PACKAGE, webgpuActivator } from './webgpuBackend';
import { probeWebgpuInChild } from './webgpuProbe';
import type { WebgpuProbe } from './webgpuProbe';

/** The order `auto` tries. */
export const AUTO_ORDER: readonly BackendName[] = ['tensorflow-gpu', 'webgpu', 'tensorflow', 'native', 'wasm', 'cpu'];

/** Packages to install for each optional backend, for error messages. */
const INSTALL_HINTS: Partial<Record<BackendName, string>> = {
  'tensorflow-gpu': TFJS_NODE_PACKAGES['tensorflow-gpu'],
  tensorflow: TFJS_NODE_PACKAGES.tensorflow,
  webgpu: `${WEBGPU_PACKAGE} ${TFJS_WEBGPU_PACKAGE}`,
};

export interface SelectBackendOptions {
  /** Folder of tfjs-backend-wasm's .wasm files; default: dist/wasm beside the bundle, else the package's. */
  wasmDir?: string;
  /** Extra folders to look for optional packages in (a workspace, a global node_modules). */
  searchPaths?: string[];
  /** One line per step: what was tried, what failed. */
  log: (line: string) => void;
  /** Loads an optional package by name (tests pass a fake); default: Node's require over searchPaths. */
  loadModule?: ModuleLoader;
  /**
   * Says where a package loads from, for messages; default with the default loader: Node's resolution over
   * searchPaths.
   */
  locateModule?: ModuleLocator;
  /**
   * Loads the native kernels' addon; default with the default loader: the built addon
   * (native/nativeAddon.ts). With a fake loader and none given, it counts as not built.
   */
  loadNativeAddon?: () => AddonLoad;
  /** tf.setBackend/tf.ready (tests pass a fake). */
  engine?: BackendEngine;
  /** Per-backend activators (tests replace some). */
  activators?: Partial<ActivatorTable>;
  /**
   * How `auto` looks for a WebGPU adapter before loading Dawn in this process; default with the
   * default loader: in a child process with its output captured (webgpuProbe.ts).
   */
  probeWebgpu?: WebgpuProbe;
}

export interface SelectedBackend {
  name: BackendName;
  /** Why this backend: each one tried and what happened, then what runs. */
  notes: string[];
  /** Frees what the backend holds that would keep Node running (WebGPU); call when done. */
  release: () => void;
}

const DEFAULT_ACTIVATORS: ActivatorTable = {
  'tensorflow-gpu': tfjsNodeActivator('tensorflow-gpu'),
  webgpu: webgpuActivator,
  tensorflow: tfjsNodeActivator('tensorflow'),
  native: nativeActivator,
  wasm: wasmActivator,
  cpu: cpuActivator,
};

const TFJS_ENGINE: BackendEngine = { setBackend, ready, findBackend };

export async function selectBackend(choice: BackendChoice, options: SelectBackendOptions): Promise<SelectedBackend> {
  const activators: ActivatorTable = { ...DEFAULT_ACTIVATORS, ...options.activators };
  const searchPaths = options.searchPaths ?? [];
  const locateModule =
    options.locateModule ?? (options.loadModule === undefined ? createModuleLocator({ searchPaths }) : undefined);
  const probeWebgpu =
    options.probeWebgpu ?? (options.loadModule === undefined ? () => probeWebgpuInChild({ searchPaths }) : undefined);
  const context: Omit<BackendContext, 'explicit'> = {
    loadModule: options.loadModule ?? createModuleLoader({ searchPaths }),
    ...(locateModule === undefined ? {} : { locateModule }),
    ...(probeWebgpu === undefined ? {} : { probeWebgpu }),
    engine: options.engine ?? TFJS_ENGINE,
    loadNativeAddon:
      options.loadNativeAddon ?? (options.loadModule === undefined ? () => loadNativeAddon() : notLookedFor),
    log: options.log,
    ...(options.wasmDir === undefined ? {} : { wasmDir: options.wasmDir }),
  };
  const candidates = choice === 'auto' ? AUTO_ORDER : [choice];
  if (candidates.some((name) => name in INSTALL_HINTS)) {
    options.log(
      'backend search: optional backends are looked for beside MedTransfer' +
        `${searchPaths.length > 0 ? ` and in ${searchPaths.join(', ')}` : ''}`,
    );
  }
  const notes: string[] = [];
  for (const name of candidates) {
    const attempt = await tryActivator(activators[name], { ...context, explicit: choice !== 'auto' });
    if (attempt.ok) {
      const chosen = [
        `${name}: ${choice === 'auto' ? 'chosen by auto' : 'as asked'}`,
        ...attempt.notes.map((note) => `${name}: ${note}`),
      ];
      chosen.forEach((line) => options.log(`backend ${line}`));
      return { name, notes: [...notes, ...chosen], release: attempt.release ?? (() => undefined) };
    }
    const note = `${name}: ${attempt.note}`;
    notes.push(note);
    options.log(`backend ${note}${choice === 'auto' ? ', trying the next' : ''}`);
    if (choice !== 'auto') throw new BackendError(explicitFailure(name, attempt, searchPaths));
  }
  throw new BackendError(`no tfjs backend could start: ${notes.join('; ')}`);
}

/** An activator that throws is a failed attempt, like one that reports failure. */
async function tryActivator(activate: ActivatorTable[BackendName], context: BackendContext): Promise<BackendAttempt> {
  try {
    return await activate(context);
  } catch (error) {
    return { ok: false, reason: 'failed', note: `failed: ${errorSummary(error)}` };
  }
}

function explicitFailure(
  name: BackendName,
  attempt: Exclude<BackendAttempt, { ok: true }>,
  searchPaths: string[],
): string {
  const base = `backend '${name}' was asked for but is not available: ${attempt.note}`;
  const install = INSTALL_HINTS[name];
  if (attempt.reason !== 'missing' || install === undefined) return base.endsWith('.') ? base : `${base}.`;
  const where =
    searchPaths.length > 0
      ? ` (looked beside MedTransfer and in ${searchPaths.join(', ')})`
      : ' (looked beside MedTransfer)';
  return `${base}${where}. Install it with \`npm install ${install}\`, or set backend: auto.`;
}

/** A caller that fakes the optional packages gets no native kernels unless it passes them too. */
function notLookedFor(): AddonLoad {
  return { ok: false, reason: 'missing', note: 'not looked for (packages are faked)' };
}
