// Child-process entry of tfjsBench.ts: `node --import tsx scripts/bench/tfjsChild.ts REQUEST_JSON
// RESULT_FILE`. Writes one BenchRow as JSON; a crash leaves no file and main.ts records the exit.
// With {"probe": BACKEND} it writes backendProbe.ts's answer instead.
import { writeFileSync } from 'node:fs';
import type { BackendName } from '../../src/shared/run/events';
import type { BenchModel, Protocol } from './models';
import { probeBackend } from './backendProbe';
import { runTfjsBench } from './tfjsBench';
import { errorStack } from '../../src/shared/errors/errorMessage';

interface ChildRequest {
  model: BenchModel;
  backend: BackendName;
  protocol: Protocol;
  profile: boolean;
  wasmThreads?: boolean;
}

async function main(): Promise<void> {
  const [requestJson, resultFile] = process.argv.slice(2);
  if (requestJson === undefined || resultFile === undefined)
    throw new Error('usage: tfjsChild.ts REQUEST_JSON RESULT_FILE');
  const request = JSON.parse(requestJson) as ChildRequest | { probe: BackendName };
  const result = 'probe' in request ? await probeBackend(request.probe) : await runTfjsBench(request);
  writeFileSync(resultFile, JSON.stringify(result));
  // WebGPU's Dawn object keeps Node alive; the row is written, so leave now.
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`${errorStack(error)}\n`);
  process.exit(1);
});
