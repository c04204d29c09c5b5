// `medtransfer validate` on hostile experiment files (an alias bomb, deep nesting): one line per
// problem with file:line:col, exit 1, no stack trace.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../../../support/cliHarness';
import { HOSTILE, aliasBomb } from '../../../support/hostileExperimentFiles';

describe('medtransfer validate on hostile files', () => {
  it('keeps `medtransfer validate` to one line per problem with file:line:col, exit 1, no stack trace', () => {
    const folder = mkdtempSync(join(tmpdir(), 'medtransfer-fuzz-cli-'));
    const files = [aliasBomb(9), HOSTILE[2] ?? '', HOSTILE[6] ?? ''].map((text, index) => {
      const file = join(folder, `hostile${index}.experiment.yaml`);
      writeFileSync(file, text);
      return file;
    });
    const result = runCli(['validate', ...files], { timeoutMs: 30_000 });
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, /hostile0\.experiment\.yaml:3:8: aliases expand to too much data/);
    assert.match(
      result.stderr,
      /hostile1\.experiment\.yaml:1:\d+: syntax error: the file is nested too deeply to read/,
    );
    assert.match(result.stderr, /hostile2\.experiment\.yaml:\d+:\d+: /);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
  });
});
