// Activations stay in the caller's NHWC layout (they live on the wasm heap; reordering them each
// call would cost more than it saves), except in narrow convolutions (see narrowWidth). Filters are small: oneDNN picks its own layout for them
// (format_tag::any) and we reorder to and from TensorFlow's layout around each call, which lets
// it use its blocked JIT kernels instead of the slow reference ones a plain layout would get.
#include "convolution.h"

#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <mutex>
#include <memory>
#include <optional>
#include <stdexcept>
#include <vector>

#include "context.h"
#include "oneapi/dnnl/dnnl.hpp"

namespace medtransfer {
namespace {

using dnnl::memory;
using tag = memory::format_tag;

struct Prepared {
  memory::desc src, userWeights, dst, bias;
  memory::desc weights;  // the primitive's choice
  dnnl::primitive primitive;
  std::optional<dnnl::reorder> toPrimitive;  // user → primitive weights (forward, backwardData)
  std::optional<dnnl::reorder> toUser;       // primitive → user weights (backwardWeights)
  // The filter in the primitive's layout. Forward and input-gradient passes keep the filters they
  // reordered by weightsKey (0: not known): one, and up to four where keys come back after being
  // replaced (layers of one shape share this primitive: resnet18's layer1 runs four 64-channel
  // 3×3 convolutions in turn, batch after batch in inference). In training every step brings new
  // filters, no key comes back, and one copy is all it holds.
  struct Reordered {
    double key = 0;
    uint64_t lastUse = 0;
    memory weights;
  };
  std::vector<Reordered> reordered;
  std::vector<double> replacedKeys;  // the last few keys whose filter was reordered over
  // Narrow convolutions: the primitive's activation layout (blocked) and the reorders between it
  // and the caller's NHWC buffers, for what the pass reads (in) and writes (out).
  memory::desc primitiveSrc, primitiveDst;
  memory blockedSrc, blockedDst;
  std::optional<dnnl::reorder> srcIn, dstIn, srcOut, dstOut;
  uint64_t uses = 0;
  std::string implementation;
  int threads = 1;
};

// Caching by shape: a model has a few dozen distinct convolutions, each seen every step. The cap
// only guards against a caller that varies shapes without end.
constexpr size_t kCacheLimit = 512;

// Below this many floating-point operations a convolution runs on one thread. An OpenMP region
// costs a wake-up and a barrier; on a busy machine (other processes on the cores) the barrier
// waits a scheduler time slice for a descheduled thread, which made a small model's step 5×
// slower than on one thread (load 10 on 2 cores: 533 against 52 ms a step).
constexpr double kParallelFlops = 3e7;

int threadsFor(const ConvShape& s) {
  const double flops = 2.0 * s.batch * s.outHeight * s.outWidth * s.outChannels * s.filterHeight * s.filterWidth *
                       (static_cast<double>(s.inChannels) / s.groups);
  return flops < kParallelFlops ? 1 : availableThreads();
}
std::map<std::vector<int>, std::unique_ptr<Prepared>> cache;

// oneDNN's NHWC kernels (brgconv forward, jit input gradient) take one row of the output (of the
// input, for the input gradient) at a time against the whole filter: where rows are a few pixels
// and the filter is megabytes (resnet18's last stage: 4×4 pixels, 512×512×3×3 = 9.4 MB, beyond the
// cores' caches) the filter streams from memory once per 4 pixels. Its blocked-layout kernels
// (nChw16c) loop the other way round. Measured on that stage (batch 32): forward 22.8 → 13.7 ms on
// one thread, 13.2 → 8.7 on two; input gradient 18.1 → 12.5 and 9.9 → 8.0; the activation reorders
// (small at 4×4) included. With a 2.4 MB filter (256 channels) or rows of 8 pixels NHWC was as fast
// or faster, and the filter gradient was no faster blocked. So: forward and input-gradient passes
// with rows this narrow or narrower and a filter of at least kLargeFilter values run blocked.
int narrowWidth = 4;
constexpr double kLargeFilter = 1 << 20;

bool runsBlocked(ConvPass pass, const ConvShape& s) {
  if (pass == ConvPass::backwardWeights || s.groups != 1) return false;
  const int rowWidth = pass == ConvPass::backwardData ? s.inWidth : s.outWidth;
  const double filterValues = static_cast<double>(s.filterHeight) * s.filterWidth * s.inChannels * s.outChannels;
  return rowWidth <= narrowWidth && filterValues >= kLargeFilter && threadsFor(s) > 1;
}

// Winograd F(4×4, 3×3) (oneDNN's jit_wino_4x3, on its blocked layouts) does a 3×3 convolution's
// multiplications on 4×4 output tiles in 2.25× fewer multiply-adds than the direct one. Measured on
// resnet18's 3×3 convolutions (batch 32, one thread, the activation and filter reorders included):
// forward 12.7 → 8.1 ms at 64 channels and 32 px, 11.0 → 6.5 at 128 and 16 px, 9.8 → 6.0 at 256 and
// 8 px, and as much back (input gradient 14.4 → 8.0, filter gradient 13.0 → 11.5 at 64 channels).
// It lost below 64 channels (densenet's 128 → 32 growth convolutions, the seed CNN's 1 → 32 and 32 → 64)
// and on few tiles (batch 8 at 7 px). Its sums differ from the direct ones by rounding (the transforms
// add and subtract; relative 1e-6 to 1e-5 here): tolerances in the tests cover it, and where exact
// agreement with PyTorch's direct convolutions matters, winogradConvolutions(false) turns it off.
bool winogradEnabled = true;
constexpr int kWinogradChannels = 64;
constexpr double kWinogradPixels = 512;  // output pixels over the batch

bool suitsWinograd(const ConvShape& s) {
  return winogradEnabled && s.groups == 1 && s.filterHeight == 3 && s.filterWidth == 3 && s.strideHeight == 1 &&
         s.strideWidth == 1 && s.dilationHeight == 1 && s.dilationWidth == 1 && s.inChannels >= kWinogradChannels &&
         s.outChannels >= kWinogradChannels && s.outHeight >= 4 && s.outWidth >= 4 &&
         static_cast<double>(s.batch) * s.outHeight * s.outWidth >= kWinogradPixels && threadsFor(s) > 1;
}

memory::desc activationDesc(int n, int c, int h, int w) {
  return memory::desc({n, c, h, w}, memory::data_type::f32, tag::nhwc);
}

memory::desc userWeightsDesc(const ConvShape& s) {
  if (s.groups == 1) {
    return memory::desc({s.outChannels, s.inChannels, s.filterHeight, s.filterWidth}, memory::data_type::f32, tag::hwio);
  }
  return memory::desc({s.groups, s.outChannels / s.groups, s.inChannels / s.groups, s.filterHeight, s.filterWidth},
                      memory::data_type::f32, tag::hwigo);
}

memory::desc anyWeightsDesc(const ConvShape& s) {
  if (s.groups == 1) {
    return memory::desc({s.outChannels, s.inChannels, s.filterHeight, s.filterWidth}, memory::data_type::f32, tag::any);
  }
  return memory::desc({s.groups, s.outChannels / s.groups, s.inChannels / s.groups, s.filterHeight, s.filterWidth},
                      memory::data_type::f32, tag::any);
}

void validate(const ConvShape& s) {
  const int dims[] = {s.batch,       s.inHeight,     s.inWidth,       s.inChannels,   s.filterHeight,
                      s.filterWidth, s.outChannels,  s.outHeight,     s.outWidth,     s.strideHeight,
                      s.strideWidth, s.dilationHeight, s.dilationWidth, s.groups};
  for (int d : dims) {
    if (d < 1) throw std::runtime_error("convolution: every size, stride, dilation and group count must be >= 1");
  }
  if (s.inChannels % s.groups != 0 || s.outChannels % s.groups != 0) {
    throw std::runtime_error("convolution: channels must divide by the group count");
  }
  if (s.groups != 1 && s.groups != s.inChannels) {
    throw std::runtime_error("convolution: groups must be 1 or the input channels (depthwise)");
  }
  const auto expected = [](int in, int before, int after, int filter, int dilation, int stride) {
    const int reach = (filter - 1) * dilation + 1;
    return (in + before + after - reach) / stride + 1;
  };
  if (expected(s.inHeight, s.padTop, s.padBottom, s.filterHeight, s.dilationHeight, s.strideHeight) != s.outHeight ||
      expected(s.inWidth, s.padLeft, s.padRight, s.filterWidth, s.dilationWidth, s.strideWidth) != s.outWidth) {
    throw std::runtime_error("convolution: the output size does not follow from input, filter, strides and padding");
  }
}

dnnl::primitive_attr epilogueAttr(const ConvEpilogue& e) {
  dnnl::primitive_attr attr;
  dnnl::post_ops ops;
  switch (e.activation) {
    case Activation::linear:
      break;
    case Activation::relu:
      ops.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, 0.f, 0.f);
      break;
    case Activation::relu6:
      ops.append_eltwise(1.f, dnnl::algorithm::eltwise_clip, 0.f, 6.f);
      break;
    case Activation::leakyRelu:
      ops.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, e.alpha, 0.f);
      break;
    case Activation::elu:
      ops.append_eltwise(1.f, dnnl::algorithm::eltwise_elu, 1.f, 0.f);
      break;
    case Activation::sigmoid:
      ops.append_eltwise(1.f, dnnl::algorithm::eltwise_logistic, 0.f, 0.f);
      break;
    default:
      throw std::runtime_error("convolution: unknown activation");
  }
  attr.set_post_ops(ops);
  return attr;
}

