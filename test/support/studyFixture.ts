// A study.json for the Study view's tests, built from the core's types and checked against its
// schema: labelsPerClass 5 / 20 / 80 / all × seeds 1, 2, 3 of the demo experiment, nine runs
// completed (copies of the recorded fixture runs, under the folders study.json names), one running,
// one failed, one not started. The numbers are synthetic (the runs' own AUCs are the fixture's). The analysis follows two known learning curves, so the tests can
// say where the fitted curves, the goal and the crossover must be.
import { join } from 'node:path';
import type { CurveFit, PointAnalysis, SeedInterval } from '../../src/shared/study/studyAnalysis';
import { studyRecordSchema } from '../../src/shared/study/studyRecord';
import type { StudyRecord, StudyRunRecord } from '../../src/shared/study/studyRecord';
import type { RunSnapshot, RunTable } from '../../src/shared/webview/protocol';
import { eventsBefore, fixtureRunDirs, loadFixtureRun } from './fixtureRuns';

export const STUDY_RUNS_DIR = '/work/study/runs';
export const STUDY_FILE = '/work/study/pneumonia-labels.study.yaml';

/** 1 − AUC = a·n^(−b) + c of each model: transfer learns fast, scratch needs far more labels. */
export const CURVES = {
  'fine-tuned': { a: 0.25, b: 0.5, c: 0.03 },
  scratch: { a: 0.45, b: 0.3, c: 0.05 },
} as const;
export const GOAL = 0.9;
/** The labels per class of each point (`all` had 310 per class). */
export const LABEL_COUNTS = [5, 20, 80, 310] as const;
const VALUES = [5, 20, 80, 'all'] as const;
const SEEDS = [1, 2, 3];
/** The smallest label count from which the gain's interval includes 0. */
export const CROSSOVER = 80;

const curve = (model: keyof typeof CURVES, n: number): number => {
  const { a, b, c } = CURVES[model];
  return 1 - (a * n ** -b + c);
};

function interval(mean: number, half: number): SeedInterval {
  return {
    mean,
    low: mean - half,
    high: mean + half,
    n: 3,
    values: [mean - half / 3, mean, mean + half / 3],
    seedSd: half / 3,
    samplingSe: half / 4,
  };
}

function toGoal(model: keyof typeof CURVES): NonNullable<CurveFit['toGoal']> {
  const { a, b, c } = CURVES[model];
  const estimate = (a / (1 - GOAL - c)) ** (1 / b);
  return { estimate, low: estimate * 0.7, high: estimate * 1.5, beyondData: estimate > 80 };
}

function fit(model: keyof typeof CURVES): CurveFit {
  return {
    ...CURVES[model],
    covariance: null,
    rmse: 0.01,
    points: LABEL_COUNTS.slice(0, 3).flatMap((n) => SEEDS.map(() => ({ labelsPerClass: n, value: curve(model, n) }))),
    toGoal: toGoal(model),
  };
}

export interface StudyFixture {
  table: Extract<RunTable, { kind: 'study' }>;
  record: StudyRecord;
  snapshots: RunSnapshot[];
}

