// package.json's contributions agree with the code: every command registered is contributed
// (and the reverse), menus name real commands, settings match what the code reads, Run is
// guarded by workspace trust, and the schema and bundles are where the manifest says.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BACKEND_CHOICES } from '../../../src/shared/experiment/schema';
import {
  BACKEND_COMMANDS,
  CLUSTER_COMMANDS,
  COMMANDS,
  CONTEXT_KEYS,
  EVALUATION_COMMANDS,
  STUDY_COMMANDS,
} from '../../../src/extension/commands/commandIds';
import { EXPERIMENT_FILE_GLOB } from '../../../src/extension/experiments/experimentFiles';
import { STUDY_FILE_GLOB } from '../../../src/extension/studies/studyFiles';
import { repoRoot } from '../../support/paths';

interface MenuItem {
  command: string;
  when?: string;
  group?: string;
}

interface Manifest {
  main: string;
  icon: string;
  extensionKind: string[];
  activationEvents: string[];
  capabilities: {
    untrustedWorkspaces: { supported: string | boolean; description?: string; restrictedConfigurations?: string[] };
  };
  scripts: Record<string, string>;
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    menus: Record<string, MenuItem[]>;
    views: Record<string, { id: string; type?: string }[]>;
    viewsWelcome: { view: string; contents: string }[];
    configuration: { properties: Record<string, { scope?: string; enum?: string[]; default?: unknown }> };
    jsonValidation: { fileMatch: string[]; url: string }[];
    yamlValidation: { fileMatch: string[]; url: string }[];
  };
}

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Manifest;
const contributed = manifest.contributes.commands.map((command) => command.command);