std::vector<int> cacheKey(ConvPass pass, const ConvShape& s, bool hasBias, const ConvEpilogue& e) {
  int alphaBits;
  std::memcpy(&alphaBits, &e.alpha, sizeof alphaBits);
  return {static_cast<int>(pass), s.batch, s.inHeight, s.inWidth, s.inChannels, s.filterHeight, s.filterWidth,
          s.outChannels, s.outHeight, s.outWidth, s.strideHeight, s.strideWidth, s.dilationHeight, s.dilationWidth,
          s.padTop, s.padLeft, s.padBottom, s.padRight, s.groups, hasBias ? 1 : 0,
          static_cast<int>(e.activation), alphaBits};
}

// Where the primitive chose a layout other than the caller's NHWC: a buffer in its layout and the
// reorder into it (what the pass reads: forward src, backward diff_dst, the filter gradient's src)
// or out of it (what it writes: forward dst, the input gradient's diff_src).
void addActivationReorders(ConvPass pass, Prepared& p) {
  auto& engine = cpuEngine();
  if (p.primitiveSrc != p.src) {
    p.blockedSrc = memory(p.primitiveSrc, engine);
    if (pass == ConvPass::backwardData) {
      p.srcOut.emplace(dnnl::reorder::primitive_desc(engine, p.primitiveSrc, engine, p.src));
    } else {
      p.srcIn.emplace(dnnl::reorder::primitive_desc(engine, p.src, engine, p.primitiveSrc));
    }
  }
  if (p.primitiveDst != p.dst) {
    p.blockedDst = memory(p.primitiveDst, engine);
    if (pass == ConvPass::forward) {
      p.dstOut.emplace(dnnl::reorder::primitive_desc(engine, p.primitiveDst, engine, p.dst));
    } else {
      p.dstIn.emplace(dnnl::reorder::primitive_desc(engine, p.dst, engine, p.primitiveDst));
    }
  }
  if (p.primitiveSrc != p.src || p.primitiveDst != p.dst) p.implementation += " (blocked activations)";
}

