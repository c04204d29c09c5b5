// The trainer CLI's command line, defined once: which commands there are, the flags of each and
// whether a flag takes a value. The extension builds its trainers' command lines with
// trainerCommandLine, the CLI (src/trainer/cli/main.ts) reads its own with parseTrainerCommandLine,
// and the liveness check (trainerOfRun.ts) reads a running trainer's back from /proc with the
// same parser, so the three cannot drift apart.
import { parseArgs } from 'node:util';
import { runIdProblem } from '../run/plainName';

/** `value`: one value (`--run-id ID`); `values`: repeatable (`--backend-path DIR`…); `switch`: no value. */
export type FlagKind = 'value' | 'values' | 'switch';

export const TRAINER_FLAGS = {
  validate: {},
  run: {
    'runs-dir': 'value',
    'run-id': 'value',
    backend: 'value',
    'backend-path': 'values',
    'no-progress': 'switch',
    quiet: 'switch',
    // One run of a study: `medtransfer study` starts each of its runs as `run BASE --study FILE --point P --seed S`.
    study: 'value',
    point: 'value',
    seed: 'value',
  },
  study: {
    'runs-dir': 'value',
    'max-parallel': 'value',
    resume: 'switch',
    backend: 'value',
    'backend-path': 'values',
    'no-progress': 'switch',
    quiet: 'switch',
  },
  resume: { backend: 'value', 'backend-path': 'values', 'no-progress': 'switch', quiet: 'switch' },
  // SLURM (src/trainer/executor): submit an experiment, a study (a job array) or a run to resume.
  submit: {
    partition: 'value',
    time: 'value',
    cpus: 'value',
    gpus: 'value',
    mem: 'value',
    account: 'value',
    qos: 'value',
    'sbatch-arg': 'values',
    requeue: 'switch',
    'dry-run': 'switch',
    'runs-dir': 'value',
    'run-id': 'value',
    'max-parallel': 'value',
    backend: 'value',
  },
  status: { json: 'switch' },
  cancel: {},
  explain: { json: 'switch', out: 'value', method: 'value', backend: 'value', 'backend-path': 'values' },
  report: { out: 'value' },
  'inspect-weights': { json: 'switch' },
  import: { architecture: 'value', out: 'value', size: 'value', preprocessing: 'value' },
  export: { format: 'value', out: 'value' },
  predict: { csv: 'value', out: 'value', json: 'switch', backend: 'value', 'backend-path': 'values' },
} as const satisfies Record<string, Record<string, FlagKind>>;

export type TrainerCommand = keyof typeof TRAINER_FLAGS;

const COMMANDS = Object.keys(TRAINER_FLAGS) as TrainerCommand[];

/** What each command takes besides its flags, and how a wrong count is said. */
const POSITIONALS: Record<TrainerCommand, { min: number; max: number; needs: string; takesOne?: string }> = {
  validate: { min: 1, max: Infinity, needs: 'at least one experiment file' },
  run: { min: 1, max: 1, needs: 'an experiment file', takesOne: 'one experiment file' },
  resume: { min: 1, max: 1, needs: 'a run folder', takesOne: 'one run folder' },
  study: { min: 1, max: 1, needs: 'a study file', takesOne: 'one study file' },
  submit: {
    min: 1,
    max: 1,
    needs: 'an experiment file, a study file or a run folder',
    takesOne: 'one experiment file, study file or run folder',
  },
  status: { min: 1, max: Infinity, needs: 'at least one run or study folder' },
  cancel: { min: 1, max: Infinity, needs: 'at least one run or study folder' },
  explain: { min: 2, max: Infinity, needs: 'a run folder and at least one image' },
  report: { min: 1, max: 1, needs: 'a run or study folder', takesOne: 'one run or study folder' },
  'inspect-weights': { min: 1, max: 1, needs: 'a weight file', takesOne: 'one weight file' },
  import: { min: 1, max: 1, needs: 'a weight file', takesOne: 'one weight file' },
  export: { min: 1, max: 1, needs: 'a run folder or a model folder', takesOne: 'one run or model folder' },
  // The images may all come from --csv: the command itself says when there are none.
  predict: { min: 1, max: Infinity, needs: 'a run or model folder' },
};

interface TrainerPositionals {
  validate: [experimentFile: string, ...experimentFiles: string[]];
  run: [experimentFile: string];
  resume: [runDir: string];
  study: [studyFile: string];
  submit: [fileOrRunDir: string];
  status: [folder: string, ...folders: string[]];
  cancel: [folder: string, ...folders: string[]];
  explain: [runDir: string, ...images: string[]];
  report: [runOrStudyDir: string];
  'inspect-weights': [weightFile: string];
  import: [weightFile: string];
  export: [runOrModelDir: string];
  predict: [modelDir: string, ...images: string[]];
}

type FlagValue<Kind extends FlagKind> = Kind extends 'value' ? string : Kind extends 'values' ? string[] : true;

