// What to do when @tensorflow/tfjs-node(-gpu) is installed but will not load. Its native addon
// links libtensorflow 2.9.1, which its install step downloads from storage.googleapis.com; the
// loader's error text tells the usual causes apart (messages as Node, glibc's dlopen and macOS's
// dyld word them; tfjs issues #3727, #8269, #8362, #2561).

/** TensorFlow's C library that tfjs-node 4.x downloads (its scripts/deps-constants.js). */
export const LIBTENSORFLOW_VERSION = '2.9.1';

const CUDA_LIBRARY =
  /\b(libcudart\.so[\d.]*|libcudnn\w*\.so[\d.]*|libcublas(?:Lt)?\.so[\d.]*|libcufft\.so[\d.]*|libcurand\.so[\d.]*|libcusolver\.so[\d.]*|libcusparse\.so[\d.]*|cudart64_\d+\.dll|cudnn64_\d+\.dll|cublas64_\d+\.dll)/;
const GLIBC = /version [`']GLIBC_([\d.]+)' not found/;
const GLIBCXX = /version [`']GLIBCXX_([\d.]+)' not found/;
const WRONG_ARCHITECTURE =
  /wrong ELF class|invalid ELF header|incompatible architecture|not a valid Win32 application|Exec format error/i;
/** glibc reports a library for another processor as "No such file" although the file is there. */
const ADDON_ITSELF_UNLOADABLE = /\.node: cannot open shared object file/;
const LIBTENSORFLOW = /libtensorflow(?:_framework)?[.\w]*|tensorflow\.dll/;
const ADDON_MISSING = /Cannot find module '[^']*tfjs_binding\.node'/;
const WINDOWS_DEPENDENCY_MISSING = /The specified module could not be found/;
const NODE_ABI = /compiled against a different Node\.js version|NODE_MODULE_VERSION/;

export interface Platform {
  platform: NodeJS.Platform;
  arch: string;
}

/** One or two sentences on the cause and the fix, or undefined for an error it does not recognise. */
export function nativeLoadAdvice(
  pkg: string,
  message: string,
  here: Platform = { platform: process.platform, arch: process.arch },
): string | undefined {
  const instead = 'or use webgpu or wasm';
  const cuda = CUDA_LIBRARY.exec(message);
  if (cuda) return cudaAdvice(pkg, cuda[1] ?? 'a CUDA library');
  const glibc = GLIBC.exec(message);
  if (glibc) {
    return (
      `This system's C library (glibc) is older than libtensorflow ${LIBTENSORFLOW_VERSION} ` +
      `needs (GLIBC_${glibc[1]}): run the trainer on a newer Linux (e.g. Ubuntu 20.04, Debian 11 or later), ${instead}.`
    );
  }
  const glibcxx = GLIBCXX.exec(message);
  if (glibcxx)
    return (
      `This system's C++ library (libstdc++) is older than libtensorflow ${LIBTENSORFLOW_VERSION} ` +
      `needs (GLIBCXX_${glibcxx[1]}): update libstdc++6, ${instead}.`
    );
  if (WRONG_ARCHITECTURE.test(message) || ADDON_ITSELF_UNLOADABLE.test(message)) {
    const builds = pkg.endsWith('-gpu') ? 'x64 Linux and Windows' : 'x64 Linux, macOS and Windows (and arm64 macOS)';
    return (
      `Its native files are for another processor or system than this Node (${here.platform}-${here.arch}): ` +
      `it was copied from another machine, or ${pkg} has no build here (it has ${builds}). ` +
      `Reinstall it on this machine, ${instead}.`
    );
  }
  if (LIBTENSORFLOW.test(message) || ADDON_MISSING.test(message) || WINDOWS_DEPENDENCY_MISSING.test(message)) {
    return (
      'Its install step downloads libtensorflow from storage.googleapis.com and did not finish ' +
      '(offline, behind a proxy, or installed with --ignore-scripts): ' +
      `run \`npm rebuild ${pkg}\` where the network allows, ${instead}.`
    );
  }
  if (NODE_ABI.test(message))
    return (
      'It was built for another version of Node.js than the one running the trainer: ' +
      `run \`npm rebuild ${pkg}\` with this Node, ${instead}.`
    );
  return undefined;
}

function cudaAdvice(pkg: string, library: string): string {
  return (
    `${library} is missing: ${pkg} runs libtensorflow ${LIBTENSORFLOW_VERSION}, built for CUDA 11.2 and cuDNN 8.1, ` +
    'and CUDA 12 does not provide the CUDA 11 libraries. ' +
    'Install the CUDA 11 runtime and cuDNN 8 beside it (e.g. NVIDIA’s cuda-cudart-11-8 and libcudnn8 packages) ' +
    'and put their folder on LD_LIBRARY_PATH, or use webgpu or wasm.'
  );
}

/**
 * When tfjs-node-gpu loads but TensorFlow registered no GPU: it opens CUDA's libraries only then, and only warns.
 */
export function noGpuDeviceAdvice(pkg: string): string {
  return (
    `${pkg} loaded, but TensorFlow found no usable GPU and would run on the CPU: ` +
    `libtensorflow ${LIBTENSORFLOW_VERSION} needs the CUDA 11.2 and cuDNN 8.1 libraries ` +
    "(TensorFlow's log above names the one it could not open, e.g. libcudart.so.11.0 on a CUDA 12 machine) " +
    'and an NVIDIA driver. ' +
    'Install the CUDA 11 runtime and cuDNN 8 and put their folder on LD_LIBRARY_PATH, or use webgpu or wasm.'
  );
}