describe('package.json', () => {
  it('contributes exactly the commands the extension registers', () => {
    assert.deepEqual(
      [...contributed].sort(),
      [
        ...Object.values(COMMANDS),
        ...Object.values(BACKEND_COMMANDS),
        ...Object.values(EVALUATION_COMMANDS),
        ...Object.values(STUDY_COMMANDS),
        ...Object.values(CLUSTER_COMMANDS),
      ].sort(),
    );
    for (const command of manifest.contributes.commands) {
      assert.match(command.command, /^medtransfer\.[a-z][A-Za-z]+$/, 'keybinding-friendly id');
      assert.equal(command.category, 'MedTransfer');
    }
  });

  it('names only contributed commands in menus, and only known context keys', () => {
    for (const [menu, items] of Object.entries(manifest.contributes.menus)) {
      for (const item of items) {
        assert.ok(contributed.includes(item.command), `${menu}: ${item.command}`);
        // `config.medtransfer.x` is a setting (checked below with the settings), not a context key.
        const when = (item.when ?? '').replace(/config\.medtransfer\.[A-Za-z.]+/g, '');
        for (const key of when.match(/medtransfer\.[A-Za-z]+/g) ?? []) {
          assert.ok(
            Object.values<string>(CONTEXT_KEYS).includes(key) || key.startsWith('medtransfer.experiments'),
            `${menu}: unknown context key ${key}`,
          );
        }
      }
    }
  });

  it('shows Run only in a trusted workspace, and explains otherwise', () => {
    const runItems = Object.values(manifest.contributes.menus)
      .flat()
      .filter((item) => item.command === COMMANDS.runExperiment);
    assert.ok(runItems.length >= 3);
    for (const item of runItems) assert.match(item.when ?? '', /isWorkspaceTrusted/);
    const trust = manifest.capabilities.untrustedWorkspaces;
    assert.equal(trust.supported, 'limited');
    assert.ok((trust.description ?? '').length > 20);
    assert.ok(trust.restrictedConfigurations?.includes('medtransfer.nodePath'));
    assert.ok(manifest.contributes.viewsWelcome.some((welcome) => welcome.contents.includes('Restricted Mode')));
  });

  it('offers the context menu actions of the issue on runs', () => {
    const context = manifest.contributes.menus['view/item/context'] ?? [];
    for (const command of [
      COMMANDS.runExperiment,
      COMMANDS.stopRun,
      COMMANDS.openDashboard,
      COMMANDS.revealRunFolder,
      COMMANDS.deleteRun,
    ]) {
      assert.ok(
        context.some((item) => item.command === command && !item.group?.startsWith('inline')),
        command,
      );
    }
  });

  it('declares the views, the welcome button and the monitor webview', () => {
    const views = manifest.contributes.views.medtransfer ?? [];
    assert.deepEqual(
      views.map((view) => [view.id, view.type ?? 'tree']),
      [
        ['medtransfer.experiments', 'tree'],
        ['medtransfer.monitor', 'webview'],
      ],
    );
    assert.ok(
      manifest.contributes.viewsWelcome.some((welcome) =>
        welcome.contents.includes(`(command:${COMMANDS.newExperiment})`),
      ),
    );
  });

  it('declares the settings the code reads, with safe scopes', () => {
    const properties = manifest.contributes.configuration.properties;
    assert.deepEqual(Object.keys(properties).sort(), [
      'medtransfer.backend',
      'medtransfer.backendPaths',
      'medtransfer.executor',
      'medtransfer.maxConcurrentRuns',
      'medtransfer.nodePath',
      'medtransfer.pollingInterval',
      'medtransfer.runsFolder',
      'medtransfer.slurm.account',
      'medtransfer.slurm.cpus',
      'medtransfer.slurm.gpus',
      'medtransfer.slurm.maxParallel',
      'medtransfer.slurm.mem',
      'medtransfer.slurm.partition',
      'medtransfer.slurm.qos',
      'medtransfer.slurm.requeue',
      'medtransfer.slurm.sbatchArgs',
      'medtransfer.slurm.time',
    ]);
    assert.deepEqual(properties['medtransfer.backend']?.enum, [...BACKEND_CHOICES]);
    assert.equal(properties['medtransfer.nodePath']?.scope, 'machine', 'a workspace must not choose the executable');
    assert.equal(
      properties['medtransfer.backendPaths']?.scope,
      'machine',
      'a workspace must not choose native code the trainer loads',
    );
    assert.deepEqual(properties['medtransfer.backendPaths']?.default, []);
  });

  it('points editors at the generated JSON Schemas for JSON and YAML experiment and study files', () => {
    assert.deepEqual(manifest.contributes.jsonValidation, [
      { fileMatch: ['*.experiment.json'], url: './dist/experiment.schema.json' },
      { fileMatch: ['*.study.json'], url: './dist/study.schema.json' },
    ]);
    assert.deepEqual(manifest.contributes.yamlValidation, [
      { fileMatch: ['*.experiment.yaml', '*.experiment.yml'], url: './dist/experiment.schema.json' },
      { fileMatch: ['*.study.yaml', '*.study.yml'], url: './dist/study.schema.json' },
    ]);
    assert.ok(manifest.activationEvents.includes(`workspaceContains:${EXPERIMENT_FILE_GLOB}`));
    assert.ok(manifest.activationEvents.includes(`workspaceContains:${STUDY_FILE_GLOB}`));
    assert.ok(manifest.activationEvents.includes('onWebviewPanel:medtransfer.dashboard'));
  });

  it('runs in the workspace, from the bundle, and packages with vsce', () => {
    assert.equal(manifest.main, './dist/extension.js');
    assert.deepEqual(manifest.extensionKind, ['workspace']);
    assert.match(manifest.icon, /\.png$/);
    assert.match(manifest.scripts.package ?? '', /--production.*vsce package --no-dependencies/);
  });

  it('ships dist (with the wasm binaries) and resources, nothing else, in the .vsix', () => {
    const ignore = readFileSync(join(repoRoot, '.vscodeignore'), 'utf8');
    const patterns = ignore
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    assert.equal(patterns[0], '**', 'an allow-list: sources, tests and node_modules stay out');
    for (const allowed of [
      '!dist/*.js',
      '!dist/experiment.schema.json',
      '!dist/study.schema.json',
      '!dist/wasm/*.wasm',
      '!dist/webview/**/*.js',
      '!resources/icon.png',
      '!resources/medtransfer.svg',
    ])
      assert.ok(patterns.includes(allowed), allowed);
    assert.ok(
      !patterns.some((pattern) => !pattern.startsWith('!') && (pattern.includes('wasm') || pattern.endsWith('.js'))),
      'the bundles and the wasm binaries are shipped',
    );
  });
});
