// Child-process entry of pipelineShare.ts: `node --import tsx scripts/bench/pipelineChild.ts
// REQUEST_JSON RESULT_FILE`, REQUEST_JSON being {quick, backend}. Writes the breakdown as JSON.
import { writeFileSync } from 'node:fs';
import { measurePipeline } from './pipelineShare';
import { errorStack } from '../../src/shared/errors/errorMessage';

async function main(): Promise<void> {
  const [requestJson, resultFile] = process.argv.slice(2);
  if (requestJson === undefined || resultFile === undefined)
    throw new Error('usage: pipelineChild.ts REQUEST_JSON RESULT_FILE');
  const request = JSON.parse(requestJson) as { quick: boolean; backend: string };
  writeFileSync(resultFile, JSON.stringify(await measurePipeline(request)));
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`${errorStack(error)}\n`);
  process.exit(1);
});
