// Restricted Mode: nothing runs. A run executes the trainer on this machine with the paths and
// settings of the workspace, and installing a backend runs npm: both wait for the user to trust
// the workspace. The guard wraps command handlers; the launcher checks again before every fork
// (a queued run, a direct API call). No `vscode` here, so the tests exercise the real guard.

export const RESTRICTED_MODE_MESSAGE =
  'Running experiments is disabled in Restricted Mode: ' +
  'a run executes the trainer on this machine with the paths and settings of this workspace. ' +
  'Trust the workspace to run.';

/** Why nothing may run now, or null when the workspace is trusted. */
export function restrictedModeRefusal(isTrusted: boolean): string | null {
  return isTrusted ? null : RESTRICTED_MODE_MESSAGE;
}

export interface TrustGuardDependencies {
  isTrusted: () => boolean;
  /** Tells the user why the command did nothing (a warning with "Manage Workspace Trust"). */
  refuse: (message: string) => void | PromiseLike<void>;
}

/** A command handler that runs only in a trusted workspace, and explains itself otherwise. */
export function requireTrust<Args extends unknown[]>(
  dependencies: TrustGuardDependencies,
  handler: (...args: Args) => Promise<void> | void,
): (...args: Args) => Promise<void> {
  return async (...args: Args) => {
    const refusal = restrictedModeRefusal(dependencies.isTrusted());
    if (refusal !== null) {
      await dependencies.refuse(refusal);
      return;
    }
    await handler(...args);
  };
}
