// `npm run package` step (from esbuild.config.mjs --production): puts the built native kernels in
// the .vsix, dist/native/medtransfer_native.node, with the shared libraries they need that a
// user's machine may lack (oneDNN's libdnnl.so.2 and what it links: the GNU OpenMP runtime and
// the OpenCL loader) in dist/native/lib/. The addon is linked with an RPATH of $ORIGIN/lib
// (native/binding.gyp), which the loader also uses for those libraries' own dependencies, so the
// packaged copy loads them from beside itself, never from the system. Without a built addon the
// package has no native/ and the trainer runs on wasm (it says so in run-started).
//   node scripts/native/bundleNative.mjs [--out DIR]   (default: dist/native)
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const ADDON = join(root, 'native', 'build', 'Release', 'medtransfer_native.node');
/** The libraries carried along: oneDNN and the runtimes it links that are not part of every Linux. */
const CARRIED = ['libdnnl.so.2', 'libgomp.so.1', 'libOpenCL.so.1'];

/** soname → path, as the dynamic loader resolves the addon's dependencies here. */
function resolvedLibraries(file) {
  const result = spawnSync('ldd', [file], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ldd ${file} failed: ${result.stderr || result.stdout}`);
  const libraries = new Map();
  for (const line of result.stdout.split('\n')) {
    const match = /^\s*(\S+) => (\S+) \(0x[0-9a-f]+\)$/.exec(line);
    if (match) libraries.set(match[1], match[2]);
    else if (/ => not found/.test(line)) throw new Error(`${file} needs ${line.trim()}`);
  }
  return libraries;
}

/** Copies the addon and its carried libraries into `out`; returns the files with their sizes. */
export function bundleNative(out) {
  rmSync(out, { recursive: true, force: true });
  if (!existsSync(ADDON)) return null;
  mkdirSync(join(out, 'lib'), { recursive: true });
  const copied = [join(out, basename(ADDON))];
  cpSync(ADDON, copied[0]);
  const libraries = resolvedLibraries(ADDON);
  for (const soname of CARRIED) {
    const path = libraries.get(soname);
    if (path === undefined) continue; // a build without OpenCL, say: nothing to carry
    // cpSync follows the symbolic link (libdnnl.so.2 → libdnnl.so.2.6): the file goes under its soname.
    const target = join(out, 'lib', soname);
    cpSync(path, target, { dereference: true });
    copied.push(target);
  }
  return copied.map((file) => ({ file, bytes: statSync(file).size }));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const at = process.argv.indexOf('--out');
  const out = at > 0 && process.argv[at + 1] ? process.argv[at + 1] : join(root, 'dist', 'native');
  const files = bundleNative(out);
  if (files === null) console.log('medtransfer: no native kernels built: the package trains on wasm');
  else {
    const megabytes = files.reduce((sum, { bytes }) => sum + bytes, 0) / 1e6;
    console.log(`medtransfer: native kernels packaged in ${out} (${files.length} files, ${megabytes.toFixed(1)} MB)`);
  }
}
