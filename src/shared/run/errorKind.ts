// Why a run failed, as a closed set each view can act on, instead of reading the message. The
// trainer decides it from the error it caught (src/trainer/pipeline/errorKindOf.ts); the
// extension decides `interrupted` when its own child was killed. Each kind is something the user
// does differently: fix the experiment file, fix the data, make the batch fit, lower the learning
// rate, install or change the backend, resume, or report a bug.
import { z } from 'zod';

/**
 * - `experiment`: the experiment asks for what the data or the model cannot give (a positive class
 *   that is no class, a `pretrained` folder that is no model, images too small for the architecture).
 * - `data`: a data file is unreadable or inconsistent (a truncated .npz, a corrupt PNG or DICOM,
 *   labels outside the classes).
 * - `out-of-memory`: an allocation failed: the batch or the images are too large for the backend.
 * - `diverged`: the loss became NaN or infinite, or sat at the cross-entropy's ceiling.
 * - `backend`: the backend (or the Node runtime) could not start, or failed while training (a missing
 *   package, a lost GPU device).
 * - `interrupted`: the trainer was killed from outside (SIGKILL, the system's out-of-memory killer).
 * - `time-limit`: the scheduler's time limit (SLURM's `--time`) came before the run ended.
 * - `internal`: anything MedTransfer did not anticipate: a bug to report.
 */
export const ERROR_KINDS = [
  'experiment',
  'data',
  'out-of-memory',
  'diverged',
  'backend',
  'interrupted',
  'time-limit',
  'internal',
] as const;

export const errorKindSchema = z.enum(ERROR_KINDS);
export type ErrorKind = z.infer<typeof errorKindSchema>;

export interface ErrorKindText {
  /** In a sentence, lower case: `run failed (out of memory)`. */
  label: string;
  /** What to do about it, one or two sentences. */
  advice: string;
}

export const ERROR_KIND_TEXT: Readonly<Record<ErrorKind, ErrorKindText>> = {
  experiment: {
    label: 'experiment problem',
    advice: 'Change the experiment file as the message says, then run it again.',
  },
  data: {
    label: 'data problem',
    advice:
      'Fix or replace the file the message names, or set `onError: skip` in the dataset to skip unreadable images.',
  },
  'out-of-memory': {
    label: 'out of memory',
    advice:
      'Lower `training.batchSize` or `model.inputShape`, or choose a backend with more memory, then run it again.',
  },
  diverged: {
    label: 'training diverged',
    advice: 'Lower the learning rate, or scale the images to 0..1, then run it again.',
  },
  backend: {
    label: 'backend problem',
    advice:
      'Install the backend the message names, or choose another ' +
      '(`backend: auto`, or the medtransfer.backend setting); ' +
      'if the trainer could not start at all, check medtransfer.nodePath.',
  },
  interrupted: {
    label: 'interrupted',
    advice: 'The trainer was killed from outside, or the machine went down: Resume continues from the last checkpoint.',
  },
  'time-limit': {
    label: 'time limit',
    advice:
      'The job reached its SLURM time limit: resubmit it (`medtransfer submit RUN_DIR`, with a longer `--time`) ' +
      'to continue from the last checkpoint.',
  },
  internal: {
    label: 'internal error',
    advice:
      'MedTransfer did not expect this: log.txt in the run folder has the details; please report it with that log.',
  },
};

export function errorKindLabel(kind: ErrorKind): string {
  return ERROR_KIND_TEXT[kind].label;
}

export function errorKindAdvice(kind: ErrorKind): string {
  return ERROR_KIND_TEXT[kind].advice;
}