std::unique_ptr<Prepared> prepare(ConvPass pass, const ConvShape& s, bool hasBias, const ConvEpilogue& e) {
  validate(s);
  auto& engine = cpuEngine();
  auto p = std::make_unique<Prepared>();
  // oneDNN splits the work for the threads there are when it builds a primitive: build with the
  // count it will run with.
  p->threads = threadsFor(s);
  omp_set_num_threads(p->threads);
  p->src = activationDesc(s.batch, s.inChannels, s.inHeight, s.inWidth);
  p->dst = activationDesc(s.batch, s.outChannels, s.outHeight, s.outWidth);
  p->userWeights = userWeightsDesc(s);
  p->bias = hasBias ? memory::desc({s.outChannels}, memory::data_type::f32, tag::x) : memory::desc();
  const memory::dims strides = {s.strideHeight, s.strideWidth};
  // oneDNN counts dilation as the gap between taps (0 = dense); tfjs as the step (1 = dense).
  const memory::dims dilations = {s.dilationHeight - 1, s.dilationWidth - 1};
  const memory::dims padBefore = {s.padTop, s.padLeft};
  const memory::dims padAfter = {s.padBottom, s.padRight};
  const auto anyWeights = anyWeightsDesc(s);
  // Builds the pass's primitive with an algorithm, on NHWC or on the layout oneDNN prefers (blocked).
  const auto build = [&](dnnl::algorithm algorithm, bool blocked) {
    const auto anyActivation = [&](const memory::desc& user) {
      return blocked ? memory::desc(user.dims(), memory::data_type::f32, tag::any) : user;
    };
    const auto src = anyActivation(p->src);
    const auto dst = anyActivation(p->dst);
    const dnnl::convolution_forward::desc forwardDesc(dnnl::prop_kind::forward_training, algorithm, src, anyWeights,
                                                      p->bias, dst, strides, dilations, padBefore, padAfter);
    const dnnl::convolution_forward::primitive_desc forward(
        forwardDesc, pass == ConvPass::forward ? epilogueAttr(e) : dnnl::primitive_attr(), engine);
    switch (pass) {
      case ConvPass::forward:
        p->weights = forward.weights_desc();
        p->primitiveSrc = forward.src_desc();
        p->primitiveDst = forward.dst_desc();
        p->primitive = dnnl::convolution_forward(forward);
        p->implementation = forward.impl_info_str();
        break;
      case ConvPass::backwardData: {
        const dnnl::convolution_backward_data::desc desc(algorithm, src, anyWeights, dst, strides, dilations,
                                                         padBefore, padAfter);
        const dnnl::convolution_backward_data::primitive_desc pd(desc, engine, forward);
        p->weights = pd.weights_desc();
        p->primitiveSrc = pd.diff_src_desc();
        p->primitiveDst = pd.diff_dst_desc();
        p->primitive = dnnl::convolution_backward_data(pd);
        p->implementation = pd.impl_info_str();
        break;
      }
      case ConvPass::backwardWeights: {
        const dnnl::convolution_backward_weights::desc desc(algorithm, src, anyWeights, dst, strides, dilations,
                                                            padBefore, padAfter);
        const dnnl::convolution_backward_weights::primitive_desc pd(desc, engine, forward);
        p->weights = pd.diff_weights_desc();
        p->primitiveSrc = pd.src_desc();
        p->primitiveDst = pd.diff_dst_desc();
        p->primitive = dnnl::convolution_backward_weights(pd);
        p->implementation = pd.impl_info_str();
        break;
      }
    }
  };
  bool built = false;
  if (suitsWinograd(s)) {
    try {
      build(dnnl::algorithm::convolution_winograd, true);
      built = true;
    } catch (const dnnl::error&) {
      // No Winograd kernel for this shape, ISA or epilogue: the direct one below.
    }
  }
  if (!built) build(dnnl::algorithm::convolution_direct, runsBlocked(pass, s));
  addActivationReorders(pass, *p);
  if (p->weights != p->userWeights) {
    p->reordered.push_back({0, 0, memory(p->weights, engine)});
    if (pass == ConvPass::backwardWeights) {
      p->toUser.emplace(dnnl::reorder::primitive_desc(engine, p->weights, engine, p->userWeights));
    } else {
      p->toPrimitive.emplace(dnnl::reorder::primitive_desc(engine, p->userWeights, engine, p->weights));
    }
  }
  return p;
}

