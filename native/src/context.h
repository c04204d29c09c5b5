// What every native kernel shares: oneDNN's CPU engine and stream, the lock that runs one kernel
// at a time, and the thread count of OpenMP's parallel regions.
#pragma once

#include <mutex>

#include "oneapi/dnnl/dnnl.hpp"

namespace medtransfer {

dnnl::engine& cpuEngine();

dnnl::stream& cpuStream();

/**
 * Node's worker threads share the loaded addon: one kernel at a time (cached primitives own
 * scratch buffers, the caches are not thread-safe, and all share one stream).
 */
std::mutex& kernelMutex();

/** OpenMP's thread count when the addon loaded (OMP_NUM_THREADS, else all cores). */
int availableThreads();

/**
 * Clears the upper halves of the vector registers (vzeroupper) where the CPU has AVX. oneDNN's
 * AVX-512 kernels leave them in use, and the SSE code that runs after them on the same thread
 * (V8's wasm and JavaScript, our own loops) then ran several times slower: a mobilenetv2 step at
 * 224 took 2.9 s where it takes 0.6 s with this after each kernel. Call before returning to Node.
 */
void leaveVectorState();

}  // namespace medtransfer
