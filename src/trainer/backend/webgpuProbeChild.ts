// The child process of the WebGPU probe (webgpuProbe.ts), bundled as dist/webgpuProbeChild.js:
// looks for an adapter with the package folders given as arguments, sends what it found over
// IPC and exits. Whatever Dawn writes to stdout or stderr goes to its parent, which keeps it.
import { createModuleLoader, errorSummary } from './moduleLoader';
import { searchAdapter } from './webgpuAdapterSearch';
import type { AdapterSearch } from './webgpuAdapterSearch';

async function probe(): Promise<AdapterSearch> {
  try {
    const search = await searchAdapter(createModuleLoader({ searchPaths: process.argv.slice(2) }));
    return search.found ? { found: true, label: search.label, hardware: search.hardware } : search;
  } catch (error) {
    return { found: false, reason: 'failed', note: `the WebGPU probe failed: ${errorSummary(error)}` };
  }
}

// A trainer that is stopped or killed while Dawn looks takes its probe with it.
process.on('disconnect', () => process.exit(0));

void probe().then((result) => {
  // Exit at once: Dawn's GPU object would keep the process alive.
  if (process.send) process.send(result, () => process.exit(0));
  else {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  }
});
