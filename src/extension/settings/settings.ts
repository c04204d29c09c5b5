// The extension's settings (contributed in package.json under `medtransfer.*`), read fresh
// each time so a change applies to the next run without a reload.
import * as vscode from 'vscode';
import type { BackendChoice } from '../../shared/experiment/schema';
import { toBackendChoice } from '../trainer/trainerRequests';
import { normalizeMaxConcurrent } from '../../shared/run/runQueue';

export const SETTINGS = {
  section: 'medtransfer',
  runsFolder: 'runsFolder',
  backend: 'backend',
  maxConcurrentRuns: 'maxConcurrentRuns',
  nodePath: 'nodePath',
  pollingInterval: 'pollingInterval',
  backendPaths: 'backendPaths',
} as const;

export interface MedTransferSettings {
  runsFolder: string;
  backend: BackendChoice;
  maxConcurrentRuns: number;
  /** '' for VS Code's own runtime. */
  nodePath: string;
  /** Seconds between polls of the runs folders; 0 turns polling off. */
  pollingIntervalSeconds: number;
  /** Extra folders the trainer searches for optional backends (machine scope). */
  backendPaths: string[];
}

export function readSettings(scope?: vscode.Uri): MedTransferSettings {
  const configuration = vscode.workspace.getConfiguration(SETTINGS.section, scope);
  const polling = configuration.get<number>(SETTINGS.pollingInterval, 5);
  return {
    runsFolder: configuration.get<string>(SETTINGS.runsFolder, '') ?? '',
    backend: toBackendChoice(configuration.get<string>(SETTINGS.backend, 'auto')),
    maxConcurrentRuns: normalizeMaxConcurrent(configuration.get<number>(SETTINGS.maxConcurrentRuns, 1)),
    nodePath: (configuration.get<string>(SETTINGS.nodePath, '') ?? '').trim(),
    pollingIntervalSeconds:
      typeof polling === 'number' && Number.isFinite(polling) && polling > 0 ? Math.max(1, polling) : 0,
    backendPaths: stringList(configuration.get<unknown>(SETTINGS.backendPaths, [])),
  };
}

export function affectsSetting(event: vscode.ConfigurationChangeEvent, key: keyof typeof SETTINGS): boolean {
  return event.affectsConfiguration(`${SETTINGS.section}.${SETTINGS[key]}`);
}

/** A setting that should be a list of strings, as the user may have typed it in settings.json. */
function stringList(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === 'string' && item.trim() !== '')
    : [];
}
