// `npm install` step: builds MedTransfer's native kernels (native/: a Node-API addon over oneDNN)
// with node-gyp where they can be built, and otherwise says in one line why not and succeeds:
// the trainer then runs on wasm (src/trainer/backend/native/nativeAddon.ts finds the addon).
// Needs a C++ compiler, oneDNN's headers and library (Debian: build-essential libdnnl-dev) and
// Node's headers, which must be on this machine: node-gyp would otherwise download them.
// MEDTRANSFER_NATIVE=0 skips the build.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const nativeDir = join(root, 'native');
const addon = join(nativeDir, 'build', 'Release', 'medtransfer_native.node');

function say(line) {
  process.stdout.write(`medtransfer: ${line}\n`);
}

function skip(reason) {
  say(`native kernels not built (${reason}); training uses wasm`);
  process.exit(0);
}

function commandWorks(command, args) {
  const result = spawnSync(command, args, { stdio: 'ignore' });
  return result.status === 0;
}

/** The folders a compiler searches by default, plus CPATH and DNNLROOT. */
function includeDirs() {
  const dirs = ['/usr/include', '/usr/local/include'];
  for (const entry of (process.env.CPATH ?? '').split(':')) if (entry !== '') dirs.push(entry);
  if (process.env.DNNLROOT) dirs.push(join(process.env.DNNLROOT, 'include'));
  return dirs;
}

/** node-gyp: the one npm runs install scripts with, else the one that ships inside npm. */
function nodeGyp() {
  const candidates = [process.env.npm_config_node_gyp];
  if (process.env.npm_execpath) {
    candidates.push(join(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  }
  candidates.push(
    join(
      dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
  );
  return candidates.find((candidate) => candidate !== undefined && candidate !== '' && existsSync(candidate));
}

/** Node's own headers: npm_config_nodedir, or those installed beside node (Debian's nodejs-dev, /usr/include/node). */
function nodeDir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  const prefix = join(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? prefix : undefined;
}

const switchValue = (process.env.MEDTRANSFER_NATIVE ?? '').trim().toLowerCase();
if (['0', 'false', 'off', 'no'].includes(switchValue)) skip(`MEDTRANSFER_NATIVE=${process.env.MEDTRANSFER_NATIVE}`);
if (process.platform !== 'linux') skip(`only built on Linux so far, this is ${process.platform}`);
if (!commandWorks(process.env.CXX ?? 'c++', ['--version'])) skip('no C++ compiler: install build-essential');
if (!includeDirs().some((dir) => existsSync(join(dir, 'oneapi', 'dnnl', 'dnnl.hpp')))) {
  skip('no oneDNN headers (oneapi/dnnl/dnnl.hpp): install libdnnl-dev');
}
const gyp = nodeGyp();
if (gyp === undefined) skip('node-gyp not found (it ships with npm)');
const headers = nodeDir();
if (headers === undefined) skip("Node's headers not found: set npm_config_nodedir");

const started = Date.now();
const result = spawnSync(process.execPath, [gyp, 'rebuild', `--nodedir=${headers}`], {
  cwd: nativeDir,
  encoding: 'utf8',
  env: { ...process.env, npm_config_nodedir: headers },
});
if (result.status !== 0 || !existsSync(addon)) {
  const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`;
  const errorLine =
    output
      .split('\n')
      .map((line) => line.trim())
      .find((line) => /error/i.test(line) && !line.startsWith('gyp ERR! stack')) ?? `exit code ${result.status}`;
  skip(`node-gyp failed: ${errorLine}`);
}
say(`native kernels built in ${((Date.now() - started) / 1000).toFixed(0)} s: ${addon}`);
