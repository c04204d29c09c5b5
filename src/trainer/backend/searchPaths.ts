// Where the trainer looks for the optional backend packages (@tensorflow/tfjs-node, -node-gpu,
// webgpu) besides its own folder: folders the user names (--backend-path, the extension's
// setting and its own install folder, MEDTRANSFER_BACKEND_PATHS), the experiment's workspace
// (node_modules in its folder or any folder above), and the global npm folder. `npm root -g`
// would say where the global folder is, but spawning npm costs about a second on every run, so
// it is derived the way npm derives it: from the prefix of the running Node, unless npm's
// `prefix` is configured (environment or ~/.npmrc), plus NODE_PATH.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';

/** Extra folders, separated like PATH (`:`, `;` on Windows). */
export const BACKEND_PATHS_ENV = 'MEDTRANSFER_BACKEND_PATHS';

export interface SearchPathInputs {
  /** Folders named with --backend-path, first; relative ones are taken from `cwd`. */
  given: readonly string[];
  /** The experiment file, whose folder and parents may hold a node_modules. */
  experimentFile?: string;
  env: Readonly<Record<string, string | undefined>>;
  /** The running Node (process.execPath). */
  execPath: string;
  platform: NodeJS.Platform;
  cwd: string;
  home: string;
  exists: (path: string) => boolean;
  /** Reads a small text file (~/.npmrc); undefined when it cannot. */
  readText: (path: string) => string | undefined;
}

/** backendSearchPaths for this process: its environment, Node, working folder and home. */
export function backendSearchPathsHere(given: readonly string[], experimentFile?: string): string[] {
  return backendSearchPaths({
    given,
    ...(experimentFile === undefined ? {} : { experimentFile }),
    env: process.env,
    execPath: process.execPath,
    platform: process.platform,
    cwd: process.cwd(),
    home: homedir(),
    exists: existsSync,
    readText: (path) => {
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return undefined;
      }
    },
  });
}

/** The folders to search, most specific first, each once, only those that exist. */
export function backendSearchPaths(inputs: SearchPathInputs): string[] {
  const { env, cwd } = inputs;
  const fromEnv = splitPathList(env[BACKEND_PATHS_ENV], inputs.platform);
  const candidates = [
    ...[...inputs.given, ...fromEnv].map((dir) => resolve(cwd, expandHome(dir, inputs.home))),
    ...(inputs.experimentFile === undefined
      ? []
      : workspaceNodeModules(dirname(resolve(cwd, inputs.experimentFile)), inputs.exists)),
    ...globalNodeModules(inputs),
  ];
  return [...new Set(candidates)].filter((dir) => inputs.exists(dir));
}

/** node_modules folders in `start` and every folder above it, nearest first. */
export function workspaceNodeModules(start: string, exists: (path: string) => boolean): string[] {
  const found: string[] = [];
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules');
    if (exists(candidate)) found.push(candidate);
    if (dirname(dir) === dir) return found;
  }
}

/** The global node_modules folders: npm's configured prefix, the running Node's prefix, NODE_PATH. */
export function globalNodeModules(
  inputs: Pick<SearchPathInputs, 'env' | 'execPath' | 'platform' | 'home' | 'readText'>,
): string[] {
  const prefixes = [configuredNpmPrefix(inputs), nodePrefix(inputs.execPath, inputs.platform)].filter(
    (prefix): prefix is string => prefix !== undefined,
  );
  return [
    ...prefixes.map((prefix) =>
      inputs.platform === 'win32' ? join(prefix, 'node_modules') : join(prefix, 'lib', 'node_modules'),
    ),
    ...splitPathList(inputs.env['NODE_PATH'], inputs.platform),
  ];
}

/**
 * Where npm installs global packages for this Node: <prefix>/lib/node_modules, <prefix> = the folder above bin/
 * (Windows: the folder of node.exe).
 */
function nodePrefix(execPath: string, platform: NodeJS.Platform): string {
  return platform === 'win32' ? dirname(execPath) : dirname(dirname(execPath));
}

/** npm's `prefix` setting: from the environment (npm_config_prefix, as npm sets it for scripts), else ~/.npmrc. */
function configuredNpmPrefix(inputs: Pick<SearchPathInputs, 'env' | 'home' | 'readText'>): string | undefined {
  const fromEnv = inputs.env['npm_config_prefix'] ?? inputs.env['NPM_CONFIG_PREFIX'];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return expandHome(fromEnv.trim(), inputs.home);
  const npmrc = inputs.readText(join(inputs.home, '.npmrc'));
  const line = npmrc?.split(/\r?\n/).find((text) => /^\s*prefix\s*=/.test(text));
  const value = line
    ?.replace(/^\s*prefix\s*=\s*/, '')
    .trim()
    .replace(/^["']|["']$/g, '');
  if (value === undefined || value === '') return undefined;
  const expanded = expandHome(value.replace(/\$\{HOME\}/g, inputs.home), inputs.home);
  return isAbsolute(expanded) ? expanded : undefined;
}

function splitPathList(value: string | undefined, platform: NodeJS.Platform): string[] {
  if (value === undefined) return [];
  return value
    .split(platform === 'win32' ? ';' : ':')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

function expandHome(path: string, home: string): string {
  return path === '~' ? home : path.startsWith('~/') ? join(home, path.slice(2)) : path;
}
