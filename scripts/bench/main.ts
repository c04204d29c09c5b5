// `npm run bench`: training and inference images/s and peak memory of each model on each tfjs
// backend and in PyTorch (same models, loss, optimizer and protocol; its threads equal to ours,
// and all cores for reference), the ratio ours/PyTorch, and where a real run's time goes.
// A script, not a test: CI times nothing. Flags:
//   --quick              fewer and smaller epochs, the short pipeline variant (a smoke run, < 2 min)
//   --models a,b         model ids or prefixes (seed-cnn, resnet-small-32x32x3, …); default all
//   --backends a,b       tfjs backends; default those `auto` would use here, but cpu (minutes a row)
//   --out FILE           JSON results (default bench-results/latest.json; a .md beside it)
//   --wasm-threads       also time wasm on every core: tfjs-backend-wasm's threaded build, which
//                        the trainer does not load yet (threadedWasm.ts: the experiment)
//   --wait-quiet S       before each row wait up to S seconds for other processes to go quiet
//   --pytorch-malloc M   tuned (default): PyTorch's glibc malloc never maps blocks of its own
//                        (MALLOC_MMAP_MAX_=0), so freed activations are not page-faulted in again
//                        every step; default: glibc as it comes; both: a row each
//   --skip-pytorch, --skip-pipeline, --skip-profile
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AUTO_ORDER } from '../../src/trainer/backend/selectBackend';
import type { BackendName } from '../../src/shared/run/events';
import type { ProbeResult } from './backendProbe';
import { runChild } from './childProcess';
import type { ChildOutcome } from './childProcess';
import { otherLoad, readCpuTimes, waitForQuiet } from './cpuLoad';
import { SYSTEM_PYTHON, describeMachine, machineLine, measurePeakFlops } from './machine';
import { TRAINING_FLOPS_FACTOR } from './flops';
import { FULL_PROTOCOL, QUICK_PROTOCOL, protocolFor, selectModels } from './models';
import type { BenchModel, Protocol } from './models';
import type { PipelineBreakdown } from './pipelineBreakdown';
import type { BenchRow } from './results';
import { pairRatios } from './stats';
import { formatRate, formatShare, limitLines, pipelineTable, problemLines, profileLine, resultsTable } from './table';
import { errorMessage } from '../../src/shared/errors/errorMessage';

