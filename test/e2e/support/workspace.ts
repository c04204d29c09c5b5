// The workspace the suite opens: two small synthetic experiments (no data files needed).
// `quick` is tuned to train for about 15 s in code-server on 2 cores (10 s from a terminal):
// long enough to watch the Monitor move, short enough for CI. `slow` would take minutes; the
// suite stops it after its first batches.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ExperimentFixture {
  /** `name:` in the file, which names its runs folder and its row in the Experiments tree. */
  name: string;
  fileName: string;
  path: string;
  text: string;
  /** The target's class names, in label order. */
  classes: readonly string[];
}

export interface WorkspaceFixture {
  dir: string;
  /** Where the `medtransfer.runsFolder` setting sends runs: `<runsRoot>/<experiment name>/<run id>/`. */
  runsRoot: string;
  quick: ExperimentFixture;
  slow: ExperimentFixture;
  /** A minute or two of training: long enough to reload the window, or to kill it after an epoch, mid-run. */
  reload: ExperimentFixture;
  resume: ExperimentFixture;
  /** Submitted to the SLURM test cluster with Run on Cluster: a few seconds of training. */
  cluster: ExperimentFixture;
  /** A study of `studyBase` over three label counts, one seed: three short runs. */
  study: { name: string; fileName: string; path: string; base: ExperimentFixture; labels: readonly number[] };
}

/** The runs folder, relative to the workspace folder as the setting allows (not the default `runs/`, to see the setting applied). */
export const RUNS_FOLDER_SETTING = '${workspaceFolder}/e2e-runs';

const CLASSES = ['normal', 'lesion'] as const;

// Block style where the suite edits (labelsPerClass is last on its line, so End + Backspace
// reaches the value); flow style elsewhere to keep the files short.
function experimentText(name: string, sourceSamples: number, sourceEpochs: number): string {
  return `# MedTransfer end-to-end test experiment (written by test/e2e).
name: ${name}
seed: 3
model: { architecture: seed-cnn, inputShape: [28, 28, 1] }
source:
  dataset: { type: synthetic, task: source, samples: ${sourceSamples} }
  epochs: ${sourceEpochs}
target:
  dataset: { type: synthetic, task: target, samples: 400 }
  classes: [${CLASSES.join(', ')}]
  labelsPerClass: 10
fineTune: { strategy: two-phase, headEpochs: 4, epochs: 6 }
training: { batchSize: 16 }
baseline: { scratch: true }
evaluation: { split: test, positiveClass: lesion }
`;
}

export function writeWorkspace(dir: string): WorkspaceFixture {
  mkdirSync(dir, { recursive: true });
  const fixture = (name: string, fileName: string, text: string): ExperimentFixture => {
    const path = join(dir, fileName);
    writeFileSync(path, text);
    return { name, fileName, path, text, classes: CLASSES };
  };
  const studyBase = fixture('e2e-study-base', 'study-base.experiment.yaml', experimentText('e2e-study-base', 1500, 1));
  const labels = [4, 8, 16] as const;
  const studyPath = join(dir, 'labels.study.yaml');
  writeFileSync(
    studyPath,
    `name: e2e-labels\nexperiment: ${studyBase.fileName}\nvary:\n  target.labelsPerClass: [${labels.join(', ')}]\n` +
      'seeds: [1]\ngoal: { metric: auc, value: 0.9 }\n',
  );
  return {
    dir,
    runsRoot: join(dir, 'e2e-runs'),
    study: { name: 'e2e-labels', fileName: 'labels.study.yaml', path: studyPath, base: studyBase, labels },
    quick: fixture('e2e-quick', 'quick.experiment.yaml', experimentText('e2e-quick', 6000, 2)),
    slow: fixture('e2e-slow', 'slow.experiment.yaml', experimentText('e2e-slow', 12000, 20)),
    reload: fixture('e2e-reload', 'reload.experiment.yaml', experimentText('e2e-reload', 3000, 6)),
    resume: fixture('e2e-resume', 'resume.experiment.yaml', experimentText('e2e-resume', 3000, 6)),
    cluster: fixture('e2e-cluster', 'cluster.experiment.yaml', experimentText('e2e-cluster', 1500, 1)),
  };
}
