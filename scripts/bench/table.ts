// The markdown tables the bench prints and the README quotes.
import { TRAINING_FLOPS_FACTOR } from './flops';
import type { PipelineBreakdown } from './pipelineBreakdown';
import type { BenchRow, StepProfile } from './results';
import { pairRatios } from './stats';
import type { RowRatio } from './stats';

const MIB = 1024 * 1024;

/** Images/s: whole numbers with thousands separators, one decimal below 10 (tfjs `cpu`). */
export function formatRate(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '–';
  if (value < 10) return value.toFixed(1);
  return Math.round(value).toLocaleString('en-US');
}

export function formatMiB(bytes: number | undefined): string {
  return bytes === undefined || !Number.isFinite(bytes) ? '–' : (bytes / MIB).toFixed(0);
}

export function formatRatio(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return `${value < 0.1 ? value.toFixed(3) : value.toFixed(2)}×`;
}

/** A markdown table; columns listed in `right` are right-aligned. */
export function markdownTable(
  header: readonly string[],
  body: readonly (readonly string[])[],
  right: ReadonlySet<number> = new Set(),
): string {
  const widths = header.map((cell, column) =>
    Math.max(3, cell.length, ...body.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, column) => (right.has(column) ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0))).join(' | ')} |`;
  const rule = `| ${widths.map((width, column) => (right.has(column) ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width))).join(' | ')} |`;
  return [line(header), rule, ...body.map(line)].join('\n');
}

function ratioFor(ratios: readonly RowRatio[], row: BenchRow): RowRatio | undefined {
  return ratios.find((candidate) => candidate.model === row.model && candidate.backend === row.backend);
}

/** Rows during which other processes took more than this share of the machine are marked †. */
export const NOISY_LOAD = 0.1;

function isNoisy(row: BenchRow): boolean {
  return (row.otherLoad ?? 0) > NOISY_LOAD;
}

function statusCell(row: BenchRow): string {
  if (row.status !== 'ok') return `${row.backend} (${row.status})`;
  return `${row.backend}${row.protocol?.reduced ? '*' : ''}${isNoisy(row) ? '†' : ''}`;
}

/** One row per model and backend (PyTorch rows included), with ours/PyTorch at equal threads. */
export function resultsTable(rows: readonly BenchRow[]): string {
  const ratios = pairRatios(rows);
  const header = [
    'model',
    'backend',
    'threads',
    'train img/s',
    'infer img/s',
    'peak RSS MiB',
    'peak tensors MiB',
    'train ours/PyTorch',
    'infer ours/PyTorch',
  ];
  const body = rows.map((row) => {
    const paired = ratioFor(ratios, row);
    return [
      row.model,
      statusCell(row),
      row.threads === undefined ? '–' : String(row.threads),
      formatRate(row.trainImagesPerSecond),
      formatRate(row.inferenceImagesPerSecond),
      formatMiB(row.peakRssBytes),
      formatMiB(row.peakTensorBytes),
      row.framework === 'tfjs' ? formatRatio(paired?.train) : '',
      row.framework === 'tfjs' ? formatRatio(paired?.inference) : '',
    ];
  });
  return markdownTable(header, body, new Set([2, 3, 4, 5, 6, 7, 8]));
}

/** Rows that could not be measured, with the reason, for under the table. */
export function problemLines(rows: readonly BenchRow[]): string[] {
  const lines = rows
    .filter((row) => row.status !== 'ok')
    .map((row) => `- ${row.model} on ${row.backend}: ${row.status}: ${row.error ?? 'no reason given'}`);
  const reduced = rows.filter((row) => row.status === 'ok' && row.protocol?.reduced);
  if (reduced.length > 0) {
    lines.push(
      `- \\* fewer images per epoch than the protocol, to fit the time budget: ${reduced
        .map(
          (row) =>
            `${row.model} on ${row.backend} (${row.protocol?.imagesPerEpoch ?? '?'} images × ${row.protocol?.timedEpochs ?? '?'} epochs)`,
        )
        .join('; ')}`,
    );
  }
  const noisy = rows.filter(isNoisy);
  if (noisy.length > 0) {
    lines.push(
      `- † other processes used more than ${formatShare(NOISY_LOAD)} of the machine during: ${noisy.map((row) => `${row.model} on ${row.backend}${row.framework === 'pytorch' ? ` ${row.threads ?? '?'} thr` : ''} (${formatShare(row.otherLoad ?? 0)})`).join('; ')}`,
    );
  }
  return lines;
}

export function formatShare(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

/** The pipeline split as a table, largest part first. */
export function pipelineTable(pipeline: PipelineBreakdown): string {
  const parts = [...pipeline.parts].sort((a, b) => b.seconds - a.seconds);
  const body = parts.map((part) => [part.name, part.seconds.toFixed(2), formatShare(part.share), part.how]);
  body.push(['total', pipeline.totalSeconds.toFixed(2), '100%', '']);
  return markdownTable(['part', 'seconds', 'share', 'measured'], body, new Set([1, 2]));
}

/** One line per profiled row: step time, the kernels' share, the heaviest kernels. */
export function profileLine(row: BenchRow, profile: StepProfile, count = 6): string {
  const kernels = profile.top
    .slice(0, count)
    .map((kernel) => `${kernel.name} ${kernel.selfMs.toFixed(1)}`)
    .join('; ');
  const share = profile.stepMs > 0 ? formatShare(profile.kernelMs / profile.stepMs) : '–';
  return `- ${row.model}, ${row.backend} (${row.threads ?? '?'} thread${row.threads === 1 ? '' : 's'}): step ${profile.stepMs.toFixed(1)} ms profiled, ${share} in kernels; heaviest (ms/step): ${kernels}`;
}

/**
 * The physical limit of each model: its FLOPs an image (flops.ts) over the measured peak FLOP/s at
 * each thread count, and each row's share of it. One line a model and thread count.
 */
export function limitLines(rows: readonly BenchRow[], peakFlops: ReadonlyMap<number, number>): string[] {
  const lines: string[] = [];
  const models = [...new Set(rows.map((row) => row.model))];
  for (const model of models) {
    const forward = rows.find((row) => row.model === model && row.forwardFlops !== undefined)?.forwardFlops;
    if (forward === undefined || forward <= 0) continue;
    const training = forward * TRAINING_FLOPS_FACTOR;
    for (const [threads, peak] of [...peakFlops].sort((a, b) => a[0] - b[0])) {
      const trainLimit = peak / training;
      const inferLimit = peak / forward;
      const measured = rows
        .filter((row) => row.model === model && row.status === 'ok' && (row.threads ?? 1) === threads)
        .map(
          (row) =>
            `${row.backend} ${formatRate(row.trainImagesPerSecond)} (${formatShare((row.trainImagesPerSecond ?? 0) / trainLimit)})` +
            ` / ${formatRate(row.inferenceImagesPerSecond)} (${formatShare((row.inferenceImagesPerSecond ?? 0) / inferLimit)})`,
        );
      if (measured.length === 0) continue;
      lines.push(
        `- ${model}, ${threads} thread${threads === 1 ? '' : 's'}: ${(forward / 1e9).toFixed(3)} GFLOP forward an image, ` +
          `${(training / 1e9).toFixed(3)} a training image; at the peak (${(peak / 1e9).toFixed(0)} GFLOP/s) ` +
          `at most ${formatRate(trainLimit)} training / ${formatRate(inferLimit)} inference images/s; ` +
          `measured train / infer (share of the limit): ${measured.join('; ')}`,
      );
    }
  }
  return lines;
}
