// Where a dataset's cache lives. Default: `.medtransfer-cache` in the folder that holds the
// dataset (beside the image folder or the CSV), so it follows the data and is easy to find and
// delete; a read-only data folder (a shared mount) falls back to the system temporary folder.
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';

export interface CacheSettings {
  enabled: boolean;
  dir?: string | undefined;
}

/** The cache folder for the dataset at `datasetPath`, or null when caching is off. */
export async function resolveCacheDir(
  settings: CacheSettings | undefined,
  datasetPath: string,
): Promise<string | null> {
  if (settings && !settings.enabled) return null;
  const parent = dirname(datasetPath);
  if (settings?.dir) return isAbsolute(settings.dir) ? settings.dir : resolve(parent, settings.dir);
  try {
    await access(parent, constants.W_OK);
    return join(parent, '.medtransfer-cache');
  } catch {
    return join(tmpdir(), 'medtransfer-cache');
  }
}
