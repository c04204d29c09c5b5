// One way the element-wise passes (activations, optimizer updates, copies) share out their work: below a
// size one thread does it all (waking a second costs more than it saves on a busy machine, see
// README "Backends"), above it each thread takes one contiguous chunk.
#pragma once

#include <omp.h>

#include <algorithm>
#include <cstddef>

#include "context.h"

namespace medtransfer {

/**
 * Runs `range(begin, end)` over [0, count): on one thread unless `parallel`, else one contiguous
 * chunk per thread (no more threads than items).
 */
template <typename Range>
void splitRange(size_t count, bool parallel, Range range) {
  const int threads = parallel ? static_cast<int>(std::min<size_t>(availableThreads(), count)) : 1;
  if (threads <= 1) {
    range(size_t{0}, count);
    return;
  }
#pragma omp parallel num_threads(threads)
  {
    const size_t chunk = (count + omp_get_num_threads() - 1) / omp_get_num_threads();
    const size_t begin = std::min(count, chunk * omp_get_thread_num());
    range(begin, std::min(count, begin + chunk));
  }
}

}  // namespace medtransfer
