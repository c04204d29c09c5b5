// Select Backend: sets `medtransfer.backend`, where the user keeps it (workspace if set there).
import * as vscode from 'vscode';
import { BACKEND_CHOICES } from '../../shared/experiment/schema';
import type { BackendChoice } from '../../shared/experiment/schema';
import { readSettings, SETTINGS } from '../settings/settings';

export const BACKEND_DESCRIPTIONS: Record<BackendChoice, string> = {
  auto: "the experiment file's `backend` (itself auto by default: the fastest that loads)",
  'tensorflow-gpu': 'native TensorFlow with CUDA (needs @tensorflow/tfjs-node-gpu installed)',
  webgpu: 'WebGPU through Vulkan (needs the webgpu package and a Vulkan driver)',
  tensorflow: 'native TensorFlow on the CPU (needs @tensorflow/tfjs-node installed)',
  native:
    "WebAssembly with MedTransfer's oneDNN kernels on all cores (built at install where a C++ compiler and libdnnl-dev exist)",
  wasm: 'WebAssembly, bundled: the fastest CPU backend that needs nothing installed',
  cpu: 'plain JavaScript: slow, but always there',
};

export async function pickBackendSetting(): Promise<void> {
  const current = readSettings().backend;
  const picked = await vscode.window.showQuickPick(
    BACKEND_CHOICES.map((choice) => ({
      label: choice,
      description: choice === current ? '(current)' : undefined,
      detail: BACKEND_DESCRIPTIONS[choice],
      choice,
    })),
    { placeHolder: 'Backend for new runs (a running run keeps its own)' },
  );
  if (!picked) return;
  const configuration = vscode.workspace.getConfiguration(SETTINGS.section);
  const inspected = configuration.inspect<string>(SETTINGS.backend);
  const target =
    inspected?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await configuration.update(SETTINGS.backend, picked.choice, target);
}
