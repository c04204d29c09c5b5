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
 * Clears the upper halves of the vector registers (vzeroupper) where the CPU has AVX, before
 * returning to Node after oneDNN's AVX-512 kernels: legacy SSE code that runs next on the same
 * thread (V8's, our own) can pay for them on every instruction. Our SSE ReLU loop ran 7x slower
 * in a training step than on its own (activation.cc); whether V8's code was slowed is not measured.
 */
void leaveVectorState();

}  // namespace medtransfer
