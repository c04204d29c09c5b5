// Where a dataset's cache lives. Default: `.medtransfer-cache` in the folder that holds the
// dataset (beside the image folder or the CSV), so it follows the data and is easy to find and
// delete; a read-only data folder (a shared mount) falls back to this user's own cache folder.
// A cache entry decides what a model trains on, and a hit skips reading the files, so a folder is
// used only when it belongs to this user and nobody else may write in it: any other is refused,
// with the reason in the log, and the next place is tried. What the user's own folders hold is
// checked again entry by entry (datasetCache.ts).
import { constants } from 'node:fs';
import { access, chmod, lstat, mkdir, realpath } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { errorMessage } from '../../../shared/errors/errorMessage';

export interface CacheSettings {
  enabled: boolean;
  dir?: string | undefined;
}

/** The folder the cache uses (null: none could be trusted, so nothing is cached) and why, for the log. */
export interface CacheFolder {
  dir: string | null;
  notes: string[];
}

/** Who the trainer runs as and where its user's folders are; the process's own unless a test says otherwise. */
export interface CacheUser {
  /** null where the platform has no uids (Windows): owner and mode are then not checked. */
  uid: number | null;
  home: string;
  /** $XDG_CACHE_HOME, used when it is an absolute path (the XDG spec ignores relative ones). */
  xdgCacheHome: string | undefined;
  tmp: string;
}

export function processCacheUser(): CacheUser {
  return { uid: process.getuid?.() ?? null, home: homedir(), xdgCacheHome: process.env.XDG_CACHE_HOME, tmp: tmpdir() };
}

const PRIVATE_MODE = 0o700;

/** The cache folder for the dataset at `datasetPath`, or null when caching is off. */
export async function resolveCacheDir(
  settings: CacheSettings | undefined,
  datasetPath: string,
  user: CacheUser = processCacheUser(),
): Promise<CacheFolder | null> {
  if (settings && !settings.enabled) return null;
  const notes: string[] = [];
  const parent = dirname(datasetPath);
  const candidates: string[] = [];
  // A folder the user named may be a link to where they keep caches; the automatic ones may not.
  if (settings?.dir) {
    const named = resolve(parent, settings.dir);
    candidates.push(await realpath(named).catch(() => named));
  } else if (await isWritable(parent)) candidates.push(join(parent, '.medtransfer-cache'));
  candidates.push(...(await userCacheDirs(user)));
  for (const dir of candidates) {
    const refusal = await claimFolder(dir, user.uid, notes);
    if (refusal === null) return { dir, notes };
    notes.push(`cache folder ${dir} is not used: ${refusal}`);
  }
  notes.push('no cache folder could be trusted, so nothing is cached in this run');
  return { dir: null, notes };
}

async function isWritable(folder: string): Promise<boolean> {
  try {
    await access(folder, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** This user's folders, best first: $XDG_CACHE_HOME's, ~/.cache where there is a home, a per-uid temporary one. */
async function userCacheDirs(user: CacheUser): Promise<string[]> {
  const dirs: string[] = [];
  if (user.xdgCacheHome && isAbsolute(user.xdgCacheHome)) dirs.push(join(user.xdgCacheHome, 'medtransfer'));
  else if (await isFolder(user.home)) dirs.push(join(user.home, '.cache', 'medtransfer'));
  dirs.push(join(user.tmp, user.uid === null ? 'medtransfer-cache' : `medtransfer-cache-${user.uid}`));
  return dirs;
}

async function isFolder(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Creates `dir` (mode 0700) or checks the one there: a real folder (no link), owned by `uid`,
 * which nobody else may write in or read (a looser mode of the user's own folder is tightened
 * to 0700, and said). Returns why the folder cannot be used, or null.
 */
async function claimFolder(dir: string, uid: number | null, notes: string[]): Promise<string | null> {
  try {
    await mkdir(dir, { recursive: true, mode: PRIVATE_MODE });
    const stats = await lstat(dir);
    if (stats.isSymbolicLink()) return 'it is a symbolic link, which another user may have placed';
    if (!stats.isDirectory()) return 'it is not a folder';
    if (uid !== null) {
      if (stats.uid !== uid) return `it belongs to another user (uid ${stats.uid}; you are uid ${uid})`;
      if ((stats.mode & 0o077) !== 0) {
        await chmod(dir, PRIVATE_MODE);
        notes.push(
          `cache folder ${dir} was open to other users (mode ${(stats.mode & 0o777).toString(8)}): ` +
            'set to 0700; entries in it that you did not write are not trusted',
        );
      }
    }
    await access(dir, constants.W_OK);
    return null;
  } catch (error) {
    return errorMessage(error);
  }
}
