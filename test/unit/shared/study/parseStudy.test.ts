import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { checkStudyPoints } from '../../../../src/shared/study/checkStudyPoints';
import type { BaseExperimentText } from '../../../../src/shared/study/checkStudyPoints';
import { parseStudy } from '../../../../src/shared/study/parseStudy';
import { expandGrid, pointExperimentInput, studySeeds } from '../../../../src/shared/study/studyPoints';
import { experimentSchema } from '../../../../src/shared/experiment/schema';
import { studyJsonSchema } from '../../../../src/shared/study/studyJsonSchema';
import { repoRoot } from '../../../support/paths';
import { tinyExperimentInput } from '../../../support/tinyExperiment';

/** The issue's example study, verbatim. */
const ISSUE_EXAMPLE = `name: pneumonia-labels
experiment: pneumonia-fewshot.experiment.yaml   # the base experiment, relative to this file
vary:                                           # any experiment key, by its dotted path
  target.labelsPerClass: [5, 10, 20, 50, 100, all]
seeds: [1, 2, 3]
goal: { metric: auc, value: 0.90 }              # optional: labels needed to reach it
`;

const BASE: BaseExperimentText = { ok: true, text: stringify(tinyExperimentInput({ seeds: [4, 5] })) };

function check(text: string, base: BaseExperimentText = BASE) {
  const parsed = parseStudy(text);
  assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.diagnostics));
  return checkStudyPoints(parsed.located, base);
}

function problems(text: string, base: BaseExperimentText = BASE): string[] {
  const parsed = parseStudy(text);
  const diagnostics = parsed.ok
    ? (() => {
        const checked = checkStudyPoints(parsed.located, base);
        assert.equal(checked.ok, false, 'expected the study to be refused');
        return checked.ok ? [] : checked.diagnostics;
      })()
    : parsed.diagnostics;
  return diagnostics.map((d) => `${d.start.line}:${d.start.column}: ${d.message}`);
}

