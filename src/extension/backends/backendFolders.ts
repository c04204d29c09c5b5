// The folders the trainer searches for optional backends, as the extension passes them
// (`--backend-path`): the `medtransfer.backendPaths` setting, then the folder the install
// command installs into, `<globalStorage>/backends/node_modules`, which is always passed (the
// trainer skips it until something is installed there).
import { join } from 'node:path';

/** The npm prefix the install command uses: `<globalStorage>/backends`. */
export function backendsInstallFolder(globalStoragePath: string): string {
  return join(globalStoragePath, 'backends');
}

/** Folders for the trainer: the setting's (trimmed, `~` expanded), then the extension's own; each once. */
export function trainerBackendPaths(setting: readonly string[], globalStoragePath: string, home: string): string[] {
  const fromSetting = setting
    .map((folder) => folder.trim())
    .filter((folder) => folder !== '')
    .map((folder) =>
      folder === '~'
        ? home
        : folder.startsWith('~/') || folder.startsWith('~\\')
          ? join(home, folder.slice(2))
          : folder,
    );
  return [...new Set([...fromSetting, join(backendsInstallFolder(globalStoragePath), 'node_modules')])];
}
