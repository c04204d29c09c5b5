// `medtransfer` CLI entry (also the process the extension forks). Parses arguments, runs the
// command, exits with its code; errors become one clear line, never a stack trace.
import { enableProdMode } from '@tensorflow/tfjs-core';
import { parseTrainerCommandLine } from '../../shared/host/trainerCommandLine';
import type { TrainerCommand } from '../../shared/host/trainerCommandLine';
import { EXIT } from '../../shared/run/trainerExitCodes';
import { runCommand, validateCommand } from './commands';
import type { Output } from './commands';
import { explainCommand } from './explainCommand';
import { exportCommand } from './exportCommand';
import {
  EXPLAIN_HELP,
  EXPORT_HELP,
  INSPECT_WEIGHTS_HELP,
  IMPORT_HELP,
  MAIN_HELP,
  PREDICT_HELP,
  REPORT_HELP,
  RESUME_HELP,
  RUN_HELP,
  STUDY_HELP,
  SUBMIT_HELP,
  STATUS_HELP,
  CANCEL_HELP,
  VALIDATE_HELP,
} from './helpText';
import { importCommand } from './importCommand';
import { inspectWeightsCommand } from './inspectWeightsCommand';
import { predictCommand } from './predictCommand';
import { reportCommand } from './reportCommand';
import { resumeCommand } from './resumeCommand';
import { studyCommand } from './studyCommand';
import { submitCommand } from './submitCommand';
import { jobStatusCommand } from './jobStatusCommand';
import { cancelCommand } from './cancelCommand';
import { resolve } from 'node:path';
import { outliveParent } from '../run/outlivesParent';
import { errorMessage, errorStack } from '../../shared/errors/errorMessage';

const output: Output = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

const HELP: Record<TrainerCommand, string> = {
  validate: VALIDATE_HELP,
  run: RUN_HELP,
  resume: RESUME_HELP,
  study: STUDY_HELP,
  explain: EXPLAIN_HELP,
  report: REPORT_HELP,
  'inspect-weights': INSPECT_WEIGHTS_HELP,
  import: IMPORT_HELP,
  export: EXPORT_HELP,
  predict: PREDICT_HELP,
  submit: SUBMIT_HELP,
  status: STATUS_HELP,
  cancel: CANCEL_HELP,
};

async function main(argv: string[]): Promise<number> {
  const parsed = parseTrainerCommandLine(argv);
  if (parsed.kind === 'no-command') {
    output.out(MAIN_HELP);
    return EXIT.usage;
  }
  if (parsed.kind === 'help') return print(parsed.command === null ? MAIN_HELP : HELP[parsed.command]);
  if (parsed.kind === 'usage') {
    if (!parsed.withHelp) return usage(parsed.message, null);
    return usage(parsed.message, parsed.command === null ? MAIN_HELP : HELP[parsed.command]);
  }
  const { request } = parsed;
  switch (request.command) {
    case 'validate':
      return validateCommand(request.positionals, output);
    case 'run': {
      const { flags } = request;
      const studyRun = studyRunFlags(flags);
      if (typeof studyRun === 'string') return usage(studyRun, null);
      enableProdMode();
      return runCommand(
        {
          file: request.positionals[0],
          runsDir: flags['runs-dir'],
          backend: flags.backend,
          backendPaths: flags['backend-path'] ?? [],
          runId: flags['run-id'],
          progress: progressMode(flags),
          ...studyRun,
        },
        output,
      );
    }
    case 'study': {
      const { flags } = request;
      return studyCommand(
        {
          file: request.positionals[0],
          runsDir: flags['runs-dir'],
          maxParallel: flags['max-parallel'],
          resume: flags.resume ?? false,
          backend: flags.backend,
          backendPaths: flags['backend-path'] ?? [],
          progress: progressMode(flags),
        },
        output,
      );
    }
    case 'resume': {
      const { flags } = request;
      enableProdMode();
      return resumeCommand(
        {
          runDir: request.positionals[0],
          backend: flags.backend,
          backendPaths: flags['backend-path'] ?? [],
          progress: progressMode(flags),
        },
        output,
      );
    }
    case 'submit': {
      const { flags } = request;
      return submitCommand(
        {
          target: request.positionals[0],
          runsDir: flags['runs-dir'],
          runId: flags['run-id'],
          maxParallel: flags['max-parallel'],
          backend: flags.backend,
          dryRun: flags['dry-run'] ?? false,
          sbatch: flags,
          program: { node: process.execPath, cli: resolve(process.argv[1] ?? '') },
        },
        output,
      );
    }
    case 'status':
      return jobStatusCommand(request.positionals, request.flags.json ?? false, output);
    case 'cancel':
      return cancelCommand(request.positionals, output);
    case 'explain': {
      const [runDir, ...images] = request.positionals;
      const { flags } = request;
      enableProdMode();
      return explainCommand(
        {
          runDir,
          images,
          json: flags.json ?? false,
          out: flags.out,
          method: flags.method,
          backend: flags.backend,
          backendPaths: flags['backend-path'] ?? [],
        },
        output,
      );
    }
    case 'report':
      return reportCommand({ runDir: request.positionals[0], out: request.flags.out }, output);
    case 'inspect-weights':
      return inspectWeightsCommand({ file: request.positionals[0], json: request.flags.json ?? false }, output);
    case 'import': {
      const { flags } = request;
      enableProdMode();
      return importCommand({ file: request.positionals[0], ...flags }, output);
    }
    case 'export':
      enableProdMode();
      return exportCommand({ dir: request.positionals[0], ...request.flags }, output);
    case 'predict': {
      const [modelDir, ...images] = request.positionals;
      const { flags } = request;
      enableProdMode();
      return predictCommand(
        {
          modelDir,
          images,
          csv: flags.csv,
          out: flags.out,
          json: flags.json ?? false,
          backend: flags.backend,
          backendPaths: flags['backend-path'] ?? [],
        },
        output,
      );
    }
  }
}

/** `--study FILE --point P --seed S` go together: one run of a study. */
function studyRunFlags(flags: {
  study?: string;
  point?: string;
  seed?: string;
}): { studyRun?: { file: string; point: string; seed: string } } | string {
  const { study, point, seed } = flags;
  if (study === undefined && point === undefined && seed === undefined) return {};
  if (study === undefined || point === undefined || seed === undefined)
    return '--study, --point and --seed go together: they name one run of a study';
  return { studyRun: { file: study, point, seed } };
}

function progressMode(values: { quiet?: true; 'no-progress'?: true }): 'bar' | 'lines' | 'quiet' {
  if (values.quiet) return 'quiet';
  return values['no-progress'] || !process.stderr.isTTY || process.send ? 'lines' : 'bar';
}

function print(text: string): number {
  output.out(text);
  return EXIT.ok;
}

function usage(message: string, help: string | null): number {
  output.err(help === null ? `medtransfer: ${message}` : `medtransfer: ${message}\n\n${help}`);
  return EXIT.usage;
}

outliveParent();
main(process.argv.slice(2))
  .catch((error: unknown) => {
    const message = errorMessage(error);
    output.err(`medtransfer: ${message}`);
    if (process.env.MEDTRANSFER_DEBUG) output.err(errorStack(error));
    return EXIT.failed;
  })
  .then((code) => {
    process.exitCode = code;
    // A forked trainer keeps its IPC channel open: close it so the process can end.
    if (process.connected) process.disconnect();
  });