Prepared& prepared(ConvPass pass, const ConvShape& s, bool hasBias, const ConvEpilogue& e) {
  auto key = cacheKey(pass, s, hasBias, e);
  auto found = cache.find(key);
  if (found != cache.end()) return *found->second;
  if (cache.size() >= kCacheLimit) cache.clear();
  auto inserted = cache.emplace(std::move(key), prepare(pass, s, hasBias, e));
  return *inserted.first->second;
}

// Filters a primitive keeps reordered, at most: enough for the layers of one shape in the
// torchvision backbones (four), a bounded copy of the weights beside them.
constexpr size_t kReorderedFilters = 4;
// Replaced keys remembered, to see a key come back.
constexpr size_t kReplacedKeys = 8;

// The primitive's filter memory for this call: for backwardWeights its output buffer; otherwise the
// user's filter reordered into it, or found already reordered under `key`.
memory& reorderedFilter(Prepared& p, memory& userWeights, double key) {
  p.uses++;
  if (!p.toPrimitive) return p.reordered.front().weights;
  if (key != 0) {
    for (auto& entry : p.reordered) {
      if (entry.key == key) {
        entry.lastUse = p.uses;
        return entry.weights;
      }
    }
  }
  auto* slot = &p.reordered.front();
  const bool cameBack =
      key != 0 && std::find(p.replacedKeys.begin(), p.replacedKeys.end(), key) != p.replacedKeys.end();
  if (cameBack && p.reordered.size() < kReorderedFilters) {
    p.reordered.push_back({0, 0, memory(p.weights, cpuEngine())});
    slot = &p.reordered.back();
  } else {
    for (auto& entry : p.reordered) {
      if (entry.lastUse < slot->lastUse) slot = &entry;
    }
  }
  if (slot->key != 0) {
    p.replacedKeys.push_back(slot->key);
    if (p.replacedKeys.size() > kReplacedKeys) p.replacedKeys.erase(p.replacedKeys.begin());
  }
  slot->key = 0;  // not valid while the reorder runs (an error leaves it unknown)
  p.toPrimitive->execute(cpuStream(), userWeights, slot->weights);
  slot->key = key;
  slot->lastUse = p.uses;
  return slot->weights;
}

