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

namespace {

__attribute__((target("avx"))) void zeroUpper() { __builtin_ia32_vzeroupper(); }

}  // namespace

void leaveVectorState() {
  static const bool avx = __builtin_cpu_supports("avx");
  if (avx) zeroUpper();
}

int availableThreads() {
  static const int threads = omp_get_max_threads();
  return threads;
}

}  // namespace medtransfer
