// `medtransfer validate` on hostile experiment files (an alias bomb, deep nesting, thousands of
// unknown keys): one line per problem with file:line:col, at most 50 and a count of the rest,
// exit 1, no stack trace.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cliCpuSeconds, runCli, temporaryFolder, writeExperiment } from '../../../support/cliHarness';
import { HOSTILE, aliasBomb } from '../../../support/hostileExperimentFiles';
import { tinyExperiment } from '../../../support/tinyExperiment';
import { MAX_DIAGNOSTICS } from '../../../../src/shared/experiment/validatedYaml';

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

  it('lists 50 of 32,000 unknown keys and counts the rest, in linear time', () => {
    const folder = temporaryFolder('many-keys');
    const valid = tinyExperiment();
    const lines = valid.split('\n').length;
    const keys = Array.from({ length: 32_000 }, (_, i) => `unknownKey${i}: ${i}\n`).join('');
    const file = writeExperiment(folder, 'many', valid + keys);
    const result = runCli(['validate', file], { timeoutMs: 60_000 });
    assert.equal(result.status, 1, result.stderr);
    const printed = result.stderr.trim().split('\n');
    assert.equal(printed.length, MAX_DIAGNOSTICS + 1);
    assert.match(printed[0] ?? '', new RegExp(`many\\.experiment\\.yaml:${lines}:1: unknown key \`unknownKey0\`; `));
    assert.equal(
      printed.at(-1),
      `${file}:${lines + MAX_DIAGNOSTICS}:1: 31,950 more problems from here on, not listed (only the first 50 are)`,
    );
    // Was 25 to 50 s of CPU time (quadratic); now mostly the yaml package's parse, about 1 s.
    const startup = cliCpuSeconds(['validate', writeExperiment(folder, 'valid', valid)]);
    const validating = cliCpuSeconds(['validate', file]) - startup;
    assert.ok(validating < 3, `validating 32,000 unknown keys took ${validating.toFixed(2)} s of CPU time`);
  });
});
