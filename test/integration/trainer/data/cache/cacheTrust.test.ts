// The dataset cache is this user's own, through the real CLI: an entry whose bytes were changed is
// no hit (the run decodes the files and trains exactly as on the true images), an entry written by
// another user (`nobody`, with a hash that matches) is not trusted, and the fallback for read-only
// data is a folder of this user's with mode 0700; one that belongs to someone else is refused.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  constants,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { PNG } from 'pngjs';
import { metricsFileSchema } from '../../../../../src/shared/run/metricsFile';
import type { MetricsFile } from '../../../../../src/shared/run/metricsFile';
import {
  eventsOf,
  readEvents,
  runCli,
  runDirFromOutput,
  temporaryFolder,
  writeExperiment,
} from '../../../../support/cliHarness';
import type { CliResult } from '../../../../support/cliHarness';
import { cliPath } from '../../../../support/paths';
import { skipIfMissing } from '../../../../support/prerequisites';
import { synthetic, tinyExperiment } from '../../../../support/tinyExperiment';

const NOBODY = 65534;
const SIZE = 20;

/** A gray 8-bit PNG: a bright disc for the lesion class on a dim, noisy background. */
function scanPng(lesion: boolean, index: number): Buffer {
  const png = new PNG({ width: SIZE, height: SIZE });
  const centre = SIZE / 2 + ((index % 3) - 1);
  for (let y = 0; y < SIZE; y++)
    for (let x = 0; x < SIZE; x++) {
      const inside = (x - centre) ** 2 + (y - centre) ** 2 < (SIZE / 4) ** 2;
      const value = Math.round(
        255 * ((lesion && inside ? 0.8 : 0.2) + (0.1 * ((index * 7919 + y * 31 + x * 17) % 13)) / 13),
      );
      png.data.set([value, value, value, 255], (y * SIZE + x) * 4);
    }
  return PNG.sync.write(png, { colorType: 0 });
}

/** A project folder readable by everyone: `data/` with 16 scans per class and the experiment beside it. */
function project(prefix: string): { root: string; experiment: string } {
  const root = temporaryFolder(prefix);
  chmodSync(root, 0o755);
  for (const [name, lesion] of [
    ['normal', false],
    ['lesion', true],
  ] as const) {
    mkdirSync(join(root, 'data', name), { recursive: true });
    for (let i = 0; i < 16; i++) writeFileSync(join(root, 'data', name, `${i}.png`), scanPng(lesion, i));
  }
  const text = tinyExperiment({
    name: 'cached',
    source: { dataset: synthetic('source', 120) },
    target: { dataset: { type: 'folder', path: 'data' }, labelsPerClass: undefined, validationFraction: 0.25 },
    fineTune: { strategy: 'feature-extraction', headEpochs: 2, epochs: 0 },
    baseline: { scratch: false },
    evaluation: { saliency: { samplesPerClass: 0 } },
  });
  return { root, experiment: writeExperiment(root, 'cached', text) };
}

interface Run {
  result: CliResult;
  runDir: string;
  log: string;
  /** The data-progress stages, in order (`decoding`, `cache`). */
  stages: string[];
}

function finished(result: CliResult): Run {
  assert.equal(result.status, 0, result.stderr + result.stdout);
  const runDir = runDirFromOutput(result.stdout);
  return {
    result,
    runDir,
    log: readFileSync(join(runDir, 'log.txt'), 'utf8'),
    stages: [...new Set(eventsOf(readEvents(runDir), 'data-progress').map((event) => event.stage))],
  };
}

function metricsOf(run: Run): MetricsFile['models'] {
  return metricsFileSchema.parse(JSON.parse(readFileSync(join(run.runDir, 'metrics.json'), 'utf8'))).models;
}

/** The one entry folder in a cache folder. */
function entryIn(cacheDir: string): string {
  const entries = readdirSync(cacheDir).filter((name) => /^[0-9a-f]{64}$/.test(name));
  assert.equal(entries.length, 1, `entries in ${cacheDir}: ${readdirSync(cacheDir).join(', ')}`);
  return join(cacheDir, entries[0] ?? '');
}

describe('a cache entry whose bytes changed', () => {
  it('is no hit: the run decodes the files again, trains as on the true images, and rewrites the entry', () => {
    const { root, experiment } = project('cache-tampered');
    const runsDir = join(root, 'runs');
    const first = finished(runCli(['run', experiment, '--no-progress', '--runs-dir', runsDir]));
    assert.deepEqual(first.stages, ['decoding']);
    const entry = entryIn(join(root, '.medtransfer-cache'));
    const images = join(entry, readdirSync(entry).find((name) => name.startsWith('train.images.')) ?? 'none');
    const original = readFileSync(images);
    // Same length, other pixels: every image black.
    writeFileSync(images, Buffer.alloc(original.length));

    const second = finished(runCli(['run', experiment, '--no-progress', '--runs-dir', runsDir]));
    assert.deepEqual(second.stages, ['decoding']);
    assert.match(
      second.log,
      /the cached entry [0-9a-f]{12}… at .*\.medtransfer-cache was not used: its contents do not match the SHA-256/,
    );
    assert.match(second.log, /cache miss at .*\.medtransfer-cache: decoded 32 files and stored them/);
    assert.deepEqual(metricsOf(second), metricsOf(first), 'the same seed on the same images gives the same model');
    assert.deepEqual(readFileSync(images), original, 'the entry holds the true images again');

    const third = finished(runCli(['run', experiment, '--no-progress', '--runs-dir', runsDir]));
    assert.deepEqual(third.stages, ['cache']);
  });
});

