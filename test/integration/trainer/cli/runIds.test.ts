// A run id names one folder inside the runs folder, through the real CLI: an id that is not a
// plain name (`../..`, an absolute path, `a/b`) is refused with exit code 2 before anything is
// written, so no run lands outside the runs folder.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, temporaryFolder, writeExperiment } from '../../../support/cliHarness';
import { tinyExperiment } from '../../../support/tinyExperiment';

describe('medtransfer run --run-id', () => {
  it('refuses a run id that is not a plain name, and writes nothing anywhere', () => {
    const root = temporaryFolder('run-id');
    const folder = join(root, 'project');
    const file = writeExperiment(root, 'escape', tinyExperiment({ name: 'escape' }));
    for (const runId of ['../..', '../../outside', '..', join(root, 'absolute'), 'a/b', 'a\\b', '.hidden']) {
      const result = runCli(['run', file, `--run-id=${runId}`, '--runs-dir', folder, '--quiet']);
      assert.equal(result.status, 2, `${runId}: ${result.stderr}`);
      assert.match(
        result.stderr,
        /^medtransfer: --run-id: run id ".*" is not a plain name: letters, digits, "\.", "_" and "-" only/,
        runId,
      );
    }
    assert.deepEqual(readdirSync(root), ['escape.experiment.yaml'], 'no folder was made, inside or outside');
  });
});