export function studyFixture(): StudyFixture {
  const [first, second] = fixtureRunDirs().map((dir) => loadFixtureRun(dir));
  if (!first || !second) throw new Error('two fixture runs are needed');
  const points = VALUES.map((value, index) => ({
    id: `p${index + 1}`,
    values: { 'target.labelsPerClass': value },
    label: `labelsPerClass ${value}`,
  }));
  const runDir = (index: number) => join(STUDY_RUNS_DIR, 'demo', `20261207-10${String(index).padStart(2, '0')}00`);
  const snapshots: RunSnapshot[] = [];
  const runs: StudyRunRecord[] = points.flatMap((point, pointIndex) =>
    SEEDS.map((seed, seedIndex): StudyRunRecord => {
      const index = pointIndex * SEEDS.length + seedIndex;
      const base = { point: point.id, seed, errorKind: null, error: null };
      if (pointIndex < 3) {
        const source = index % 2 === 0 ? first : second;
        snapshots.push({ ...source.snapshot, key: runDir(index), label: `demo · ${runDir(index).slice(-15)}` });
        return { ...base, runId: runDir(index).slice(-15), runDir: runDir(index), status: 'completed', seconds: 60 };
      }
      if (seed === 1) {
        const events = eventsBefore(first.events, (event) => event.type === 'evaluation');
        snapshots.push({ ...first.snapshot, key: runDir(index), label: 'demo · running', events });
        return { ...base, runId: runDir(index).slice(-15), runDir: runDir(index), status: 'running', seconds: null };
      }
      if (seed === 2)
        return {
          ...base,
          runId: runDir(index).slice(-15),
          runDir: runDir(index),
          status: 'failed',
          errorKind: 'out-of-memory',
          error: 'out of memory',
          seconds: 12,
        };
      return { ...base, runId: null, runDir: null, status: 'pending', seconds: null };
    }),
  );
  const pointAnalyses: PointAnalysis[] = points.map((point, index) => {
    const n = LABEL_COUNTS[index] ?? 1;
    const fineTuned = curve('fine-tuned', n);
    const scratch = curve('scratch', n);
    const gainHalf = n >= CROSSOVER ? fineTuned - scratch + 0.01 : (fineTuned - scratch) / 2;
    const summary = (value: SeedInterval | null) => ({
      auc: value,
      balancedAccuracy: null,
      sensitivity: null,
      specificity: null,
    });
    // The last point has no completed run yet: nothing to average.
    if (index === 3)
      return {
        point: point.id,
        labelsPerClass: n,
        completed: 0,
        models: { 'fine-tuned': null, scratch: null },
        gain: null,
        delongP: [null, null, null],
      };
    return {
      point: point.id,
      labelsPerClass: n,
      completed: 3,
      models: { 'fine-tuned': summary(interval(fineTuned, 0.03)), scratch: summary(interval(scratch, 0.04)) },
      gain: summary(interval(fineTuned - scratch, gainHalf)),
      delongP: [0.01, 0.02, 0.03],
    };
  });
  const fineTunedGoal = toGoal('fine-tuned').estimate ?? 1;
  const scratchGoal = toGoal('scratch').estimate ?? 1;
  const record = studyRecordSchema.parse({
    format: 'medtransfer-study/1',
    name: 'pneumonia-labels',
    description: 'How many labels does transfer save on pneumonia?',
    studyFile: STUDY_FILE,
    experimentFile: '/work/study/demo.experiment.yaml',
    experimentName: 'demo',
    runsDir: STUDY_RUNS_DIR,
    varied: ['target.labelsPerClass'],
    seeds: SEEDS,
    goal: { metric: 'auc', value: GOAL },
    points,
    runs,
    status: 'running',
    pid: 4242,
    startedAt: '2026-12-07T10:00:00.000Z',
    updatedAt: '2026-12-07T10:30:00.000Z',
    analysis: {
      metric: 'auc',
      level: 0.95,
      labelCountPath: 'target.labelsPerClass',
      goal: { metric: 'auc', value: GOAL },
      points: pointAnalyses,
      series: [
        {
          label: '',
          points: points.map((point) => point.id),
          fits: { 'fine-tuned': fit('fine-tuned'), scratch: fit('scratch') },
          savingFactor: { factor: scratchGoal / fineTunedGoal, atLeast: true },
          crossover: CROSSOVER,
          crossoverNote: `transfer helps up to about ${CROSSOVER} labels per class`,
        },
      ],
      methods: 'Means over 3 seeds with 95% intervals combining the seed variation and the test-set bootstrap.',
    },
  });
  return {
    table: { kind: 'study', name: record.name, file: 'pneumonia-labels.study.yaml', path: STUDY_FILE, record },
    record,
    snapshots,
  };
}
