// Finds npm for the Node that runs the trainer, so packages are installed by the npm that came
// with it. Next to a Node set in `medtransfer.nodePath`, npm's own script (npm-cli.js) is run
// with that Node: no reliance on `#!/usr/bin/env node` finding the same Node, and no .cmd shim
// on Windows (which Node 20 only spawns through a shell). VS Code's own runtime has no npm, so
// then npm on PATH.
import { dirname, join } from 'node:path';

export interface NpmCommand {
  command: string;
  /** Arguments before npm's own (the npm-cli.js script when run through a Node). */
  args: string[];
  /** A Windows .cmd shim: must be started through the shell. */
  shell: boolean;
}

export interface NpmSearch {
  /** `medtransfer.nodePath`, '' when the trainer runs on VS Code's runtime. */
  nodePath: string;
  pathEnv: string | undefined;
  platform: NodeJS.Platform;
  exists: (path: string) => boolean;
}

export function findNpm({ nodePath, pathEnv, platform, exists }: NpmSearch): NpmCommand | undefined {
  const windows = platform === 'win32';
  if (nodePath !== '') {
    const nodeDir = dirname(nodePath);
    // Installers put npm in <prefix>/lib/node_modules/npm (POSIX) or <node dir>/node_modules/npm (Windows).
    const cli = windows
      ? join(nodeDir, 'node_modules', 'npm', 'bin', 'npm-cli.js')
      : join(nodeDir, '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
    if (exists(cli)) return { command: nodePath, args: [cli], shell: false };
    const beside = join(nodeDir, windows ? 'npm.cmd' : 'npm');
    if (exists(beside)) return { command: beside, args: [], shell: windows };
  }
  for (const dir of (pathEnv ?? '').split(windows ? ';' : ':').filter((part) => part !== '')) {
    if (windows) {
      const cli = join(dir, 'node_modules', 'npm', 'bin', 'npm-cli.js');
      const node = join(dir, 'node.exe');
      if (exists(cli) && exists(node)) return { command: node, args: [cli], shell: false };
      if (exists(join(dir, 'npm.cmd'))) return { command: join(dir, 'npm.cmd'), args: [], shell: true };
    } else if (exists(join(dir, 'npm'))) {
      return { command: join(dir, 'npm'), args: [], shell: false };
    }
  }
  return undefined;
}

/** npm's arguments for installing `packages` into `prefix` (its package.json keeps earlier installs). */
export function npmInstallArgs(prefix: string, packages: readonly string[]): string[] {
  // --save-exact (not --no-save): npm prunes what package.json does not list, so an unsaved
  // earlier install would be removed by the next one. --foreground-scripts: the libtensorflow
  // download's progress reaches the output as it happens.
  return [
    'install',
    '--save-exact',
    '--no-audit',
    '--no-fund',
    '--foreground-scripts',
    '--prefix',
    prefix,
    ...packages,
  ];
}

/** The command as a user could type it, for messages. */
export function npmCommandLine(prefix: string, packages: readonly string[]): string {
  return ['npm', ...npmInstallArgs(prefix, packages)]
    .map((part) => (/[\s"']/.test(part) ? `"${part}"` : part))
    .join(' ');
}
