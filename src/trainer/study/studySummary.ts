// A study's results as text: the table of points (both models, the gain, DeLong's p), the fitted
// curves, the labels to the goal, the saving factor and the crossover. The terminal prints it and
// the report's Markdown embeds its table.
import { formatP } from '../../shared/run/pValue';
import { formatLabels } from '../../shared/study/analysis/analyzeStudy';
import { metricName } from '../../shared/study/analysis/studyMethods';
import type { CurveFit, LabelsToGoal, SeedInterval, StudyAnalysis } from '../../shared/study/studyAnalysis';
import type { StudyRecord } from '../../shared/study/studyRecord';
import { savingFactorPhrase } from '../../shared/study/savingFactorText';

export function formatInterval(interval: SeedInterval | null | undefined, digits = 3): string {
  if (!interval) return '–';
  const value = (x: number) => x.toFixed(digits);
  return interval.low === interval.high
    ? value(interval.mean)
    : `${value(interval.mean)} [${value(interval.low)}, ${value(interval.high)}]`;
}

/** The rows of the study's table: a header, then a row per point. */
export function studyTableRows(record: StudyRecord): string[][] {
  const analysis = record.analysis;
  const metric = analysis?.metric ?? 'auc';
  const name = metricName(metric);
  const header = [
    'point',
    'labels/class',
    'runs',
    `fine-tuned ${name}`,
    `scratch ${name}`,
    'gain',
    'DeLong p per seed',
  ];
  const rows = record.points.map((point) => {
    const one = analysis?.points.find((candidate) => candidate.point === point.id);
    const runs = record.runs.filter((run) => run.point === point.id);
    const failed = runs.filter((run) => run.status === 'failed').length;
    return [
      point.label,
      formatLabels(one?.labelsPerClass ?? null),
      `${one?.completed ?? 0}/${runs.length}${failed > 0 ? ` (${failed} failed)` : ''}`,
      formatInterval(one?.models['fine-tuned']?.[metric]),
      formatInterval(one?.models.scratch?.[metric]),
      formatInterval(one?.gain?.[metric]),
      one ? one.delongP.map((p) => formatP(p)).join(', ') : '–',
    ];
  });
  return [header, ...rows];
}

export function formatTable(rows: string[][]): string {
  const widths = (rows[0] ?? []).map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function formatFit(fit: CurveFit | null): string {
  if (fit === null) return 'not fitted (needs completed runs at 3 or more label counts)';
  const parameters = `a = ${fit.a.toPrecision(3)}, b = ${fit.b.toPrecision(3)}, c = ${fit.c.toPrecision(3)}`;
  return `${parameters} (RMSE ${fit.rmse.toFixed(3)}, ${fit.points.length} runs)`;
}

/** `largest`, `smallest`: the label counts measured, so that an extrapolation says so. */
export function formatToGoal(
  toGoal: LabelsToGoal | null | undefined,
  largest: number,
  smallest: number = largest,
): string {
  if (!toGoal) return '–';
  if (toGoal.estimate === null) return 'never on the fitted curve (its plateau is below the goal)';
  const interval =
    toGoal.low !== null && toGoal.high !== null
      ? ` [${formatLabels(round(toGoal.low))}, ${formatLabels(round(toGoal.high))}]`
      : '';
  const value = `${formatLabels(round(toGoal.estimate))}${interval}`;
  if (toGoal.beyondData) return `beyond the data (> ${formatLabels(largest)}; the curve says ${value})`;
  if (toGoal.estimate < smallest) return `below the data (< ${formatLabels(smallest)}; the curve says ${value})`;
  return value;
}

function round(n: number): number {
  return n >= 10 ? Math.round(n) : Math.round(n * 10) / 10;
}

/** The curves, the goal and the crossover, a line each, per series. */
export function curveLines(analysis: StudyAnalysis): string[] {
  const name = metricName(analysis.metric);
  return analysis.series.flatMap((series) => {
    const counts = series.points.flatMap((id) => {
      const n = analysis.points.find((point) => point.point === id)?.labelsPerClass;
      return n === null || n === undefined ? [] : [n];
    });
    const largest = Math.max(0, ...counts);
    const smallest = counts.length > 0 ? Math.min(...counts) : 0;
    const title = series.label ? ` (${series.label})` : '';
    const lines = [
      `Learning curves${title}, 1 − ${name} = a·n^(−b) + c:`,
      `  fine-tuned: ${formatFit(series.fits['fine-tuned'])}`,
      `  scratch:    ${formatFit(series.fits.scratch)}`,
    ];
    if (analysis.goal) {
      lines.push(
        `  labels per class to reach ${metricName(analysis.goal.metric)} ${analysis.goal.value}: ` +
          `fine-tuned ${formatToGoal(series.fits['fine-tuned']?.toGoal, largest, smallest)}; ` +
          `scratch ${formatToGoal(series.fits.scratch?.toGoal, largest, smallest)}`,
      );
      if (series.savingFactor) lines.push(`  transfer ${savingFactorPhrase(series.savingFactor)}`);
    }
    lines.push(`  crossover: ${series.crossoverNote}`);
    return lines;
  });
}

export function formatStudySummary(record: StudyRecord, studyDir: string): string {
  const completed = record.runs.filter((run) => run.status === 'completed').length;
  const failed = record.runs.filter((run) => run.status === 'failed').length;
  const seconds = record.runs.reduce((sum, run) => sum + (run.seconds ?? 0), 0);
  const head =
    `Study ${record.name}: ${record.runs.length} runs, ${completed} completed` +
    `${failed > 0 ? `, ${failed} failed` : ''} (${record.status}; ${Math.round(seconds)} s of training in all)`;
  const parts = [head, formatTable(studyTableRows(record))];
  if (record.analysis && record.analysis.series.length > 0) parts.push(curveLines(record.analysis).join('\n'));
  parts.push(`Study folder: ${studyDir}`);
  return parts.join('\n\n');
}
