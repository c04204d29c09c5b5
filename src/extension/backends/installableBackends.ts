// The optional backends the "Install GPU Backend…" command can put in the extension's storage,
// with what each needs, shown in its quick pick. The version matches the tfjs the trainer bundles
// (4.22.0): tfjs-node registers its kernels into the trainer's tfjs-core.
import type { BackendChoice } from '../../shared/experiment/schema';

export const TFJS_VERSION = '4.22.0';

export interface InstallableBackend {
  /** The `medtransfer.backend` value that uses it. */
  backend: Exclude<BackendChoice, 'auto' | 'native' | 'wasm' | 'cpu'>;
  label: string;
  /** npm package specs, installed together. */
  packages: readonly string[];
  detail: string;
  /** Its install step downloads libtensorflow (from storage.googleapis.com), not only npm packages. */
  downloadsLibtensorflow: boolean;
}

export const INSTALLABLE_BACKENDS: readonly InstallableBackend[] = [
  {
    backend: 'tensorflow-gpu',
    label: 'TensorFlow with CUDA (tfjs-node-gpu)',
    packages: [`@tensorflow/tfjs-node-gpu@${TFJS_VERSION}`],
    detail:
      'NVIDIA GPU on x64 Linux or Windows. ' +
      'Needs an NVIDIA driver and the CUDA 11.2 and cuDNN 8.1 libraries (CUDA 12 alone is not enough). ' +
      'Its install downloads libtensorflow (several hundred MB) from storage.googleapis.com.',
    downloadsLibtensorflow: true,
  },
  {
    backend: 'tensorflow',
    label: 'TensorFlow on the CPU, native (tfjs-node)',
    packages: [`@tensorflow/tfjs-node@${TFJS_VERSION}`],
    detail:
      'Native TensorFlow on all CPU cores (x64 Linux, macOS, Windows; arm64 macOS). ' +
      'Its install downloads libtensorflow from storage.googleapis.com.',
    downloadsLibtensorflow: true,
  },
  {
    backend: 'webgpu',
    label: 'WebGPU (webgpu + tfjs-backend-webgpu)',
    packages: ['webgpu', `@tensorflow/tfjs-backend-webgpu@${TFJS_VERSION}`],
    detail:
      'Any GPU with a Vulkan, Metal or Direct3D 12 driver; ' +
      'Dawn ships inside the npm package, nothing else is downloaded.',
    downloadsLibtensorflow: false,
  },
];

/** `@scope/name@1.2.3` → `@scope/name`. */
export function packageName(spec: string): string {
  const at = spec.lastIndexOf('@');
  return at > 0 ? spec.slice(0, at) : spec;
}
