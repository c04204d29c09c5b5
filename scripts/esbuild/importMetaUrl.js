// Injected into the CommonJS bundles (esbuild.config.mjs): what `import.meta.url` means in the
// ES modules they include, the bundle file's own URL.
import { pathToFileURL } from 'node:url';

export const importMetaUrl = pathToFileURL(__filename).href;
