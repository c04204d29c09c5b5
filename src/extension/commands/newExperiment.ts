// New Experiment: a short quick-pick flow (dataset file or folder, architecture, strategy,
// name) that writes a commented experiment file and opens it.
import { dirname, join, relative, sep } from 'node:path';
import * as vscode from 'vscode';
import { ARCHITECTURES, STRATEGIES } from '../../shared/experiment/schema';
import type { Architecture, Strategy } from '../../shared/experiment/schema';
import {
  ARCHITECTURE_DESCRIPTIONS,
  DATASET_DESCRIPTIONS,
  newExperimentText,
  STRATEGY_DESCRIPTIONS,
  suggestExperimentName,
  validateExperimentName,
} from '../experiments/newExperimentText';
import type { NewDataset } from '../experiments/newExperimentText';

type DatasetKind = NewDataset['type'];

const DATASET_LABELS: Record<DatasetKind, string> = {
  synthetic: '$(beaker) Built-in synthetic scans',
  medmnist: '$(file-binary) MedMNIST .npz file…',
  folder: '$(folder) Image folder (one subfolder per class)…',
  idx: '$(folder) MNIST-style IDX folder…',
};

const TITLE = 'New MedTransfer Experiment';

export async function newExperiment(): Promise<void> {
  const kind = await pickOne<DatasetKind>(
    ['synthetic', 'medmnist', 'folder', 'idx'],
    (value) => ({ label: DATASET_LABELS[value], detail: DATASET_DESCRIPTIONS[value] }),
    'Target dataset: the task with few labels',
    1,
  );
  if (!kind) return;
  const datasetUri = kind === 'synthetic' ? undefined : await pickDatasetLocation(kind);
  if (kind !== 'synthetic' && !datasetUri) return;
  const architecture = await pickOne<Architecture>(
    ARCHITECTURES,
    (value) => ({ label: value, detail: ARCHITECTURE_DESCRIPTIONS[value] }),
    'Model architecture',
    2,
  );
  if (!architecture) return;
  const strategy = await pickOne<Strategy>(
    STRATEGIES,
    (value) => ({ label: value, detail: STRATEGY_DESCRIPTIONS[value] }),
    'Fine-tuning strategy',
    3,
  );
  if (!strategy) return;

  const provisional: NewDataset = datasetUri
    ? { type: kind as Exclude<DatasetKind, 'synthetic'>, path: datasetUri.fsPath.split(sep).join('/') }
    : { type: 'synthetic' };
  const name = await vscode.window.showInputBox({
    title: `${TITLE} (4/4)`,
    prompt: 'Experiment name (names its runs folder)',
    value: suggestExperimentName(provisional),
    validateInput: (value) => validateExperimentName(value.trim()),
  });
  if (name === undefined) return;

  const target = await chooseTarget(name.trim(), datasetUri);
  if (!target) return;
  const dataset: NewDataset = datasetUri
    ? { type: kind as Exclude<DatasetKind, 'synthetic'>, path: relativeDatasetPath(target, datasetUri) }
    : { type: 'synthetic' };
  const text = newExperimentText({ name: name.trim(), dataset, architecture, strategy });
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
  await vscode.window.showTextDocument(target);
}

async function pickOne<T extends string>(
  values: readonly T[],
  describe: (value: T) => { label: string; detail: string },
  placeHolder: string,
  step: number,
): Promise<T | undefined> {
  const picked = await vscode.window.showQuickPick(
    values.map((value) => ({ ...describe(value), value })),
    { title: `${TITLE} (${step}/4)`, placeHolder, matchOnDetail: true },
  );
  return picked?.value;
}

async function pickDatasetLocation(kind: Exclude<DatasetKind, 'synthetic'>): Promise<vscode.Uri | undefined> {
  const folder = kind !== 'medmnist';
  const [uri] =
    (await vscode.window.showOpenDialog({
      title:
        kind === 'medmnist'
          ? 'MedMNIST .npz file'
          : kind === 'idx'
            ? 'Folder with IDX files'
            : 'Folder with one subfolder per class',
      canSelectFiles: !folder,
      canSelectFolders: folder,
      canSelectMany: false,
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
      filters: folder ? undefined : { 'MedMNIST (.npz)': ['npz'] },
    })) ?? [];
  return uri;
}

/** `<workspace folder>/<name>.experiment.yaml`, or where the user saves it (no folder, or the name is taken). */
async function chooseTarget(name: string, datasetUri: vscode.Uri | undefined): Promise<vscode.Uri | undefined> {
  const folder =
    (datasetUri && vscode.workspace.getWorkspaceFolder(datasetUri)) ?? vscode.workspace.workspaceFolders?.[0];
  const proposed = folder ? vscode.Uri.joinPath(folder.uri, `${name}.experiment.yaml`) : undefined;
  if (proposed && !(await exists(proposed))) return proposed;
  return vscode.window.showSaveDialog({
    title: proposed ? `${name}.experiment.yaml exists: save the new experiment as…` : 'Save the new experiment as…',
    defaultUri: proposed,
    filters: { 'Experiment (YAML)': ['experiment.yaml'] },
  });
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** The dataset path as the experiment file will say it: relative to the file, with `/`. */
function relativeDatasetPath(experimentFile: vscode.Uri, dataset: vscode.Uri): string {
  const relativePath = relative(dirname(experimentFile.fsPath), dataset.fsPath) || '.';
  const portable = relativePath.split(sep).join('/');
  // Far away (another drive, or mostly `..`): absolute reads better.
  return portable.startsWith('../../../') || /^[A-Za-z]:/.test(portable)
    ? join(dataset.fsPath).split(sep).join('/')
    : portable;
}
