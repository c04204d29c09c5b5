// Which machine a process ran on, as far as a reader of the run folder needs to know: a runs
// folder may be on a disk shared by several machines (or containers), and a pid means something
// only on the machine, boot and pid namespace it came from. Recorded in run-started and
// run-resumed (for the trainer's liveness) and in the run folder's lock; read by
// src/shared/host/thisHost.ts.
import { z } from 'zod';

export const hostIdentitySchema = z.object({
  /** os.hostname(). */
  name: z.string(),
  /** Linux's /proc/sys/kernel/random/boot_id: new at every boot; null elsewhere. */
  bootId: z.string().nullable(),
  /** The pid namespace (`pid:[4026531836]`): containers on one kernel have their own; null without /proc. */
  pidNamespace: z.string().nullable(),
});
export type HostIdentity = z.infer<typeof hostIdentitySchema>;
