// Where the dataset cache goes when the data's folder cannot take it, and which folders it refuses.
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdirSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { resolveCacheDir } from '../../../../../src/trainer/data/cache/cacheDir';
import type { CacheUser } from '../../../../../src/trainer/data/cache/cacheDir';
import { temporaryFolder } from '../../../../support/dataHelpers';
import { skipIfMissing } from '../../../../support/prerequisites';

const uid = process.getuid?.() ?? null;
const posix = uid !== null;

describe('resolveCacheDir', { skip: !posix && 'owners and modes are POSIX' }, () => {
  const root = temporaryFolder('cache-dir');
  after(root.remove);
  // A dataset whose folder does not exist cannot be written beside: the user's own folder is used.
  const readOnlyData = join(root.path, 'missing', 'data');
  let count = 0;
  const user = (overrides: Partial<CacheUser> = {}): CacheUser => {
    const base = join(root.path, `user${count++}`);
    mkdirSync(join(base, 'home'), { recursive: true });
    mkdirSync(join(base, 'tmp'));
    return { uid, home: join(base, 'home'), xdgCacheHome: undefined, tmp: join(base, 'tmp'), ...overrides };
  };
  const mode = (path: string) => statSync(path).mode & 0o777;

  it('is .medtransfer-cache beside writable data, made 0700; off when disabled', async () => {
    mkdirSync(join(root.path, 'beside', 'data'), { recursive: true });
    const folder = await resolveCacheDir(undefined, join(root.path, 'beside', 'data'), user());
    assert.deepEqual(folder, { dir: join(root.path, 'beside', '.medtransfer-cache'), notes: [] });
    assert.equal(mode(join(root.path, 'beside', '.medtransfer-cache')), 0o700);
    assert.equal(await resolveCacheDir({ enabled: false }, readOnlyData, user()), null);
  });

  it('falls back to $XDG_CACHE_HOME/medtransfer, ~/.cache/medtransfer, then a per-uid temporary folder, all 0700', async () => {
    const xdg = user();
    xdg.xdgCacheHome = join(xdg.home, 'xdg');
    const inXdg = await resolveCacheDir(undefined, readOnlyData, xdg);
    assert.equal(inXdg?.dir, join(xdg.home, 'xdg', 'medtransfer'));
    assert.equal(mode(join(xdg.home, 'xdg', 'medtransfer')), 0o700);

    const relative = user({ xdgCacheHome: 'relative/cache' });
    assert.equal(
      (await resolveCacheDir(undefined, readOnlyData, relative))?.dir,
      join(relative.home, '.cache', 'medtransfer'),
    );
    assert.equal(mode(join(relative.home, '.cache')), 0o700);

    const homeless = user();
    homeless.home = join(homeless.home, 'nonexistent');
    const inTmp = await resolveCacheDir(undefined, readOnlyData, homeless);
    assert.equal(inTmp?.dir, join(homeless.tmp, `medtransfer-cache-${uid}`));
    assert.equal(mode(join(homeless.tmp, `medtransfer-cache-${uid}`)), 0o700);
  });

  it('tightens a folder of the user’s that others could write in, and says so', async () => {
    const loose = user();
    mkdirSync(join(loose.home, '.cache', 'medtransfer'), { recursive: true });
    chmodSync(join(loose.home, '.cache', 'medtransfer'), 0o777);
    const folder = await resolveCacheDir(undefined, readOnlyData, loose);
    assert.equal(folder?.dir, join(loose.home, '.cache', 'medtransfer'));
    assert.match(folder?.notes[0] ?? '', /was open to other users \(mode 777\): set to 0700/);
    assert.equal(mode(join(loose.home, '.cache', 'medtransfer')), 0o700);
  });

  it('refuses a link in its place and moves on; with nowhere left, caches nothing', async () => {
    const linked = user({ home: '/nonexistent' });
    mkdirSync(join(root.path, 'elsewhere'));
    symlinkSync(join(root.path, 'elsewhere'), join(linked.tmp, `medtransfer-cache-${uid}`));
    const folder = await resolveCacheDir(undefined, readOnlyData, linked);
    assert.equal(folder?.dir, null);
    assert.match(folder?.notes[0] ?? '', /medtransfer-cache-\d+ is not used: it is a symbolic link/);
    assert.match(folder?.notes[1] ?? '', /nothing is cached in this run/);
  });

  it(
    'refuses a folder that belongs to another user, even the one named in cache.dir',
    { skip: skipIfMissing(uid !== 0 && 'giving a folder to another user needs root') },
    async () => {
      const other = user();
      const theirs = join(root.path, 'theirs');
      mkdirSync(theirs, { mode: 0o700 });
      chownSync(theirs, 65534, 65534);
      const folder = await resolveCacheDir({ enabled: true, dir: theirs }, readOnlyData, other);
      assert.match(
        folder?.notes[0] ?? '',
        /theirs is not used: it belongs to another user \(uid 65534; you are uid 0\)/,
      );
      assert.equal(folder?.dir, join(other.home, '.cache', 'medtransfer'));
    },
  );
});