/** A command's flags by name; a flag not given is absent (an empty `values` list is the same). */
export type TrainerFlags<Command extends TrainerCommand> = {
  [Flag in keyof (typeof TRAINER_FLAGS)[Command]]?: (typeof TRAINER_FLAGS)[Command][Flag] extends FlagKind
    ? FlagValue<(typeof TRAINER_FLAGS)[Command][Flag]>
    : never;
};

export type TrainerRequest = {
  [Command in TrainerCommand]: {
    command: Command;
    positionals: TrainerPositionals[Command];
    flags: TrainerFlags<Command>;
  };
}[TrainerCommand];

export type RequestOf<Command extends TrainerCommand> = Extract<TrainerRequest, { command: Command }>;

export type ParsedTrainerCommandLine =
  | { kind: 'request'; request: TrainerRequest }
  /** `--help`, `-h` or `help`: for a command, or the CLI's own (null). */
  | { kind: 'help'; command: TrainerCommand | null }
  | { kind: 'no-command' }
  /** A wrong command line; `withHelp`: show the command's help after the message. */
  | { kind: 'usage'; command: TrainerCommand | null; message: string; withHelp: boolean };

/** The arguments that make the CLI carry out `request` (after `node cli.js`). */
export function trainerCommandLine(request: TrainerRequest): string[] {
  const spec: Readonly<Record<string, FlagKind>> = TRAINER_FLAGS[request.command];
  const given: Readonly<Partial<Record<string, string | readonly string[] | true>>> = request.flags;
  const flags: string[] = [];
  for (const [name, kind] of Object.entries(spec)) {
    const value = given[name];
    if (value === undefined) continue;
    if (kind === 'switch') flags.push(`--${name}`);
    else if (typeof value === 'string') flags.push(...flag(name, value));
    else if (value !== true) for (const one of value) flags.push(...flag(name, one));
  }
  // A positional that looks like a flag (a file named `-x`) is only read as one after `--`.
  if (request.positionals.some((value) => value.startsWith('-')))
    return [request.command, ...flags, '--', ...request.positionals];
  return [request.command, ...request.positionals, ...flags];
}

/** `--name value`, or `--name=value` for a value that would itself read as a flag. */
function flag(name: string, value: string): string[] {
  return value.startsWith('-') ? [`--${name}=${value}`] : [`--${name}`, value];
}

/** Reads the CLI's arguments (after `node cli.js`) into a request, or says what is wrong. */
export function parseTrainerCommandLine(argv: readonly string[]): ParsedTrainerCommandLine {
  const [first, ...rest] = argv;
  if (first === undefined) return { kind: 'no-command' };
  if (first === '-h' || first === '--help' || first === 'help') return { kind: 'help', command: null };
  const command = COMMANDS.find((name) => name === first);
  if (command === undefined)
    return { kind: 'usage', command: null, message: `unknown command \`${first}\``, withHelp: true };
  const spec: Readonly<Record<string, FlagKind>> = TRAINER_FLAGS[command];
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...rest],
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(
          Object.entries(spec).map(([name, kind]) => [
            name,
            kind === 'switch' ? { type: 'boolean' } : { type: 'string', multiple: kind === 'values' },
          ]),
        ),
      },
    });
  } catch (error) {
    // An unknown flag, a flag without its value: Node's message says which.
    if (error instanceof TypeError) return { kind: 'usage', command, message: error.message, withHelp: false };
    throw error;
  }
  if (parsed.values.help === true) return { kind: 'help', command };
  const { positionals } = parsed;
  const arity = POSITIONALS[command];
  if (positionals.length < arity.min)
    return { kind: 'usage', command, message: `${command} needs ${arity.needs}`, withHelp: true };
  if (positionals.length > arity.max) {
    const extra = positionals.slice(arity.max).join(' ');
    const message = `${command} takes ${arity.takesOne ?? arity.needs}, got also: ${extra}`;
    return { kind: 'usage', command, message, withHelp: true };
  }
  const flags: Partial<Record<string, string | string[] | true>> = {};
  for (const [name, kind] of Object.entries(spec)) {
    const value = parsed.values[name];
    if (kind === 'switch' && value === true) flags[name] = true;
    else if (kind === 'value' && typeof value === 'string') flags[name] = value;
    else if (kind === 'values' && Array.isArray(value) && value.length > 0) flags[name] = value.map(String);
  }
  const runId = flags['run-id'];
  if (typeof runId === 'string') {
    // A run id names a folder inside the runs folder: `../..` must not lead out of it.
    const problem = runIdProblem(runId);
    if (problem !== null) return { kind: 'usage', command, message: `--run-id: ${problem}`, withHelp: false };
  }
  // The shapes were checked against TRAINER_FLAGS and POSITIONALS just above.
  return { kind: 'request', request: { command, positionals, flags } as TrainerRequest };
}
