// What the host accepts from a trainer child over IPC. The child is our own CLI, but it runs
// user-chosen data and backends, and a message is only data: size, depth and forbidden keys
// are checked before the schema, and only the schema's fresh copy is passed on.
import { trainerEventSchema } from '../../shared/run/events';
import type { TrainerEvent } from '../../shared/run/events';
import { untrustedInputProblem } from '../../shared/validation/untrustedInput';
import type { UntrustedLimits } from '../../shared/validation/untrustedInput';

/**
 * The largest event a trainer sends is an `epoch-ended` with a confusion matrix, or a `log`
 * line: a few KB. 1 MiB leaves room for hundreds of classes and rejects runaway payloads.
 */
export const TRAINER_MESSAGE_LIMITS: UntrustedLimits = { maxBytes: 1024 * 1024, maxDepth: 16 };

export type ParsedTrainerMessage = { ok: true; event: TrainerEvent } | { ok: false; reason: string };

export function parseTrainerMessage(value: unknown): ParsedTrainerMessage {
  const problem = untrustedInputProblem(value, TRAINER_MESSAGE_LIMITS);
  if (problem !== null) return { ok: false, reason: `the message ${problem}` };
  const parsed = trainerEventSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      reason: `not a valid trainer event${issue ? ` (${issue.path.join('.') || 'message'}: ${issue.message})` : ''}`,
    };
  }
  return { ok: true, event: parsed.data };
}
