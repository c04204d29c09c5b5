// Messages over the IPC channel between the extension host and a forked trainer.
// Trainer → host: every TrainerEvent (see events.ts). Host → trainer: the commands below.
import { z } from 'zod';

export const trainerCommandSchema = z.discriminatedUnion('type', [
  /** Stop after the current batch, save the model, end the run as `stopped`. */
  z.object({ type: z.literal('stop') }),
]);

export type TrainerCommand = z.infer<typeof trainerCommandSchema>;

export function isTrainerCommand(value: unknown): value is TrainerCommand {
  return trainerCommandSchema.safeParse(value).success;
}