/** The bench runs from source through tsx, as CommonJS: __dirname is this folder. */
const SCRIPT_DIR = __dirname;
const TSX = ['--import', 'tsx'];

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** Backends named on the command line, or null for the default. */
function backendList(value: string | undefined): BackendName[] | null {
  const asked = list(value);
  if (asked.length === 0) return null;
  const unknown = asked.filter((name) => !(AUTO_ORDER as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`unknown backend ${unknown.join(', ')}; known: ${AUTO_ORDER.join(', ')}`);
  return asked as BackendName[];
}

/**
 * The default backends: each one auto would use on this machine (probed in a child process, as a
 * backend that starts stays registered), but cpu. The others get one row saying why not.
 */
async function defaultBackends(): Promise<{ backends: BackendName[]; left: BenchRow[] }> {
  const backends: BackendName[] = [];
  const left: BenchRow[] = [];
  for (const backend of AUTO_ORDER) {
    if (backend === 'cpu') {
      left.push({
        model: 'all',
        backend,
        framework: 'tfjs',
        status: 'skipped',
        error: 'about 300× slower than wasm (minutes per row); --backends cpu to time it',
      });
      continue;
    }
    const outcome = await runChild<ProbeResult>(
      process.execPath,
      [...TSX, join(SCRIPT_DIR, 'tfjsChild.ts'), JSON.stringify({ probe: backend })],
      { timeoutSeconds: 120 },
    );
    if (outcome.ok && outcome.value.usable) {
      backends.push(backend);
    } else {
      const why = outcome.ok ? (outcome.value.usable ? '' : outcome.value.note) : outcome.error;
      const unsuitable = outcome.ok && !outcome.value.usable && outcome.value.reason === 'unsuitable';
      left.push({
        model: 'all',
        backend,
        framework: 'tfjs',
        status: unsuitable ? 'skipped' : 'unavailable',
        error: unsuitable ? `${why}; --backends ${backend} to time it` : why,
      });
    }
  }
  return { backends, left };
}

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

function rowSummary(row: BenchRow, seconds: number): string {
  const what =
    row.status === 'ok'
      ? `train ${formatRate(row.trainImagesPerSecond)} img/s, infer ${formatRate(row.inferenceImagesPerSecond)} img/s`
      : `${row.status}: ${row.error ?? ''}`;
  const others =
    row.otherLoad === undefined || row.otherLoad === null
      ? ''
      : `, others ${formatShare(row.otherLoad)} of the machine`;
  return `  ${row.model} on ${row.backend}${row.threads === undefined ? '' : ` (${row.threads} thr)`}: ${what} [${seconds.toFixed(0)} s${others}]`;
}

/** Seconds to wait for a quiet machine before each row (0: do not wait). */
let quietWait = 0;

/** Runs one row's child, noting how much of the machine others took meanwhile. */
async function measuredRow(
  run: () => Promise<ChildOutcome<BenchRow>>,
  failed: (error: string) => BenchRow,
): Promise<BenchRow> {
  if (quietWait > 0) await waitForQuiet(quietWait);
  const before = readCpuTimes();
  const outcome = await run();
  const row = outcome.ok ? outcome.value : failed(outcome.error);
  row.otherLoad = otherLoad(before, readCpuTimes(), row.cpuSeconds ?? 0);
  progress(rowSummary(row, outcome.seconds));
  return row;
}

function tfjsRow(
  model: BenchModel,
  backend: BackendName,
  protocol: Protocol,
  profile: boolean,
  wasmThreads = false,
): Promise<BenchRow> {
  const request = JSON.stringify({ model, backend, protocol, profile, wasmThreads });
  return measuredRow(
    () =>
      runChild<BenchRow>(process.execPath, [...TSX, join(SCRIPT_DIR, 'tfjsChild.ts'), request], {
        timeoutSeconds: protocol.budgetSeconds * 4 + 120,
      }),
    (error) => ({ model: model.id, backend, framework: 'tfjs', status: 'failed', error }),
  );
}

/**
 * glibc's malloc as PyTorch gets it: `default`, or `tuned` never to serve a block by mmap (and never
 * to trim the heap), so that activations freed at the end of a step are reused by the next instead
 * of being unmapped and page-faulted in again. On these VMs that refaulting took PyTorch's seed-cnn
 * row from ~3,200 to ~350 images/s (910,000 minor faults against 47,000); the tuned row is the
 * stronger reference, the one the ratios use.
 */
type PytorchMalloc = 'tuned' | 'default';

const TUNED_MALLOC = { MALLOC_MMAP_MAX_: '0', MALLOC_TRIM_THRESHOLD_: String(2 ** 36) };

function pytorchRow(
  model: BenchModel,
  threads: number,
  protocol: Protocol,
  profile: boolean,
  malloc: PytorchMalloc,
): Promise<BenchRow> {
  const request = JSON.stringify({
    model: model.id,
    architecture: model.architecture,
    inputShape: model.inputShape,
    threads,
    protocol,
    profile,
  });
  // OpenMP and MKL read their thread counts when the library loads, before set_num_threads.
  const env = {
    ...process.env,
    OMP_NUM_THREADS: String(threads),
    MKL_NUM_THREADS: String(threads),
    ...(malloc === 'tuned' ? TUNED_MALLOC : {}),
  };
  const backend = malloc === 'tuned' ? 'pytorch' : 'pytorch-glibc-default';
  return measuredRow(
    () =>
      runChild<BenchRow>(SYSTEM_PYTHON, [join(SCRIPT_DIR, 'pytorchBench.py'), request], {
        timeoutSeconds: protocol.budgetSeconds * 4 + 120,
        env,
      }),
    (error) => ({ model: model.id, backend, framework: 'pytorch', status: 'failed', threads, error }),
  ).then((row) => ({
    ...row,
    backend,
    notes: [...(row.notes ?? []), malloc === 'tuned' ? 'glibc malloc without mmap' : 'glibc malloc defaults'],
  }));
}

function pytorchMallocs(value: string | undefined): PytorchMalloc[] {
  if (value === 'tuned' || value === 'default') return [value];
  if (value === 'both') return ['tuned', 'default'];
  throw new Error(`--pytorch-malloc takes tuned, default or both, not ${value}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      models: { type: 'string' },
      backends: { type: 'string' },
      out: { type: 'string', default: 'bench-results/latest.json' },
      'skip-pytorch': { type: 'boolean', default: false },
      'skip-pipeline': { type: 'boolean', default: false },
      'skip-profile': { type: 'boolean', default: false },
      'wait-quiet': { type: 'string', default: '0' },
      'wasm-threads': { type: 'boolean', default: false },
      'pytorch-malloc': { type: 'string', default: 'tuned' },
    },
  });
  quietWait = Number(values['wait-quiet']);
  if (!Number.isFinite(quietWait) || quietWait < 0) throw new Error('--wait-quiet takes a number of seconds');
  const mallocs = pytorchMallocs(values['pytorch-malloc']);
  const started = performance.now();
  const protocol = values.quick ? QUICK_PROTOCOL : FULL_PROTOCOL;
  const models = selectModels(list(values.models));
  const asked = backendList(values.backends);
  const { backends, left } = asked === null ? await defaultBackends() : { backends: asked, left: [] };
  const profile = !values['skip-profile'];
  const machine = describeMachine();
  const withPytorch = !values['skip-pytorch'] && machine.torch !== null;
  progress(
    `bench${values.quick ? ' (quick)' : ''}: ${models.map((m) => m.id).join(', ')} on ${backends.join(', ')}${withPytorch ? ' and PyTorch' : ''}`,
  );
  progress(`machine: ${machineLine(machine)}`);
  if (machine.loadAtStart > 0.5)
    progress(`warning: load average ${machine.loadAtStart.toFixed(2)}: other work is running, numbers will be low`);

  const rows: BenchRow[] = [];
  const unavailable = new Map<string, string>();
  for (const model of models) {
    const modelProtocol = protocolFor(model, protocol);
    for (const backend of backends) {
      if (unavailable.has(backend)) continue;
      const row = await tfjsRow(model, backend, modelProtocol, profile);
      // A named backend that cannot start fails the same way for every model: one row says so.
      if (row.status === 'unavailable') unavailable.set(backend, row.error ?? 'unavailable');
      else rows.push(row);
      if (backend === 'wasm' && values['wasm-threads'] && row.status === 'ok')
        rows.push(await tfjsRow(model, backend, modelProtocol, profile, true));
    }
    if (withPytorch) {
      // Ours (wasm runs one thread in Node), then every core for reference.
      const ours = rows.filter((row) => row.model === model.id && row.status === 'ok').map((row) => row.threads ?? 1);
      const threads = [...new Set([...(ours.length > 0 ? ours : [1]), availableParallelism()])].sort((a, b) => a - b);
      for (const malloc of mallocs)
        for (const count of threads)
          rows.push(await pytorchRow(model, count, modelProtocol, profile && ours.includes(count), malloc));
    }
  }
  const unavailableRows: BenchRow[] = [
    ...left,
    ...[...unavailable].map(([backend, error]): BenchRow => ({
      model: 'all',
      backend,
      framework: 'tfjs',
      status: 'unavailable',
      error,
    })),
  ];

  let pipeline: PipelineBreakdown | null = null;
  let pipelineError: string | null = null;
  if (!values['skip-pipeline']) {
    // The backend a user gets: the example leaves it to auto.
    progress(`pipeline: ${values.quick ? 'a shorter variant of ' : ''}the pneumonia example, backend auto`);
    if (quietWait > 0) await waitForQuiet(quietWait);
    const outcome = await runChild<PipelineBreakdown>(
      process.execPath,
      [...TSX, join(SCRIPT_DIR, 'pipelineChild.ts'), JSON.stringify({ quick: values.quick, backend: 'auto' })],
      { timeoutSeconds: values.quick ? 180 : 480 },
    );
    if (outcome.ok) pipeline = outcome.value;
    else pipelineError = outcome.error;
    progress(`  ${outcome.ok ? `${outcome.value.totalSeconds.toFixed(1)} s run` : `failed: ${outcome.error}`}`);
  }

  progress('peak FLOP/s: AVX-512 fused multiply-adds at each thread count (peakFlops.c)');
  if (quietWait > 0) await waitForQuiet(quietWait);
  const peakFlops = measurePeakFlops([...new Set([1, availableParallelism()])]);
  machine.loadAtEnd = loadavg()[0] ?? 0;
  const allRows = [...rows, ...unavailableRows];
  const report = markdownReport({
    machine: machineLine(machine),
    rows,
    allRows,
    pipeline,
    pipelineError,
    quick: values.quick,
    peakFlops,
  });
  const out = resolve(values.out);
  mkdirSync(dirname(out), { recursive: true });
  const result = {
    timestamp: new Date().toISOString(),
    quick: values.quick,
    machine,
    protocol,
    rows: allRows,
    ratios: pairRatios(rows),
    peakFlops: Object.fromEntries(peakFlops),
    pipeline,
    pipelineError,
    seconds: (performance.now() - started) / 1000,
  };
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(out.replace(/\.json$/, '') + '.md', `${report}\n`);
  process.stdout.write(`${report}\n\nJSON: ${out}\n`);
}

interface ReportParts {
  machine: string;
  rows: BenchRow[];
  allRows: BenchRow[];
  pipeline: PipelineBreakdown | null;
  pipelineError: string | null;
  quick: boolean;
  peakFlops: ReadonlyMap<number, number>;
}

function markdownReport(parts: ReportParts): string {
  const protocol = parts.quick ? QUICK_PROTOCOL : FULL_PROTOCOL;
  const lines = [
    `Training: batch ${protocol.batchSize}, Adam, synthetic data; median of ${protocol.timedEpochs} epochs of ${protocol.imagesPerEpoch} images after ${protocol.warmupEpochs} warm-up epoch ` +
      `(torchvision's backbones: batch 32, epochs of 128 images). ` +
      `Inference: batch ${protocol.inferenceBatchSize}, median of ${protocol.inferenceTimed} passes. Ratios against PyTorch at the same thread count.${parts.quick ? ' QUICK RUN: smoke numbers only.' : ''}`,
    '',
    resultsTable(parts.rows),
    '',
    `Machine: ${parts.machine}`,
    ...problemLines(parts.allRows),
  ];
  const profiled = parts.rows.filter((row) => row.profile !== undefined);
  if (profiled.length > 0) {
    lines.push(
      '',
      'Where a training step goes (kernel self times; PyTorch: operator self CPU time under its profiler):',
    );
    for (const row of profiled) if (row.profile) lines.push(profileLine(row, row.profile));
  }
  const limits = limitLines(parts.rows, parts.peakFlops);
  if (limits.length > 0)
    lines.push(
      '',
      `The physical limit (convolution and dense FLOPs, a training step ${TRAINING_FLOPS_FACTOR}× the forward pass's, ` +
        'over the peak FLOP/s measured on the same cores):',
      ...limits,
    );
  if (parts.pipeline) {
    const p = parts.pipeline;
    lines.push(
      '',
      `Pipeline: ${p.experiment}${p.changes.length > 0 ? ` with ${p.changes.join(', ')}` : ''}, on ${p.backend}: ` +
        `${formatShare(p.outsideTrainingComputeShare)} of the run is outside the training step's forward/backward/update, ` +
        `${formatShare(p.outsideModelComputeShare)} outside all model compute (inference included).`,
      '',
      pipelineTable(p),
      '',
      ...(p.dataNotes.length > 0 ? [`Data: ${p.dataNotes.join('; ')}`] : []),
      `Phases: ${p.phases.map((phase) => `${phase.phase} ${phase.epochs} epochs ${phase.seconds.toFixed(1)} s (${formatRate(phase.imagesPerSecond)} img/s)`).join('; ')}`,
    );
  } else if (parts.pipelineError) {
    lines.push('', `Pipeline: failed: ${parts.pipelineError}`);
  }
  return lines.join('\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${errorMessage(error)}\n`);
  process.exit(1);
});
