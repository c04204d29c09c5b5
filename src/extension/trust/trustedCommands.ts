// Wraps the handlers of commands that start a process (COMMANDS_NEEDING_TRUST) in the
// Restricted Mode guard, with VS Code's trust state and the explaining warning.
import * as vscode from 'vscode';
import { COMMANDS_NEEDING_TRUST } from '../commands/commandIds';
import { explainRestrictedMode } from '../commands/runCommands';
import { requireTrust } from './workspaceTrust';

export function guardedByTrust<Args extends unknown[]>(
  id: string,
  handler: (...args: Args) => Promise<void> | void,
): (...args: Args) => Promise<void> {
  if (!COMMANDS_NEEDING_TRUST.has(id)) return async (...args: Args) => handler(...args);
  return requireTrust({ isTrusted: () => vscode.workspace.isTrusted, refuse: () => explainRestrictedMode() }, handler);
}