const asRoot = process.platform === 'linux' && process.getuid?.() === 0;

function cannotRunAsNobody(): string | false {
  if (!asRoot) return 'running the CLI as another user needs root';
  try {
    accessSync('/usr/bin/setpriv', constants.X_OK);
    return false;
  } catch {
    return 'setpriv (util-linux) is not installed';
  }
}

/** Runs a command as `nobody`, with only the environment given (no home: HOME=/nonexistent). */
function asNobody(command: string[], env: Record<string, string>): CliResult {
  const result = spawnSync(
    '/usr/bin/setpriv',
    ['--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups', ...command],
    {
      encoding: 'utf8',
      timeout: 240_000,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent', ...env },
    },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A folder anyone may write in (as /tmp is), for what `nobody` writes. */
function openFolder(prefix: string): string {
  const folder = temporaryFolder(prefix);
  chmodSync(folder, 0o1777);
  return folder;
}

describe('the cache as another user sees it', { skip: skipIfMissing(cannotRunAsNobody()) }, () => {
  let root = '';
  let experiment = '';
  let runsDir = '';
  before(() => {
    ({ root, experiment } = project('cache-users'));
    runsDir = openFolder('cache-users-runs');
  });

  it('an entry written by another user is not trusted, although its hash matches', () => {
    // A cache folder open to others (made by hand, or under a permissive umask)…
    const shared = join(root, '.medtransfer-cache');
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    // …into which nobody puts a consistent entry: decoded by the real CLI in its own cache, under
    // the key this user's run will look for, then moved there.
    const theirCache = openFolder('cache-nobody-xdg');
    const theirs = asNobody([process.execPath, cliPath, 'run', experiment, '--no-progress', '--runs-dir', runsDir], {
      XDG_CACHE_HOME: theirCache,
    });
    assert.equal(theirs.status, 0, theirs.stderr + theirs.stdout);
    const planted = entryIn(join(theirCache, 'medtransfer'));
    assert.equal(statSync(planted).uid, NOBODY);
    const moved = asNobody(['/bin/mv', planted, shared], {});
    assert.equal(moved.status, 0, moved.stderr);
    assert.equal(statSync(entryIn(shared)).uid, NOBODY);

    const ours = finished(runCli(['run', experiment, '--no-progress', '--runs-dir', runsDir]));
    assert.deepEqual(ours.stages, ['decoding'], 'decoded, not read from the other user’s entry');
    assert.match(ours.log, /cache folder .*\.medtransfer-cache was open to other users \(mode 777\): set to 0700/);
    assert.match(ours.log, /was not used: it was written by another user \(uid 65534\), so it is not trusted/);
    assert.equal(statSync(shared).mode & 0o777, 0o700);
    assert.equal(statSync(entryIn(shared)).uid, 0, 'the entry is this user’s own now');
  });

  it('read-only data: the fallback is a per-user folder of mode 0700; one owned by someone else is refused', () => {
    // For nobody, the data folder is read-only; without a home or XDG_CACHE_HOME the cache goes
    // to a folder of its own in the temporary folder.
    const tmp = openFolder('cache-nobody-tmp');
    const run = asNobody([process.execPath, cliPath, 'run', experiment, '--no-progress', '--runs-dir', runsDir], {
      TMPDIR: tmp,
    });
    assert.equal(run.status, 0, run.stderr + run.stdout);
    const fallback = join(tmp, `medtransfer-cache-${NOBODY}`);
    const stats = statSync(fallback);
    assert.equal(stats.mode & 0o777, 0o700);
    assert.equal(stats.uid, NOBODY);
    const log = readFileSync(join(runDirFromOutput(run.stdout), 'log.txt'), 'utf8');
    assert.match(log, new RegExp(`cache miss at ${fallback}: decoded 32 files and stored them`));

    // Someone else got there first: that folder is refused, and the run trains without a cache.
    const squatted = openFolder('cache-squatted-tmp');
    mkdirSync(join(squatted, `medtransfer-cache-${NOBODY}`), { mode: 0o777 });
    chmodSync(join(squatted, `medtransfer-cache-${NOBODY}`), 0o777);
    const refused = asNobody([process.execPath, cliPath, 'run', experiment, '--no-progress', '--runs-dir', runsDir], {
      TMPDIR: squatted,
    });
    assert.equal(refused.status, 0, refused.stderr + refused.stdout);
    const refusedLog = readFileSync(join(runDirFromOutput(refused.stdout), 'log.txt'), 'utf8');
    assert.match(
      refusedLog,
      /medtransfer-cache-65534 is not used: it belongs to another user \(uid 0; you are uid 65534\)/,
    );
    assert.match(refusedLog, /no cache folder could be trusted, so nothing is cached in this run/);
    assert.deepEqual(readdirSync(join(squatted, `medtransfer-cache-${NOBODY}`)), []);
  });
});
