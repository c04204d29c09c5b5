// Runs the test files of one tier, or of both, with node's built-in runner (TypeScript through
// tsx): test/unit (pure and fast), then test/integration (real processes, training, Chromium).
// The end-to-end suite, test/e2e, has its own script (npm run test:e2e).
//   node scripts/run-tests.mjs [--tier=unit|integration] [substring…]
// A substring keeps the files whose path contains it (any of them, when several are given).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const TIERS = ['unit', 'integration'];
const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const tierArgs = args.filter((arg) => arg.startsWith('--tier='));
const patterns = args.filter((arg) => !arg.startsWith('--tier='));
const tiers = tierArgs.length === 0 ? TIERS : tierArgs.map((arg) => arg.slice('--tier='.length));
const unknown = tiers.filter((tier) => !TIERS.includes(tier));
if (unknown.length > 0) {
  console.error(`run-tests: unknown tier ${unknown.join(', ')} (the tiers are ${TIERS.join(', ')})`);
  process.exit(2);
}

function findTests(dir) {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return findTests(path);
    return entry.endsWith('.test.ts') ? [relative(root, path)] : [];
  });
}

// Unit files first, so that a broken module fails within the first minute.
const files = tiers.flatMap((tier) =>
  findTests(join(root, 'test', tier))
    .filter((file) => patterns.length === 0 || patterns.some((pattern) => file.includes(pattern)))
    .sort(),
);
if (files.length === 0) {
  // node --test without files would run every test file it finds.
  console.error(`run-tests: no test file in ${tiers.join(', ')} matches ${patterns.join(' or ')}`);
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--require', 'tsx/cjs', '--test', '--test-concurrency=2', ...files], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
