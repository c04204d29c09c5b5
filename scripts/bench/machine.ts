// The machine line of the report: what ran the bench, so a table is never read without it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { moduleFile } from '../../src/trainer/backend/moduleLocation';

/** Debian's python3-torch lives in the system Python, not the one first on PATH (DESIGN.md). */
export const SYSTEM_PYTHON = '/usr/bin/python3';

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  tfjs: Record<string, string>;
  /** null where the system Python has no torch. */
  torch: string | null;
  /** 1-minute load average when the bench started and ended: above ~0.3 the numbers are suspect. */
  loadAtStart: number;
  loadAtEnd?: number;
}

const TFJS_PACKAGES = [
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-layers',
  '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-backend-cpu',
];

function packageVersion(name: string): string | null {
  try {
    const require = createRequire(moduleFile());
    const manifest = JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version?: string };
    return manifest.version ?? null;
  } catch {
    return null;
  }
}

/** `model name` from /proc/cpuinfo where os.cpus() says only the vendor (as on these VMs). */
function cpuModel(): string {
  const fromOs = cpus()[0]?.model ?? 'unknown CPU';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((entry) => entry.startsWith('model name'));
    return line?.split(':')[1]?.trim() ?? fromOs;
  } catch {
    return fromOs;
  }
}

export function torchVersion(): string | null {
  const probe = spawnSync(SYSTEM_PYTHON, ['-c', 'import torch; print(torch.__version__)'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return probe.status === 0 ? probe.stdout.trim() : null;
}

export function describeMachine(): MachineInfo {
  const tfjs: Record<string, string> = {};
  for (const name of TFJS_PACKAGES) {
    const version = packageVersion(name);
    if (version !== null) tfjs[name.replace('@tensorflow/', '')] = version;
  }
  return {
    cpu: cpuModel(),
    cores: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    tfjs,
    torch: torchVersion(),
    loadAtStart: loadavg()[0] ?? 0,
  };
}

/** One line for under the table. */
export function machineLine(machine: MachineInfo): string {
  const tfjs = Object.entries(machine.tfjs)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ');
  const load = `load ${machine.loadAtStart.toFixed(2)}${machine.loadAtEnd === undefined ? '' : ` → ${machine.loadAtEnd.toFixed(2)}`}`;
  return `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB; Node ${machine.node}; ${tfjs}; PyTorch ${machine.torch ?? 'not installed'}; ${load}`;
}

/**
 * The cores' peak float32 FLOP/s at each thread count, measured with scripts/bench/peakFlops.c
 * (AVX-512 fused multiply-adds, built once here with the C compiler); empty without AVX-512 or a
 * compiler.
 */
export function measurePeakFlops(threadCounts: readonly number[]): Map<number, number> {
  const peaks = new Map<number, number>();
  const cpuinfo = (() => {
    try {
      return readFileSync('/proc/cpuinfo', 'utf8');
    } catch {
      return '';
    }
  })();
  if (!/\bavx512f\b/.test(cpuinfo)) return peaks;
  const folder = mkdtempSync(join(tmpdir(), 'medtransfer-peak-'));
  const binary = join(folder, 'peakFlops');
  try {
    const built = spawnSync('cc', ['-O2', '-mavx512f', '-fopenmp', join(__dirname, 'peakFlops.c'), '-o', binary]);
    if (built.status !== 0) return peaks;
    for (const threads of threadCounts) {
      const run = spawnSync(binary, [String(threads)], { encoding: 'utf8', timeout: 120_000 });
      const flops = Number(run.stdout.trim());
      if (run.status === 0 && Number.isFinite(flops) && flops > 0) peaks.set(threads, flops);
    }
    return peaks;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
