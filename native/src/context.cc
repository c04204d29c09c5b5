#include "context.h"

#include <omp.h>

namespace medtransfer {

dnnl::engine& cpuEngine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

dnnl::stream& cpuStream() {
  static dnnl::stream stream(cpuEngine());
  return stream;
}

std::mutex& kernelMutex() {
  static std::mutex mutex;
  return mutex;
}

int availableThreads() {
  static const int threads = omp_get_max_threads();
  return threads;
}

}  // namespace medtransfer
