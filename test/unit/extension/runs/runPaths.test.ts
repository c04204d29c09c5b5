import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  compareRunIdsNewestFirst,
  describeRunDir,
  newRunId,
  resolveRunsRoot,
  runIdTime,
  runOfPath,
} from '../../../../src/extension/runs/runPaths';

describe('resolveRunsRoot', () => {
  const base = { experimentFile: '/ws/experiments/chest.experiment.yaml', workspaceFolder: '/ws', home: '/home/me' };
  it('defaults to runs/ beside the experiment file, as the CLI does', () => {
    assert.equal(resolveRunsRoot({ ...base, setting: '' }), '/ws/experiments/runs');
    assert.equal(resolveRunsRoot({ ...base, setting: '   ' }), '/ws/experiments/runs');
  });
  it('resolves a relative setting against the workspace folder (or the file without one)', () => {
    assert.equal(resolveRunsRoot({ ...base, setting: 'out/runs' }), '/ws/out/runs');
    assert.equal(
      resolveRunsRoot({ ...base, setting: 'out/runs', workspaceFolder: undefined }),
      '/ws/experiments/out/runs',
    );
  });
  it('takes absolute paths, ~ and ${workspaceFolder}', () => {
    assert.equal(resolveRunsRoot({ ...base, setting: '/mnt/shared/runs' }), '/mnt/shared/runs');
    assert.equal(resolveRunsRoot({ ...base, setting: '~/runs' }), '/home/me/runs');
    assert.equal(resolveRunsRoot({ ...base, setting: '${workspaceFolder}/r' }), '/ws/r');
  });
});

describe('run paths', () => {
  const dir = join('/ws', 'runs', 'demo');
  it('finds the run a path inside an experiment folder belongs to', () => {
    assert.deepEqual(runOfPath(dir, join(dir, '20261124-101500', 'events.jsonl')), {
      runId: '20261124-101500',
      runDir: join(dir, '20261124-101500'),
    });
    assert.deepEqual(runOfPath(dir, join(dir, '20261124-101500-2')), {
      runId: '20261124-101500-2',
      runDir: join(dir, '20261124-101500-2'),
    });
    assert.equal(runOfPath(dir, join(dir, 'notes', 'x')), null);
    assert.equal(runOfPath(dir, dir), null);
    assert.equal(runOfPath(dir, join('/ws', 'runs', 'other', '20261124-101500')), null);
  });

  it('sorts run ids newest first, same-second suffixes numerically', () => {
    const ids = ['20261124-101500', '20261124-101500-10', '20261125-090000', '20261124-101500-2'];
    assert.deepEqual(ids.sort(compareRunIdsNewestFirst), [
      '20261125-090000',
      '20261124-101500-10',
      '20261124-101500-2',
      '20261124-101500',
    ]);
  });

  it('makes a free run id like the trainer does', () => {
    const now = new Date(2026, 10, 24, 10, 15, 0);
    assert.equal(newRunId(now, new Set()), '20261124-101500');
    assert.equal(newRunId(now, new Set(['20261124-101500', '20261124-101500-2'])), '20261124-101500-3');
    assert.equal(runIdTime('20261124-101500-3')?.getTime(), now.getTime());
    assert.equal(runIdTime('latest'), null);
  });

  it('reads the experiment name and run id from a run folder', () => {
    assert.deepEqual(describeRunDir(join(dir, '20261124-101500')), {
      experimentName: 'demo',
      runId: '20261124-101500',
    });
  });
});
