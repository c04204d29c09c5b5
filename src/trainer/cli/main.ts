// `medtransfer` CLI entry (also the process the extension forks). Parses arguments, runs the
// command, exits with its code; errors become one clear line, never a stack trace.
import { parseArgs } from 'node:util';
import { enableProdMode } from '@tensorflow/tfjs-core';
import { EXIT, runCommand, validateCommand } from './commands';
import type { Output } from './commands';
import { explainCommand } from './explainCommand';
import { EXPLAIN_HELP, MAIN_HELP, REPORT_HELP, RESUME_HELP, RUN_HELP, VALIDATE_HELP } from './helpText';
import { reportCommand } from './reportCommand';
import { resumeCommand } from './resumeCommand';
import { outliveParent } from '../run/outlivesParent';

const output: Output = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    output.out(MAIN_HELP);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  if (command === 'validate') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) return print(VALIDATE_HELP);
    if (positionals.length === 0) return usage('validate needs at least one experiment file', VALIDATE_HELP);
    return validateCommand(positionals, output);
  }
  if (command === 'run') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        'runs-dir': { type: 'string' },
        backend: { type: 'string' },
        'backend-path': { type: 'string', multiple: true },
        'run-id': { type: 'string' },
        'no-progress': { type: 'boolean' },
        quiet: { type: 'boolean' },
      },
    });
    if (values.help) return print(RUN_HELP);
    const [file, ...extra] = positionals;
    if (file === undefined) return usage('run needs an experiment file', RUN_HELP);
    if (extra.length > 0) return usage(`run takes one experiment file, got also: ${extra.join(' ')}`, RUN_HELP);
    enableProdMode();
    return runCommand(
      {
        file,
        runsDir: values['runs-dir'],
        backend: values.backend,
        backendPaths: values['backend-path'] ?? [],
        runId: values['run-id'],
        progress: progressMode(values),
      },
      output,
    );
  }
  if (command === 'resume') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        backend: { type: 'string' },
        'backend-path': { type: 'string', multiple: true },
        'no-progress': { type: 'boolean' },
        quiet: { type: 'boolean' },
      },
    });
    if (values.help) return print(RESUME_HELP);
    const [runDir, ...extra] = positionals;
    if (runDir === undefined) return usage('resume needs a run folder', RESUME_HELP);
    if (extra.length > 0) return usage(`resume takes one run folder, got also: ${extra.join(' ')}`, RESUME_HELP);
    enableProdMode();
    return resumeCommand(
      { runDir, backend: values.backend, backendPaths: values['backend-path'] ?? [], progress: progressMode(values) },
      output,
    );
  }
  if (command === 'explain') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        json: { type: 'boolean' },
        out: { type: 'string' },
        method: { type: 'string' },
        backend: { type: 'string' },
        'backend-path': { type: 'string', multiple: true },
      },
    });
    if (values.help) return print(EXPLAIN_HELP);
    const [runDir, ...images] = positionals;
    if (runDir === undefined || images.length === 0)
      return usage('explain needs a run folder and at least one image', EXPLAIN_HELP);
    enableProdMode();
    return explainCommand(
      {
        runDir,
        images,
        json: values.json ?? false,
        out: values.out,
        method: values.method,
        backend: values.backend,
        backendPaths: values['backend-path'] ?? [],
      },
      output,
    );
  }
  if (command === 'report') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { help: { type: 'boolean', short: 'h' }, out: { type: 'string' } },
    });
    if (values.help) return print(REPORT_HELP);
    const [runDir, ...extra] = positionals;
    if (runDir === undefined) return usage('report needs a run folder', REPORT_HELP);
    if (extra.length > 0) return usage(`report takes one run folder, got also: ${extra.join(' ')}`, REPORT_HELP);
    return reportCommand({ runDir, out: values.out }, output);
  }
  return usage(`unknown command \`${command}\``, MAIN_HELP);
}

function progressMode(values: { quiet?: boolean; 'no-progress'?: boolean }): 'bar' | 'lines' | 'quiet' {
  if (values.quiet) return 'quiet';
  return values['no-progress'] || !process.stderr.isTTY || process.send ? 'lines' : 'bar';
}

function print(text: string): number {
  output.out(text);
  return EXIT.ok;
}

function usage(message: string, help: string): number {
  output.err(`medtransfer: ${message}\n\n${help}`);
  return EXIT.usage;
}

outliveParent();
main(process.argv.slice(2))
  .catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    output.err(`medtransfer: ${message}`);
    if (process.env.MEDTRANSFER_DEBUG && error instanceof Error) output.err(error.stack ?? '');
    return error instanceof TypeError && /Unknown option|Unexpected argument/.test(message) ? EXIT.usage : EXIT.failed;
  })
  .then((code) => {
    process.exitCode = code;
    // A forked trainer keeps its IPC channel open: close it so the process can end.
    if (process.connected) process.disconnect();
  });
