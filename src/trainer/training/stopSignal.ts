// A stop request from the user (IPC `stop`, SIGTERM, Ctrl-C): training checks it after every
// batch, so a stop ends the current batch, then the run saves what it has. A stop forced from
// outside (SLURM's time limit coming) ends the run as failed instead, with its own kind.
import type { ErrorKind } from '../../shared/run/errorKind';

/** How a forced stop ends the run: failed, with this error and kind (the checkpoint stays for resume). */
export interface StopAsFailure {
  error: string;
  errorKind: ErrorKind;
}

export class StopSignal {
  private reason: string | null = null;
  private forced: StopAsFailure | null = null;

  request(reason: string, asFailure: StopAsFailure | null = null): void {
    if (this.reason !== null) return;
    this.reason = reason;
    this.forced = asFailure;
  }

  /** Set when the stop was forced from outside: the run ends failed, not stopped. */
  get failure(): StopAsFailure | null {
    return this.forced;
  }

  get requested(): boolean {
    return this.reason !== null;
  }

  get why(): string | null {
    return this.reason;
  }
}

/** Thrown inside a phase when a stop was requested; the pipeline catches it and ends the run as stopped. */
export class StopRequested extends Error {
  constructor(reason: string) {
    super(`stopped: ${reason}`);
    this.name = 'StopRequested';
  }
}
