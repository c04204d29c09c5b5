// The trainer's command line, defined once: every flag of every command survives build → parse,
// alone and all together, and the parser says what is wrong with a bad command line in the
// words the CLI has always used.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  TRAINER_FLAGS,
  parseTrainerCommandLine,
  trainerCommandLine,
} from '../../../../src/shared/host/trainerCommandLine';
import type { FlagKind, TrainerCommand, TrainerRequest } from '../../../../src/shared/host/trainerCommandLine';

const POSITIONALS: Record<TrainerCommand, string[]> = {
  validate: ['/ws/a.experiment.yaml', 'b c.experiment.yml'],
  run: ['/ws/my experiments/a.experiment.yaml'],
  resume: ['runs/demo/20261124-101500'],
  study: ['/ws/my studies/labels.study.yaml'],
  submit: ['/ws/my experiments/a.experiment.yaml'],
  status: ['/ws/runs/demo/20261124-101500', '/ws/runs/labels.study'],
  cancel: ['/ws/runs/demo/20261124-101500'],
  explain: ['/ws/runs/demo/20261124-101500', '/img/1.png', 'x ray.dcm'],
  report: ['/ws/runs/demo/20261124-101500'],
  'inspect-weights': ['/ws/weights/resnet 18.pth'],
  import: ['/ws/weights/resnet 18.safetensors'],
  export: ['/ws/runs/demo/20261124-101500'],
  predict: ['/ws/runs/demo/20261124-101500', 'scans', 'x ray.dcm'],
};

/** A value of each kind, with what a shell or a naive parser would get wrong. */
function sampleValue(kind: FlagKind, name: string): string | string[] | true {
  if (kind === 'switch') return true;
  // A run id is a plain name (src/shared/run/plainName.ts): any other value is refused.
  if (name === 'run-id') return 'run.id_2-b';
  if (kind === 'value') return `/some where/${name}=value`;
  return ['/opt/tfjs', '-odd folder', '/s p/node_modules'];
}

function requestWith(command: TrainerCommand, flags: readonly string[], positionals = POSITIONALS[command]) {
  const spec: Readonly<Record<string, FlagKind>> = TRAINER_FLAGS[command];
  const values = Object.fromEntries(flags.map((name) => [name, sampleValue(spec[name] ?? 'switch', name)]));
  // Built from TRAINER_FLAGS itself, so a flag added there is covered here without a new line.
  return { command, positionals, flags: values } as TrainerRequest;
}

function roundTrip(request: TrainerRequest): void {
  const args = trainerCommandLine(request);
  assert.deepEqual(parseTrainerCommandLine(args), { kind: 'request', request }, args.join(' '));
}

describe('trainer command line: build, then parse', () => {
  for (const command of Object.keys(TRAINER_FLAGS) as TrainerCommand[]) {
    const flags = Object.keys(TRAINER_FLAGS[command]);
    it(`${command}: gives back the same request with no flag, each flag alone, and all of them`, () => {
      roundTrip(requestWith(command, []));
      for (const name of flags) roundTrip(requestWith(command, [name]));
      roundTrip(requestWith(command, flags));
    });
  }

  it('reads back paths that start with a dash, as flag values and as positionals', () => {
    roundTrip({ command: 'run', positionals: ['-odd.experiment.yaml'], flags: { 'runs-dir': '-runs' } });
    assert.deepEqual(trainerCommandLine({ command: 'report', positionals: ['-r'], flags: { out: '-o' } }), [
      'report',
      '--out=-o',
      '--',
      '-r',
    ]);
  });

  it('builds the command lines the extension has always sent', () => {
    assert.deepEqual(
      trainerCommandLine({
        command: 'run',
        positionals: ['/ws/a b.experiment.yaml'],
        flags: { 'runs-dir': '/ws/runs', 'run-id': '20261124-101500', backend: 'wasm', 'no-progress': true },
      }),
      [
        'run',
        '/ws/a b.experiment.yaml',
        '--runs-dir',
        '/ws/runs',
        '--run-id',
        '20261124-101500',
        '--backend',
        'wasm',
        '--no-progress',
      ],
    );
    assert.deepEqual(
      trainerCommandLine({ command: 'explain', positionals: ['/runs/a/1', '/x/1.png'], flags: { json: true } }),
      ['explain', '/runs/a/1', '/x/1.png', '--json'],
    );
  });
});

describe('trainer command line: what is wrong with it', () => {
  const cases: [string[], ReturnType<typeof parseTrainerCommandLine>][] = [
    [[], { kind: 'no-command' }],
    [['--help'], { kind: 'help', command: null }],
    [['help'], { kind: 'help', command: null }],
    [['run', '-h'], { kind: 'help', command: 'run' }],
    [['resume', '--help'], { kind: 'help', command: 'resume' }],
    [['train', 'a.yaml'], { kind: 'usage', command: null, message: 'unknown command `train`', withHelp: true }],
    [['run'], { kind: 'usage', command: 'run', message: 'run needs an experiment file', withHelp: true }],
    [
      ['run', 'a.yaml', 'b.yaml', 'c.yaml'],
      {
        kind: 'usage',
        command: 'run',
        message: 'run takes one experiment file, got also: b.yaml c.yaml',
        withHelp: true,
      },
    ],
    [['resume'], { kind: 'usage', command: 'resume', message: 'resume needs a run folder', withHelp: true }],
    [
      ['validate'],
      { kind: 'usage', command: 'validate', message: 'validate needs at least one experiment file', withHelp: true },
    ],
    [
      ['explain', '/runs/a/1'],
      {
        kind: 'usage',
        command: 'explain',
        message: 'explain needs a run folder and at least one image',
        withHelp: true,
      },
    ],
    [
      ['report', 'a', 'b'],
      {
        kind: 'usage',
        command: 'report',
        message: 'report takes one run or study folder, got also: b',
        withHelp: true,
      },
    ],
  ];
  for (const [args, expected] of cases)
    it(`${args.join(' ') || '(nothing)'} → ${expected.kind}`, () =>
      assert.deepEqual(parseTrainerCommandLine(args), expected));

  it('refuses a run id that is not a plain name: it would lead out of the runs folder', () => {
    for (const runId of ['../..', '..', '.', 'a/b', '/tmp/x', 'C:\\x', '-x', 'a b', '']) {
      const parsed = parseTrainerCommandLine(['run', 'a.yaml', `--run-id=${runId}`]);
      assert.equal(parsed.kind, 'usage', runId);
      if (parsed.kind !== 'usage') continue;
      assert.equal(parsed.withHelp, false);
      assert.match(
        parsed.message,
        /^--run-id: (run id ".*" is not a plain name: letters, digits|a run id cannot be empty)/,
      );
    }
    assert.equal(parseTrainerCommandLine(['run', 'a.yaml', '--run-id', 'x'.repeat(101)]).kind, 'usage');
    assert.equal(parseTrainerCommandLine(['run', 'a.yaml', '--run-id', 'seed-1.b_2']).kind, 'request');
  });

  it("names an unknown flag, a flag of another command and a missing value in Node's words, without help", () => {
    for (const args of [
      ['run', 'a.yaml', '--bogus'],
      ['resume', 'runs/x', '--run-id', 'x'],
      ['run', 'a.yaml', '--run-id'],
    ]) {
      const parsed = parseTrainerCommandLine(args);
      assert.equal(parsed.kind, 'usage', args.join(' '));
      if (parsed.kind !== 'usage') continue;
      assert.equal(parsed.withHelp, false);
      assert.match(parsed.message, /Unknown option|argument missing/);
    }
  });
});
