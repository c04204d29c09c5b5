// What trying one backend gives, and what a try needs. Kept apart from selectBackend so each
// backend's file depends only on these types.
import type { BackendName } from '../../shared/run/events';
import type { ModuleLoader, ModuleLocator } from './moduleLoader';
import type { AddonLoad } from './native/nativeAddon';
import type { WebgpuProbe } from './webgpuProbe';

export type BackendAttempt =
  /**
   * The backend is active; `notes` say what runs (device, build, kernels). `release` frees what
   * would keep the process alive (Dawn's GPU object) once training is over.
   */
  | { ok: true; notes: string[]; release?: () => void }
  /**
   * Not used: `missing` (a package is not installed: skipped quietly), `unsuitable` (present but
   * not what `auto` should pick, e.g. a software GPU), `failed` (present but would not start).
   */
  | { ok: false; reason: 'missing' | 'unsuitable' | 'failed'; note: string };

/** The part of tfjs that switches backends; tests pass a fake. */
export interface BackendEngine {
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  /** The backend instance registered under `name` (tf.findBackend); fakes may leave it out. */
  findBackend?(name: string): unknown;
}

export interface BackendContext {
  loadModule: ModuleLoader;
  /** The folder a package loads from, for messages; fakes may leave it out. */
  locateModule?: ModuleLocator;
  engine: BackendEngine;
  log: (line: string) => void;
  /** Loads MedTransfer's native kernels (native/nativeAddon.ts); tests with fake packages pass their own. */
  loadNativeAddon: () => AddonLoad;
  /** Folder of the .wasm binaries, when the caller knows it. */
  wasmDir?: string;
  /** Asked for by name (not `auto`): take what works even if auto would pass it over. */
  explicit: boolean;
  /**
   * For `auto`: looks for a WebGPU adapter without loading Dawn here (in a child process, whose
   * output is kept from the terminal). Fakes leave it out: the adapter is then looked for here.
   */
  probeWebgpu?: WebgpuProbe;
}

export type BackendActivator = (context: BackendContext) => Promise<BackendAttempt>;

export type ActivatorTable = Record<BackendName, BackendActivator>;
