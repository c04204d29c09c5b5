// `medtransfer explain RUN_DIR IMAGE...`: what the run's models see in images the user picked.
// --json prints the result (saliency.json's shape) on stdout for the editor; without it, a line per
// image: each model's answer at its operating point (or the argmax), the score behind it, the method.
import { resolve } from 'node:path';
import { BACKEND_CHOICES } from '../../shared/experiment/schema';
import { writeFileAtomically } from '../../shared/host/atomicFiles';
import type { BackendChoice } from '../../shared/experiment/schema';
import { backendSearchPathsHere } from '../backend/searchPaths';
import { selectBackend } from '../backend/selectBackend';
import { explainFiles } from '../explain/explainFiles';
import type { MethodChoice } from '../explain/explainImages';
import { argmaxText, decisionText, scoreText } from '../../shared/run/modelDecision';
import { EXIT } from '../../shared/run/trainerExitCodes';
import type { Output } from './commands';

export interface ExplainOptions {
  runDir: string;
  images: string[];
  json: boolean;
  out: string | undefined;
  method: string | undefined;
  backend: string | undefined;
  backendPaths: readonly string[];
}

const METHODS = ['auto', 'grad-cam', 'hirescam', 'smoothgrad'] as const;

export async function explainCommand(options: ExplainOptions, output: Output): Promise<number> {
  if (options.method !== undefined && !(METHODS as readonly string[]).includes(options.method)) {
    output.err(`medtransfer: unknown method \`${options.method}\`; expected one of: ${METHODS.join(', ')}`);
    return EXIT.usage;
  }
  const choice = options.backend ?? 'wasm';
  if (!(BACKEND_CHOICES as readonly string[]).includes(choice)) {
    output.err(`medtransfer: unknown backend \`${choice}\`; expected one of: ${BACKEND_CHOICES.join(', ')}`);
    return EXIT.usage;
  }
  const backend = await selectBackend(choice as BackendChoice, {
    log: (line) => output.err(line),
    searchPaths: backendSearchPathsHere(options.backendPaths),
  });
  try {
    const result = await explainFiles(
      resolve(options.runDir),
      options.images.map((image) => resolve(image)),
      options.method as MethodChoice | undefined,
    );
    for (const note of result.notes) output.err(`medtransfer: ${note}`);
    const text = JSON.stringify(result.file);
    if (options.out) writeFileAtomically(options.out, `${text}\n`);
    if (options.json) {
      output.out(text);
    } else {
      const { classes, examples } = result.file;
      for (const example of examples) {
        const className = (index: number) => classes[index] ?? `class ${index}`;
        const answers = example.explanations.map((entry) => {
          const details = [
            scoreText(entry, className),
            argmaxText(entry, className),
            `${entry.method}${entry.layer ? ` on ${entry.layer}` : ''}`,
          ];
          return `${entry.model}: ${decisionText(entry, className)} (${details.filter(Boolean).join(', ')})`;
        });
        output.out(`${options.images[example.index] ?? example.index}: ${answers.join('; ')}`);
      }
      if (options.out) output.out(`Saliency maps written to ${options.out}`);
    }
    return EXIT.ok;
  } finally {
    backend.release();
  }
}
