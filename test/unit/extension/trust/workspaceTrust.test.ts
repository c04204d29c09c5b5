// The Restricted Mode guard the run commands are wrapped in: untrusted, the handler never runs
// and the user is told why; trusted, it runs with its arguments. package.json hides the run
// entry points in Restricted Mode too, and keeps the settings that choose what runs restricted.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RESTRICTED_MODE_MESSAGE, requireTrust } from '../../../../src/extension/trust/workspaceTrust';
import { COMMANDS_NEEDING_TRUST } from '../../../../src/extension/commands/commandIds';
import { repoRoot } from '../../../support/paths';

interface Manifest {
  capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations: string[] } };
  contributes: {
    menus: Record<string, { command: string; when?: string }[]>;
    configuration: { properties: Record<string, { scope?: string }> };
  };
}
const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Manifest;

describe('Restricted Mode guard', () => {
  it('refuses with the message and never calls the handler when untrusted', async () => {
    let trusted = false;
    const calls: unknown[][] = [];
    const refusals: string[] = [];
    const guarded = requireTrust(
      { isTrusted: () => trusted, refuse: (message) => void refusals.push(message) },
      (...args: unknown[]) => void calls.push(args),
    );
    await guarded('/w/a.experiment.yaml');
    assert.deepEqual(calls, []);
    assert.deepEqual(refusals, [RESTRICTED_MODE_MESSAGE]);
    trusted = true;
    await guarded('/w/a.experiment.yaml', 2);
    assert.deepEqual(calls, [['/w/a.experiment.yaml', 2]]);
    assert.equal(refusals.length, 1);
  });

  it('guards every command that starts a process', () => {
    assert.deepEqual([...COMMANDS_NEEDING_TRUST].sort(), [
      'medtransfer.explainImage',
      'medtransfer.exportOnnx',
      'medtransfer.exportReport',
      'medtransfer.installBackend',
      'medtransfer.predictWithModel',
      'medtransfer.resumeRun',
      'medtransfer.resumeStudy',
      'medtransfer.runExperiment',
      'medtransfer.runOnCluster',
      'medtransfer.runStudy',
    ]);
  });

  it('shows run entry points only in a trusted workspace', () => {
    const entries = Object.values(manifest.contributes.menus)
      .flat()
      .filter((entry) => COMMANDS_NEEDING_TRUST.has(entry.command) && entry.command !== 'medtransfer.installBackend');
    assert.ok(entries.length >= 4);
    for (const entry of entries)
      assert.match(entry.when ?? '', /^false$|(^|&& )isWorkspaceTrusted/, `${entry.command}: ${entry.when}`);
  });

  it('lets no workspace setting choose what runs: node, backends and runs folder are machine-scoped or restricted', () => {
    const { restrictedConfigurations } = manifest.capabilities.untrustedWorkspaces;
    for (const key of [
      'medtransfer.nodePath',
      'medtransfer.backendPaths',
      'medtransfer.backend',
      'medtransfer.runsFolder',
    ])
      assert.ok(restrictedConfigurations.includes(key), key);
    const { properties } = manifest.contributes.configuration;
    assert.equal(properties['medtransfer.nodePath']?.scope, 'machine');
    assert.equal(properties['medtransfer.backendPaths']?.scope, 'machine');
  });

  it('lets no workspace choose the cluster: medtransfer.executor and medtransfer.slurm.* are machine-scoped and restricted', () => {
    const { restrictedConfigurations } = manifest.capabilities.untrustedWorkspaces;
    const { properties } = manifest.contributes.configuration;
    const cluster = Object.keys(properties).filter(
      (key) => key === 'medtransfer.executor' || key.startsWith('medtransfer.slurm.'),
    );
    assert.ok(cluster.length >= 2);
    for (const key of cluster) {
      assert.equal(properties[key]?.scope, 'machine', key);
      assert.ok(restrictedConfigurations.includes(key), key);
    }
  });
});
