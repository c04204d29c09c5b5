// Where a run stands in a repeated experiment (`seeds: [...]`). Its run-started event and its
// metrics.json carry it. The group is the first seed's run id, which is also the run id on the
// trainer's command line for every seed (one process runs them all): the liveness check needs
// that to recognise the trainer of a later seed.
import { z } from 'zod';

export const seedGroupSchema = z.object({
  group: z.string(),
  seeds: z.array(z.number().int().nonnegative()),
  index: z.number().int().nonnegative(),
});
export type SeedGroup = z.infer<typeof seedGroupSchema>;
