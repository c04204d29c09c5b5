// Resume Run: continues a stopped, failed or interrupted run from its last checkpoint, through
// the same launcher as Run (the same slots and queue), appending to the same events.jsonl.
import * as vscode from 'vscode';
import { resumability } from '../runs/resumable';
import { hasCheckpoint } from '../runs/runFolder';
import type { RunRecord } from '../runs/runStore';
import { runLabel } from '../runs/runPaths';
import type { CommandContext } from './commandContext';
import { latestRunOf, runKeyOf } from './commandArgs';

/** Whether the run can be resumed now, as the tree, the lens and the command judge it. */
export function resumabilityOf(
  context: Pick<CommandContext, 'liveness'>,
  record: RunRecord,
): ReturnType<typeof resumability> {
  return resumability({
    status: record.state.status,
    hasCheckpoint: hasCheckpoint(record.runDir),
    liveness: context.liveness.of(record),
  });
}

export async function resumeRun(context: CommandContext, arg?: unknown): Promise<void> {
  const key =
    runKeyOf(arg, context) ?? (arg === undefined ? await pickResumableRun(context) : latestRunOf(arg, context));
  if (!key) return;
  const record = context.store.get(key);
  if (!record) return;
  const label = runLabel(record.experimentName, record.runId);
  const verdict = resumabilityOf(context, record);
  if (!verdict.resumable) {
    void vscode.window.showInformationMessage(`MedTransfer: cannot resume ${label}: ${verdict.reason}.`);
    return;
  }
  const result = await context.trainer.resume(key);
  switch (result.kind) {
    case 'start':
      return;
    case 'queued':
      void vscode.window.showInformationMessage(
        `MedTransfer: resuming ${label} is queued (#${result.position}); ` +
          'it starts when a running run ends (setting medtransfer.maxConcurrentRuns).',
      );
      return;
    case 'already-queued':
      void vscode.window.showInformationMessage(
        `MedTransfer: resuming ${label} is already queued (#${result.position}).`,
      );
      return;
    case 'refused':
      void vscode.window.showErrorMessage(`MedTransfer: cannot resume ${label}: ${result.error}`);
      return;
  }
}

async function pickResumableRun(context: CommandContext): Promise<string | undefined> {
  const candidates = context.store.all().filter((record) => resumabilityOf(context, record).resumable);
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage(
      'MedTransfer: no run can be resumed (a stopped, failed or interrupted run with a checkpoint).',
    );
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    candidates.map((record) => ({
      label: `$(debug-continue) ${record.experimentName}`,
      description: `${record.runId} · ${context.liveness.displayState(record).status}`,
      key: record.key,
    })),
    { placeHolder: 'Run to resume from its last checkpoint' },
  );
  return picked?.key;
}
