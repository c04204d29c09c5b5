// Run on Cluster's command line from the medtransfer.slurm.* settings: an empty setting is left to
// the cluster, every value is one `--flag=value` argument (never a shell word), and what `submit`
// printed gives the job and the folder.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_SLURM_SETTINGS, submitArgs, submittedJob } from '../../../../src/extension/cluster/submitArgs';

describe('submitArgs', () => {
  it('passes only the settings that are set, each as one argument', () => {
    assert.deepEqual(submitArgs('/w/a.experiment.yaml', '/w/runs', DEFAULT_SLURM_SETTINGS, false), [
      'submit',
      '/w/a.experiment.yaml',
      '--runs-dir',
      '/w/runs',
    ]);
    const settings = {
      ...DEFAULT_SLURM_SETTINGS,
      partition: ' gpu ',
      time: '02:00:00',
      cpus: 4,
      gpus: 'a100:1',
      mem: '16G',
      account: 'rad',
      qos: 'long',
      sbatchArgs: ['--exclusive', '--comment=$(id)'],
      requeue: true,
      maxParallel: 3,
    };
    assert.deepEqual(submitArgs('/w/l.study.yaml', '/w/runs', settings, true).slice(4), [
      '--partition=gpu',
      '--time=02:00:00',
      '--cpus=4',
      '--gpus=a100:1',
      '--mem=16G',
      '--account=rad',
      '--qos=long',
      '--sbatch-arg=--exclusive',
      '--sbatch-arg=--comment=$(id)',
      '--requeue',
      '--max-parallel=3',
    ]);
    assert.ok(!submitArgs('/w/a.experiment.yaml', '/w/runs', settings, false).includes('--max-parallel=3'));
  });

  it('reads the job id and the folder from what submit printed', () => {
    assert.deepEqual(
      submittedJob('Run folder: /w/runs/a/20261207-101500\n', 'medtransfer: submitted a as SLURM job 41\n'),
      { jobId: '41', folder: '/w/runs/a/20261207-101500' },
    );
    assert.deepEqual(
      submittedJob('Study folder: /w/runs/l.study\n', 'medtransfer: submitted study l as SLURM job array 7 (4 runs)\n'),
      { jobId: '7', folder: '/w/runs/l.study' },
    );
  });
});
