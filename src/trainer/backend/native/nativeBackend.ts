// `native`: the wasm backend with its convolutions (forward and gradients, plain and depthwise),
// batch normalisation, ReLU/ReLU6, pooling and matrix products run by MedTransfer's addon (oneDNN
// and loops of our own) on all cores. Everything else stays on wasm, and the tensors stay on the
// wasm heap. Without the addon (not built, turned off by MEDTRANSFER_NATIVE=0, or
// failing to load) `auto` goes on to plain wasm and says why.
import type { BackendActivator, BackendAttempt } from '../backendAttempt';
import { wasmActivator } from '../wasmBackend';
import { counted } from '../../../shared/text/plural';
import { isWinogradAllowed, WINOGRAD_SWITCH_VARIABLE } from './nativeAddon';
import { registerNativeKernels } from './registerNativeKernels';

export const nativeActivator: BackendActivator = async (context): Promise<BackendAttempt> => {
  const load = context.loadNativeAddon();
  if (!load.ok) return { ok: false, reason: load.reason === 'failed' ? 'failed' : 'missing', note: load.note };
  const wasm = await wasmActivator(context);
  if (!wasm.ok) return wasm;
  const kernels = registerNativeKernels(load.addon);
  const winograd = isWinogradAllowed(process.env);
  load.addon.winogradConvolutions(winograd);
  const about = load.addon.about();
  return {
    ok: true,
    notes: [
      `oneDNN ${about.oneDnnVersion} on ${counted(about.threads, 'thread')} runs ${kernels.join(', ')} ` +
        `(addon ${load.path}; MEDTRANSFER_NATIVE=0 turns it off)`,
      winograd
        ? `3×3 convolutions of 64 channels and more by Winograd (${WINOGRAD_SWITCH_VARIABLE}=0: direct only)`
        : `direct convolutions only (${WINOGRAD_SWITCH_VARIABLE}=0)`,
      ...wasm.notes.map((note) => `wasm for the rest: ${note}`),
    ],
  };
};
