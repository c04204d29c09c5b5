// The trainer CLI's exit codes: what scripts and the extension read when a trainer ends. A run
// that started says why it failed in its run-ended event (errorKind); these codes are all a
// caller has when nothing ran: an invalid experiment file (1), or no backend could start (4);
// and `predict` says with 5 that it answered for some inputs and skipped others.
export const EXIT = {
  /** Completed, or stopped on request. */
  ok: 0,
  /** The experiment file is not valid; nothing ran. */
  invalid: 1,
  /** The command line is wrong, or `resume` refused (another trainer holds the run, nothing to resume); nothing ran. */
  usage: 2,
  /** The run failed (its run-ended says why), or the command could not do its work. */
  failed: 3,
  /** The backend asked for (or every one `auto` tries) could not start; nothing ran. */
  backend: 4,
  /** `predict`: done for the readable images; others (named on stderr) were skipped. */
  skipped: 5,
} as const;
