// One way the element-wise passes (activations, optimizer updates) share out their work: below a
// size one thread does it all (waking a second costs more than it saves on a busy machine, see
// README "Backends"), above it each thread takes one contiguous chunk.
#pragma once

#include <omp.h>

#include <algorithm>
#include <cstddef>

#include "context.h"

namespace medtransfer {

/** Runs `range(begin, end)` over [0, count): one thread below `parallelFrom` values, else one chunk per thread. */
template <typename Range>
void splitRange(size_t count, long parallelFrom, Range range) {
  const long n = static_cast<long>(count);
  const int threads = n < parallelFrom ? 1 : availableThreads();
  if (threads == 1) {
    range(0, n);
    return;
  }
#pragma omp parallel num_threads(threads)
  {
    const long chunk = (n + omp_get_num_threads() - 1) / omp_get_num_threads();
    const long begin = std::min(n, chunk * omp_get_thread_num());
    range(begin, std::min(n, begin + chunk));
  }
}

}  // namespace medtransfer