void execute(ConvPass pass, Prepared& p, const ConvBuffers& b) {
  omp_set_num_threads(p.threads);
  auto& engine = cpuEngine();
  auto& stream = cpuStream();
  memory userSrc(p.src, engine, b.src);
  memory userDst(p.dst, engine, b.dst);
  memory& src = p.primitiveSrc == p.src ? userSrc : p.blockedSrc;
  memory& dst = p.primitiveDst == p.dst ? userDst : p.blockedDst;
  if (p.srcIn) p.srcIn->execute(stream, userSrc, src);
  if (p.dstIn) p.dstIn->execute(stream, userDst, dst);
  memory userWeights(p.userWeights, engine, b.weights);
  memory& weights = p.reordered.empty() ? userWeights : reorderedFilter(p, userWeights, b.weightsKey);
  switch (pass) {
    case ConvPass::forward: {
      std::unordered_map<int, memory> args = {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, weights}, {DNNL_ARG_DST, dst}};
      if (b.bias != nullptr) args.emplace(DNNL_ARG_BIAS, memory(p.bias, engine, const_cast<float*>(b.bias)));
      p.primitive.execute(stream, args);
      break;
    }
    case ConvPass::backwardData:
      p.primitive.execute(stream, {{DNNL_ARG_DIFF_DST, dst}, {DNNL_ARG_WEIGHTS, weights}, {DNNL_ARG_DIFF_SRC, src}});
      break;
    case ConvPass::backwardWeights:
      p.primitive.execute(stream, {{DNNL_ARG_SRC, src}, {DNNL_ARG_DIFF_DST, dst}, {DNNL_ARG_DIFF_WEIGHTS, weights}});
      break;
  }
  if (p.toUser) p.toUser->execute(stream, weights, userWeights);
  if (p.srcOut) p.srcOut->execute(stream, src, userSrc);
  if (p.dstOut) p.dstOut->execute(stream, dst, userDst);
  stream.wait();
}

template <typename Fn>
auto translatingErrors(Fn fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const dnnl::error& error) {
    throw std::runtime_error(std::string("oneDNN: ") + error.what());
  }
}

}  // namespace

void runConvolution(ConvPass pass, const ConvShape& shape, const ConvBuffers& buffers, const ConvEpilogue& epilogue) {
  const std::lock_guard<std::mutex> lock(kernelMutex());
  translatingErrors([&] {
    const bool hasBias = pass == ConvPass::forward && buffers.bias != nullptr;
    execute(pass, prepared(pass, shape, hasBias, epilogue), buffers);
    leaveVectorState();
    return 0;
  });
}

std::string convolutionImplementation(ConvPass pass, const ConvShape& shape, bool hasBias,
                                      const ConvEpilogue& epilogue) {
  const std::lock_guard<std::mutex> lock(kernelMutex());
  return translatingErrors([&] { return prepared(pass, shape, hasBias, epilogue).implementation; });
}

int parallelThreads() { return availableThreads(); }

bool winogradConvolutions(int enabled) {
  const std::lock_guard<std::mutex> lock(kernelMutex());
  const bool previous = winogradEnabled;
  if (enabled >= 0 && (enabled != 0) != winogradEnabled) {
    winogradEnabled = enabled != 0;
    cache.clear();
  }
  return previous;
}

int narrowConvolutionWidth(int width) {
  const std::lock_guard<std::mutex> lock(kernelMutex());
  const int previous = narrowWidth;
  if (width >= 0 && width != narrowWidth) {
    narrowWidth = width;
    cache.clear();
  }
  return previous;
}

size_t cachedConvolutions() {
  const std::lock_guard<std::mutex> lock(kernelMutex());
  return cache.size();
}

}  // namespace medtransfer
