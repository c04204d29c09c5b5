// job.sh carries every path and value to the trainer as exactly the word it was, whatever it
// holds: the script is run by bash here, with a program that records its arguments where the
// CLI would be, from a folder whose name holds quotes, `$(…)`, backticks, `;` and a newline.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { SbatchRequest } from '../../../../src/shared/run/slurmJob';
import { runJobScript, studyArrayScript } from '../../../../src/trainer/executor/jobScript';

const REQUEST: SbatchRequest = {
  partition: 'debug',
  time: '00:10:00',
  cpus: 2,
  gpus: null,
  mem: '4G',
  account: null,
  qos: null,
  extra: ['--exclusive'],
  requeue: true,
  signalLeadSeconds: 60,
};

function hostileFolder(): string {
  const base = mkdtempSync(join(tmpdir(), 'medtransfer-jobscript-'));
  const folder = join(base, `it's "q" $(touch pwned) \`touch pwned2\` ; echo x\nline2 $HOME`);
  mkdirSync(folder, { recursive: true });
  return folder;
}

/** A program standing where the CLI is: writes the arguments it got, as JSON, beside itself. */
function recorder(folder: string): { cli: string; argsFile: string } {
  const cli = join(folder, 'record args.js');
  const argsFile = join(folder, 'args.json');
  writeFileSync(
    cli,
    `require('fs').writeFileSync(${JSON.stringify(argsFile)}, JSON.stringify(process.argv.slice(2)));\n`,
  );
  return { cli, argsFile };
}

describe('runJobScript', () => {
  it('passes every path as one word, and writes the job output into the run folder', () => {
    const folder = hostileFolder();
    const runDir = join(folder, 'runs', 'tiny', 'r1');
    mkdirSync(runDir, { recursive: true });
    const { cli, argsFile } = recorder(folder);
    const experimentFile = join(folder, "my 'exp'.experiment.yaml");
    const script = runJobScript(
      {
        node: process.execPath,
        cli,
        runDir,
        runsDir: join(folder, 'runs'),
        runId: 'r1',
        experimentFile,
        experimentName: 'tiny',
        backend: null,
        study: { file: join(folder, 'a "b".study.yaml'), point: 'p1', seed: 3 },
      },
      REQUEST,
      '2026-12-07T12:00:00.000Z',
    );
    assert.match(script, /^#SBATCH --partition=debug\n#SBATCH --time=00:10:00\n#SBATCH --cpus-per-task=2\n/m);
    assert.match(script, /^#SBATCH --requeue\n#SBATCH --signal=B:USR1@60\n#SBATCH --exclusive$/m);
    const path = join(runDir, 'job.sh');
    writeFileSync(path, script);
    const first = spawnSync('bash', [path], { encoding: 'utf8' });
    assert.equal(first.status, 0, first.stderr);
    assert.deepEqual(JSON.parse(readFileSync(argsFile, 'utf8')), [
      'run',
      experimentFile,
      '--runs-dir',
      join(folder, 'runs'),
      '--run-id',
      'r1',
      '--study',
      join(folder, 'a "b".study.yaml'),
      '--point',
      'p1',
      '--seed',
      '3',
      '--no-progress',
    ]);
    // Once the run has events (a requeue, a resubmission), the same script resumes it.
    writeFileSync(join(runDir, 'events.jsonl'), '');
    const again = spawnSync('bash', [path], { encoding: 'utf8' });
    assert.equal(again.status, 0, again.stderr);
    assert.deepEqual(JSON.parse(readFileSync(argsFile, 'utf8')), ['resume', runDir, '--no-progress']);
    assert.ok(existsSync(join(runDir, 'slurm.out')));
    assert.deepEqual(
      readdirSync(folder).filter((name) => name.startsWith('pwned')),
      [],
    );
    assert.equal(existsSync('pwned'), false);
  });
});

describe('studyArrayScript', () => {
  it('runs the job.sh of the run its array task names, and refuses a task it has none for', () => {
    const folder = hostileFolder();
    const runDirs = ['a', "b 'c'"].map((name) => join(folder, name));
    for (const [index, runDir] of runDirs.entries()) {
      mkdirSync(runDir);
      writeFileSync(join(runDir, 'job.sh'), `echo "task ${index} ran" > "$(dirname "$0")/ran"\n`);
    }
    const path = join(folder, 'array.sh');
    writeFileSync(path, studyArrayScript('grid', runDirs, REQUEST, '2026-12-07T12:00:00.000Z'));
    const task1 = spawnSync('bash', [path], { env: { ...process.env, SLURM_ARRAY_TASK_ID: '1' }, encoding: 'utf8' });
    assert.equal(task1.status, 0, task1.stderr);
    assert.equal(readFileSync(join(runDirs[1] ?? '', 'ran'), 'utf8'), 'task 1 ran\n');
    assert.equal(existsSync(join(runDirs[0] ?? '', 'ran')), false);
    const task9 = spawnSync('bash', [path], { env: { ...process.env, SLURM_ARRAY_TASK_ID: '9' }, encoding: 'utf8' });
    assert.equal(task9.status, 2);
    assert.match(task9.stderr, /no run for array task 9/);
  });
});
