// oneDNN's batch normalisation with the activations as a rows × channels × 1 × 1 NHWC tensor: the
// same bytes as tfjs's channels-last tensor of any rank, and the layout oneDNN's JIT kernels take.
#include "batchNorm.h"

#include <omp.h>

#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "context.h"
#include "oneapi/dnnl/dnnl.hpp"

namespace medtransfer {
namespace {

using dnnl::memory;

// Below this many values (16 MB) a normalisation runs on one thread. It is bound by memory: on a
// quiet machine two threads were 1.5× faster (32768 × 64: 0.7 against 1.2 ms forward), but each
// of oneDNN's barriers waits for a descheduled thread on a busy one (load 5 on 2 cores: 14 to 28
// ms a call against 1.2 ms on one thread, and still 22 against 7.4 ms at 8 M values).
constexpr double kParallelValues = 1 << 22;
constexpr size_t kCacheLimit = 512;

struct PreparedNorm {
  memory::desc data, statistics, workspace;
  dnnl::batch_normalization_forward forward;
  dnnl::batch_normalization_backward backward;
  std::string forwardImplementation, backwardImplementation;
  int threads = 1;
};

// Keyed by rows, channels, ε's bits and whether a ReLU is fused.
std::map<std::tuple<int, int, int, bool>, std::unique_ptr<PreparedNorm>> cache;

void validate(const NormShape& s, float epsilon) {
  if (s.rows < 1 || s.channels < 1) throw std::runtime_error("batch norm: rows and channels must be >= 1");
  if (!(epsilon >= 0)) throw std::runtime_error("batch norm: epsilon must be >= 0");
}

std::unique_ptr<PreparedNorm> prepare(const NormShape& s, float epsilon, bool relu) {
  validate(s, epsilon);
  auto& engine = cpuEngine();
  auto p = std::make_unique<PreparedNorm>();
  p->threads = static_cast<double>(s.rows) * s.channels < kParallelValues ? 1 : availableThreads();
  // oneDNN splits the work for the threads there are when it builds a primitive.
  omp_set_num_threads(p->threads);
  p->data = memory::desc({s.rows, s.channels, 1, 1}, memory::data_type::f32, memory::format_tag::nhwc);
  p->statistics = memory::desc({s.channels}, memory::data_type::f32, memory::format_tag::x);
  const auto affine = dnnl::normalization_flags::use_scale | dnnl::normalization_flags::use_shift;
  const auto flags = relu ? affine | dnnl::normalization_flags::fuse_norm_relu : affine;
  const dnnl::batch_normalization_forward::primitive_desc forward(
      dnnl::batch_normalization_forward::desc(dnnl::prop_kind::forward_training, p->data, epsilon, flags), engine);
  const dnnl::batch_normalization_backward::primitive_desc backward(
      dnnl::batch_normalization_backward::desc(dnnl::prop_kind::backward, p->data, p->data, epsilon, flags), engine,
      forward);
  p->workspace = forward.workspace_desc();
  p->forward = dnnl::batch_normalization_forward(forward);
  p->backward = dnnl::batch_normalization_backward(backward);
  p->forwardImplementation = forward.impl_info_str();
  p->backwardImplementation = backward.impl_info_str();
  return p;
}

PreparedNorm& prepared(const NormShape& s, float epsilon, bool relu) {
  int epsilonBits;
  std::memcpy(&epsilonBits, &epsilon, sizeof epsilonBits);
  auto key = std::make_tuple(s.rows, s.channels, epsilonBits, relu);
  auto found = cache.find(key);
  if (found != cache.end()) return *found->second;
  if (cache.size() >= kCacheLimit) cache.clear();
  return *cache.emplace(key, prepare(s, epsilon, relu)).first->second;
}

template <typename T>
memory view(const memory::desc& desc, const T* data) {
  // oneDNN takes a void* for inputs too; it does not write to them.
  return memory(desc, cpuEngine(), const_cast<T*>(data));
}

template <typename Fn>
auto locked(Fn fn) -> decltype(fn()) {
  const std::lock_guard<std::mutex> lock(kernelMutex());
  try {
    return fn();
  } catch (const dnnl::error& error) {
    throw std::runtime_error(std::string("oneDNN: ") + error.what());
  }
}

}  // namespace

void batchNormForward(const NormShape& shape, float epsilon, const NormForwardBuffers& b) {
  locked([&] {
    PreparedNorm& p = prepared(shape, epsilon, b.workspace != nullptr);
    omp_set_num_threads(p.threads);
    std::unordered_map<int, memory> args{{DNNL_ARG_SRC, view(p.data, b.x)},
                                         {DNNL_ARG_DST, view(p.data, b.y)},
                                         {DNNL_ARG_SCALE, view(p.statistics, b.scale)},
                                         {DNNL_ARG_SHIFT, view(p.statistics, b.offset)},
                                         {DNNL_ARG_MEAN, view(p.statistics, b.mean)},
                                         {DNNL_ARG_VARIANCE, view(p.statistics, b.variance)}};
    if (b.workspace != nullptr) args.emplace(DNNL_ARG_WORKSPACE, view(p.workspace, b.workspace));
    p.forward.execute(cpuStream(), args);
    cpuStream().wait();
    leaveVectorState();
    return 0;
  });
}

void batchNormBackward(const NormShape& shape, float epsilon, const NormBackwardBuffers& b) {
  locked([&] {
    PreparedNorm& p = prepared(shape, epsilon, b.workspace != nullptr);
    omp_set_num_threads(p.threads);
    std::unordered_map<int, memory> args{{DNNL_ARG_SRC, view(p.data, b.x)},
                                         {DNNL_ARG_MEAN, view(p.statistics, b.mean)},
                                         {DNNL_ARG_VARIANCE, view(p.statistics, b.variance)},
                                         {DNNL_ARG_SCALE, view(p.statistics, b.scale)},
                                         {DNNL_ARG_SHIFT, view(p.statistics, b.offset)},
                                         {DNNL_ARG_DIFF_DST, view(p.data, b.dy)},
                                         {DNNL_ARG_DIFF_SRC, view(p.data, b.dx)},
                                         {DNNL_ARG_DIFF_SCALE, view(p.statistics, b.dscale)},
                                         {DNNL_ARG_DIFF_SHIFT, view(p.statistics, b.doffset)}};
    if (b.workspace != nullptr) args.emplace(DNNL_ARG_WORKSPACE, view(p.workspace, b.workspace));
    p.backward.execute(cpuStream(), args);
    cpuStream().wait();
    leaveVectorState();
    return 0;
  });
}

size_t batchNormReluWorkspaceBytes(const NormShape& shape, float epsilon) {
  return locked([&] { return prepared(shape, epsilon, true).workspace.get_size(); });
}

std::string batchNormImplementation(const NormShape& shape, float epsilon, bool backward, bool relu) {
  return locked([&] {
    PreparedNorm& p = prepared(shape, epsilon, relu);
    return backward ? p.backwardImplementation : p.forwardImplementation;
  });
}

}  // namespace medtransfer
