// CI step: `medtransfer run` where the native kernels cannot be had, as on a fresh clone on a
// machine without a C++ compiler or oneDNN (npm install then builds no addon). The addon is hidden
// by MEDTRANSFER_NATIVE_ADDON naming a file that does not exist; a tiny synthetic experiment runs
// through dist/cli.js with `backend: auto`, and the step fails unless the run completed on wasm and
// run-started says why native was passed over. Needs `npm run build` first; takes a few seconds.
//   node scripts/ci/runWithoutNative.mjs
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(root, 'dist', 'cli.js');

function fail(message) {
  process.stderr.write(`runWithoutNative: ${message}\n`);
  process.exit(1);
}

const EXPERIMENT = `name: without-native
seed: 12
model: { architecture: seed-cnn, inputShape: [20, 20, 1] }
source: { dataset: { type: synthetic, task: source, samples: 200 }, epochs: 1 }
target:
  dataset: { type: synthetic, task: target, samples: 80 }
  classes: [normal, lesion]
  labelsPerClass: 10
fineTune: { strategy: two-phase, headEpochs: 1, epochs: 1 }
training: { batchSize: 16 }
evaluation: { positiveClass: lesion }
`;

if (!existsSync(cli)) fail(`no ${cli}: run \`npm run build\` first`);
const folder = mkdtempSync(join(tmpdir(), 'medtransfer-without-native-'));
try {
  const file = join(folder, 'without-native.experiment.yaml');
  writeFileSync(file, EXPERIMENT);
  const hidden = join(folder, 'no-addon', 'medtransfer_native.node');
  const env = { ...process.env, MEDTRANSFER_NATIVE_ADDON: hidden };
  // No --backend and none in the experiment: auto's choice.
  const result = spawnSync(process.execPath, [cli, 'run', file, '--run-id', 'ci', '--quiet'], {
    cwd: root,
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.status !== 0) fail(`medtransfer run exited with ${result.status}:\n${result.stderr}`);

  const eventsFile = join(folder, 'runs', 'without-native', 'ci', 'events.jsonl');
  const events = readFileSync(eventsFile, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));
  const started = events.find((event) => event.type === 'run-started');
  const ended = events.find((event) => event.type === 'run-ended');
  const notes = started?.backendNotes ?? [];
  const why = notes.find((note) => note.startsWith('native: not built (no medtransfer_native.node in '));
  if (started?.backend !== 'wasm') fail(`run-started says backend ${started?.backend}, not wasm:\n${notes.join('\n')}`);
  if (why === undefined) fail(`run-started does not say why native was passed over:\n${notes.join('\n')}`);
  if (!notes.includes('wasm: chosen by auto')) fail(`run-started does not say auto chose wasm:\n${notes.join('\n')}`);
  if (ended?.status !== 'completed') fail(`the run ended ${ended?.status ?? 'without run-ended'}`);
  process.stdout.write(`runWithoutNative: the run completed on wasm; run-started says: ${why}\n`);
} finally {
  rmSync(folder, { recursive: true, force: true });
}