describe('parseStudy', () => {
  it('accepts the issue example, and its grid is the six label counts × three seeds', () => {
    const checked = check(ISSUE_EXAMPLE);
    assert.ok(checked.ok, JSON.stringify(!checked.ok && checked.diagnostics));
    assert.deepEqual(checked.seeds, [1, 2, 3]);
    assert.deepEqual(
      checked.points.map((point) => [point.id, point.label]),
      [
        ['p1', 'labelsPerClass 5'],
        ['p2', 'labelsPerClass 10'],
        ['p3', 'labelsPerClass 20'],
        ['p4', 'labelsPerClass 50'],
        ['p5', 'labelsPerClass 100'],
        ['p6', 'labelsPerClass all'],
      ],
    );
  });

  it('expands several keys as nested loops in file order, and sets each value at its path', () => {
    const points = expandGrid({ 'target.labelsPerClass': [5, 'all'], 'fineTune.strategy': ['full', 'partial'] });
    assert.deepEqual(
      points.map((point) => point.label),
      [
        'labelsPerClass 5, strategy full',
        'labelsPerClass 5, strategy partial',
        'labelsPerClass all, strategy full',
        'labelsPerClass all, strategy partial',
      ],
    );
    const base = tinyExperimentInput({ seeds: [4, 5] });
    const last = pointExperimentInput(base, points[3] ?? { values: {} }, 9);
    const experiment = experimentSchema.parse(last);
    assert.equal(experiment.target.labelsPerClass, undefined, '`all` leaves the label count out');
    assert.equal(experiment.fineTune.strategy, 'partial');
    assert.equal(experiment.seed, 9);
    assert.equal(experiment.seeds, undefined);
    assert.equal(base.target.labelsPerClass, 8, 'the base is not changed');
    const fromFraction = pointExperimentInput(
      { ...base, target: { ...base.target, labelsPerClass: undefined, fraction: 0.05 } },
      points[0] ?? { values: {} },
      1,
    );
    assert.deepEqual(
      experimentSchema.parse(fromFraction).target.labelsPerClass,
      5,
      'a varied labelsPerClass replaces the base’s fraction',
    );
    assert.equal(experimentSchema.parse(fromFraction).target.fraction, undefined);
  });

  it('takes the seeds from the study, else from the base experiment', () => {
    assert.deepEqual(studySeeds({ seeds: [7] }, { seeds: [1, 2] }), [7]);
    assert.deepEqual(studySeeds({}, { seeds: [1, 2] }), [1, 2]);
    assert.deepEqual(studySeeds({}, { seed: 5 }), [5]);
    assert.deepEqual(studySeeds({}, {}), [42]);
  });

  it('places unknown keys of the study file and suggests the one meant', () => {
    assert.deepEqual(problems('name: s\nexperiment: e.yaml\nvary: { target.labelsPerClass: [5] }\nseed: [1]\n'), [
      '4:1: unknown key `seed`; did you mean `seeds`?',
    ]);
  });

  it('refuses empty lists, an empty vary, repeated seeds and values, and a missing experiment', () => {
    assert.deepEqual(problems('name: s\nexperiment: e.yaml\nvary:\n  target.labelsPerClass: []\n'), [
      '4:26: `vary.target.labelsPerClass`: give at least one value',
    ]);
    assert.deepEqual(problems('name: s\nexperiment: e.yaml\nvary: {}\n'), [
      '3:7: `vary`: give at least one key to vary, e.g. `target.labelsPerClass`',
    ]);
    assert.deepEqual(problems('name: s\nexperiment: e.yaml\nvary: { target.fraction: [0.1, 0.1] }\nseeds: [1, 1]\n'), [
      '3:26: `vary.target.fraction`: each value once: a repeated value repeats the same runs',
      '4:8: `seeds`: each seed once: a repeated seed repeats the same run',
    ]);
    assert.deepEqual(problems('name: s\nvary: { target.fraction: [0.1] }\n'), [
      '1:1: missing required key `experiment`',
    ]);
    assert.deepEqual(problems(''), ['1:1: the study file is empty: it needs at least `name`, `experiment` and `vary`']);
  });

  it('places a varied key that is no experiment key at its line, with a did-you-mean', () => {
    const text =
      'name: s\nexperiment: e.yaml\nvary:\n  target.labelPerClass: [5, 10]\n  training.lr: [0.1]\n  seed: [1]\n';
    assert.deepEqual(problems(text), [
      '4:3: `target.labelPerClass` is not an experiment key: ' +
        'unknown key `labelPerClass` in `target`; did you mean `labelsPerClass`?',
      '5:3: `training.lr` is not an experiment key: unknown key `lr` in `training`; expected one of: ' +
        'batchSize, microBatchSize, optimizer, learningRate, earlyStopping, augmentation, classWeights, cacheFrozenFeatures',
      '6:3: `seed` cannot vary: give the seeds as the study’s `seeds`',
    ]);
  });

  it('checks the keys of a dataset against the base experiment’s dataset type', () => {
    const ok = check('name: s\nexperiment: e.yaml\nvary: { target.dataset.samples: [60, 120] }\n');
    assert.ok(ok.ok, JSON.stringify(!ok.ok && ok.diagnostics));
    assert.deepEqual(problems('name: s\nexperiment: e.yaml\nvary: { target.dataset.path: [a.npz] }\n'), [
      '3:9: `target.dataset.path` is not an experiment key: unknown key `path` in `target.dataset`; ' +
        'expected one of: type, task, samples',
    ]);
  });

  it('places a value that breaks the experiment at that value, once', () => {
    const text =
      'name: s\nexperiment: e.yaml\nvary:\n  target.labelsPerClass: [5, 0, all]\n  fineTune.strategy: [full, bogus]\n';
    assert.deepEqual(problems(text), [
      '4:30: with `target.labelsPerClass` 0, the experiment does not validate: ' +
        '`target.labelsPerClass`: Too small: expected number to be >0',
      '5:29: with `fineTune.strategy` bogus, the experiment does not validate: ' +
        '`fineTune.strategy`: expected one of "feature-extraction"|"partial"|"full"|"two-phase"',
    ]);
  });

  it('refuses a base experiment that does not validate, at the experiment line', () => {
    const base: BaseExperimentText = { ok: true, text: 'name: tiny\nmodel: { architecture: seed-cnn }\n' };
    assert.deepEqual(problems('name: s\nexperiment: e.yaml\nvary: { target.fraction: [0.1] }\n', base), [
      '2:13: the base experiment does not validate (e.yaml:1:1: missing required key `target`)',
    ]);
    assert.deepEqual(
      problems('name: s\nexperiment: e.yaml\nvary: { target.fraction: [0.1] }\n', {
        ok: false,
        reason: 'no such file',
      }),
      ['2:13: cannot read the base experiment `e.yaml`: no such file'],
    );
  });

  it('accepts the README’s example study over the pneumonia experiment: 4 label counts × 3 seeds', () => {
    const examples = join(repoRoot, 'examples');
    const base = { ok: true as const, text: readFileSync(join(examples, 'pneumonia-fewshot.experiment.yaml'), 'utf8') };
    const checked = check(readFileSync(join(examples, 'pneumonia-labels.study.yaml'), 'utf8'), base);
    assert.ok(checked.ok, JSON.stringify(!checked.ok && checked.diagnostics));
    assert.deepEqual(
      checked.points.map((point) => point.label),
      ['labelsPerClass 5', 'labelsPerClass 20', 'labelsPerClass 80', 'labelsPerClass all'],
    );
    assert.deepEqual(checked.seeds, [1, 2, 3]);
  });

  it('has a JSON schema for editors with the study keys', () => {
    const schema = studyJsonSchema();
    assert.equal(schema.title, 'MedTransfer study');
    assert.deepEqual(Object.keys(schema.properties as object), [
      '$schema',
      'name',
      'description',
      'experiment',
      'vary',
      'seeds',
      'goal',
    ]);
  });
});
