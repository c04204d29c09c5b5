// What makes two loads of a dataset interchangeable: the same files (path, size, modification
// time), the same preprocessing settings and input shape, and the same decoder code. Any
// change gives a new key, so a stale cache entry is never read, only left behind.
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';

/** Bump when decoding or preprocessing changes what a file turns into. */
export const CACHE_CODE_VERSION = 2;

/** sha256 (hex) of the settings and of every file's path, size and mtime; missing files count as missing. */
export async function cacheKey(files: string[], settings: unknown): Promise<string> {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ version: CACHE_CODE_VERSION, settings }));
  for (const file of files) {
    let stamp = 'missing';
    try {
      const stats = await stat(file);
      stamp = `${stats.size}:${stats.mtimeMs}`;
    } catch {
      // A file that cannot be stat'ed is decoded (and fails or is skipped) on a miss.
    }
    hash.update(`\n${file}\t${stamp}`);
  }
  return hash.digest('hex');
}
