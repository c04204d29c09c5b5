// Where the tests find the repository, the built trainer and the recorded fixtures: named once,
// so that moving a test file changes no path inside it.
import { join } from 'node:path';

export const repoRoot = join(__dirname, '..', '..');
/** The bundled trainer CLI (`npm run build`). */
export const cliPath = join(repoRoot, 'dist', 'cli.js');
export const fixturesDir = join(repoRoot, 'test', 'fixtures');
