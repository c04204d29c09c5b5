// Where a real run's time goes: the pneumonia example (or a shorter variant) through the CLI's
// own runCommand, in this process, with pipelineProbes.ts's timers around the trainer's parts,
// split by pipelineBreakdown.ts.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { runCommand } from '../../src/trainer/cli/commands';
import { breakdown } from './pipelineBreakdown';
import type { PipelineBreakdown } from './pipelineBreakdown';
import { installProbes } from './pipelineProbes';

export const PNEUMONIA_EXAMPLE = 'examples/pneumonia-fewshot.experiment.yaml';

/**
 * The example as a file to run: as is, or (quick) with a smaller source task. Relative dataset
 * paths are made absolute, since the variant is written elsewhere.
 */
export function experimentVariant(
  exampleFile: string,
  quick: boolean,
  dir: string,
): { file: string; changes: string[] } {
  if (!quick) return { file: resolve(exampleFile), changes: [] };
  const document = parse(readFileSync(exampleFile, 'utf8')) as Record<string, unknown>;
  delete document['$schema'];
  const base = dirname(resolve(exampleFile));
  const absolute = (section: unknown) => {
    const dataset = (section as { dataset?: { path?: unknown } } | undefined)?.dataset;
    if (dataset && typeof dataset.path === 'string' && !isAbsolute(dataset.path))
      dataset.path = resolve(base, dataset.path);
  };
  absolute(document['source']);
  absolute(document['target']);
  const source = document['source'] as Record<string, unknown>;
  source['epochs'] = 1;
  source['fraction'] = 0.1;
  const file = join(dir, 'pneumonia-quick.experiment.yaml');
  writeFileSync(file, stringify(document));
  return { file, changes: ['source.epochs 2 → 1', 'source.fraction 1 → 0.1 (5,400 Fashion-MNIST training images)'] };
}

export async function measurePipeline(options: {
  quick: boolean;
  backend: string;
  example?: string;
}): Promise<PipelineBreakdown> {
  const example = options.example ?? PNEUMONIA_EXAMPLE;
  const dir = mkdtempSync(join(tmpdir(), 'medtransfer-bench-'));
  try {
    const variant = experimentVariant(example, options.quick, dir);
    const messages: string[] = [];
    const probes = installProbes();
    const started = performance.now();
    let exit: number;
    try {
      exit = await runCommand(
        { file: variant.file, runsDir: join(dir, 'runs'), backend: options.backend, runId: 'bench', progress: 'quiet' },
        { out: (text) => messages.push(text), err: (text) => messages.push(text) },
      );
    } finally {
      probes.uninstall();
    }
    const ended = performance.now();
    if (exit !== 0) throw new Error(`the run failed (exit ${exit}): ${messages.join('\n')}`);
    const runStarted = probes.totals.marks.find((mark) => mark.event.type === 'run-started')?.event;
    const backend = runStarted?.type === 'run-started' ? runStarted.backend : options.backend;
    return { experiment: example, changes: variant.changes, backend, ...breakdown(probes.totals, started, ended) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
