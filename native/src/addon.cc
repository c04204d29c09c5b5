// The Node-API surface of the native kernels. Tensors arrive as Float32Arrays that view the wasm
// heap (no copies); their lengths are checked against the shape before oneDNN touches them.
#include <node_api.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "activation.h"
#include "batchNorm.h"
#include "convolution.h"
#include "channels.h"
#include "copy.h"
#include "finite.h"
#include "optimizer.h"
#include "pooling.h"
#include "oneapi/dnnl/dnnl.hpp"

namespace {

using medtransfer::Activation;
using medtransfer::ConvBuffers;
using medtransfer::ConvEpilogue;
using medtransfer::ConvPass;
using medtransfer::ConvShape;
using medtransfer::NormShape;
using medtransfer::PoolShape;

constexpr size_t kShapeFields = 18;
constexpr size_t kPoolShapeFields = 12;

struct JsError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void check(napi_env env, napi_status status, const char* what) {
  if (status != napi_ok) throw JsError(std::string("medtransfer native: ") + what);
}

template <size_t N>
void arguments(napi_env env, napi_callback_info info, napi_value (&argv)[N], size_t required = N) {
  size_t argc = N;
  // Arguments past those given read as undefined.
  check(env, napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr), "cannot read the arguments");
  if (argc < required) throw JsError("medtransfer native: expected " + std::to_string(required) + " arguments");
}

int32_t intArg(napi_env env, napi_value value, const char* name) {
  int32_t result;
  if (napi_get_value_int32(env, value, &result) != napi_ok) throw JsError(std::string(name) + " must be a number");
  return result;
}

double numberArg(napi_env env, napi_value value, const char* name) {
  double result;
  if (napi_get_value_double(env, value, &result) != napi_ok) throw JsError(std::string(name) + " must be a number");
  return result;
}

template <typename T>
T* typedArray(napi_env env, napi_value value, napi_typedarray_type expected, size_t minLength, const char* name) {
  bool isTyped = false;
  check(env, napi_is_typedarray(env, value, &isTyped), "cannot inspect an argument");
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  if (isTyped) check(env, napi_get_typedarray_info(env, value, &type, &length, &data, nullptr, nullptr), name);
  if (!isTyped || type != expected) throw JsError(std::string(name) + " has the wrong array type");
  if (length < minLength) {
    throw JsError(std::string(name) + " holds " + std::to_string(length) + " values, the shape needs " +
                  std::to_string(minLength));
  }
  return static_cast<T*>(data);
}

bool isNullish(napi_env env, napi_value value) {
  napi_valuetype type;
  check(env, napi_typeof(env, value, &type), "cannot inspect an argument");
  return type == napi_null || type == napi_undefined;
}

ConvShape shapeArg(napi_env env, napi_value value) {
  const int32_t* f = typedArray<int32_t>(env, value, napi_int32_array, kShapeFields, "shape");
  return ConvShape{f[0], f[1], f[2],  f[3],  f[4],  f[5],  f[6],  f[7],  f[8],
                   f[9], f[10], f[11], f[12], f[13], f[14], f[15], f[16], f[17]};
}

ConvPass passArg(napi_env env, napi_value value) {
  const int32_t pass = intArg(env, value, "pass");
  if (pass < 0 || pass > 2) throw JsError("pass must be 0 (forward), 1 (input gradient) or 2 (filter gradient)");
  return static_cast<ConvPass>(pass);
}

ConvEpilogue epilogueArgs(napi_env env, napi_value activation, napi_value alpha) {
  const int32_t code = intArg(env, activation, "activation");
  if (code < 0 || code > 5) throw JsError("activation must be a code from 0 to 5");
  return ConvEpilogue{static_cast<Activation>(code), static_cast<float>(numberArg(env, alpha, "alpha"))};
}

size_t product(std::initializer_list<int> sizes) {
  size_t result = 1;
  for (int size : sizes) result *= static_cast<size_t>(size < 0 ? 0 : size);
  return result;
}

template <typename Fn>
napi_value guarded(napi_env env, Fn fn) {
  try {
    return fn();
  } catch (const std::exception& error) {
    napi_throw_error(env, nullptr, error.what());
    return nullptr;
  }
}

// convolution(pass, shape: Int32Array(18), src, weights, dst, bias | null, activation, alpha[, weightsKey])
napi_value Convolution(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value argv[9];
    arguments(env, info, argv, 8);
    const ConvPass pass = passArg(env, argv[0]);
    const ConvShape s = shapeArg(env, argv[1]);
    const size_t srcSize = product({s.batch, s.inHeight, s.inWidth, s.inChannels});
    const size_t weightsSize = product({s.filterHeight, s.filterWidth, s.inChannels / (s.groups < 1 ? 1 : s.groups),
                                        s.outChannels});
    const size_t dstSize = product({s.batch, s.outHeight, s.outWidth, s.outChannels});
    ConvBuffers buffers{typedArray<float>(env, argv[2], napi_float32_array, srcSize, "src"),
                        typedArray<float>(env, argv[3], napi_float32_array, weightsSize, "weights"),
                        typedArray<float>(env, argv[4], napi_float32_array, dstSize, "dst"), nullptr};
    if (!isNullish(env, argv[5])) {
      buffers.bias = typedArray<float>(env, argv[5], napi_float32_array, static_cast<size_t>(s.outChannels), "bias");
    }
    if (!isNullish(env, argv[8])) buffers.weightsKey = numberArg(env, argv[8], "weightsKey");
    medtransfer::runConvolution(pass, s, buffers, epilogueArgs(env, argv[6], argv[7]));
    return nullptr;
  });
}

// implementation(pass, shape, hasBias, activation, alpha): oneDNN's kernel name, e.g. "brg:avx512_core".
napi_value Implementation(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value argv[5];
    arguments(env, info, argv);
    bool hasBias = false;
    check(env, napi_get_value_bool(env, argv[2], &hasBias), "hasBias must be a boolean");
    const std::string name = medtransfer::convolutionImplementation(passArg(env, argv[0]), shapeArg(env, argv[1]),
                                                                    hasBias, epilogueArgs(env, argv[3], argv[4]));
    napi_value result;
    check(env, napi_create_string_utf8(env, name.c_str(), name.size(), &result), "cannot make a string");
    return result;
  });
}

// narrowConvolutionWidth(width?): the blocked-layout width of the convolutions (see convolution.h),
// set when a width ≥ 0 is given; returns the width before the call.
napi_value NarrowConvolutionWidth(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value argv[1];
    arguments(env, info, argv, 0);
    const int width = isNullish(env, argv[0]) ? -1 : intArg(env, argv[0], "width");
    napi_value result;
    check(env, napi_create_int32(env, medtransfer::narrowConvolutionWidth(width), &result), "cannot make a number");
    return result;
  });
}

// winogradConvolutions(enabled?): whether 3×3 convolutions may run Winograd (see convolution.h),
// set when a boolean is given; returns the setting before the call.
napi_value WinogradConvolutions(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value argv[1];
    arguments(env, info, argv, 0);
    int enabled = -1;
    if (!isNullish(env, argv[0])) {
      bool value = false;
      check(env, napi_get_value_bool(env, argv[0], &value), "enabled must be a boolean");
      enabled = value ? 1 : 0;
    }
    napi_value result;
    check(env, napi_get_boolean(env, medtransfer::winogradConvolutions(enabled), &result), "cannot make a boolean");
    return result;
  });
}

NormShape normShapeArg(napi_env env, napi_value rows, napi_value channels) {
  return NormShape{intArg(env, rows, "rows"), intArg(env, channels, "channels")};
}

float epsilonArg(napi_env env, napi_value value) { return static_cast<float>(numberArg(env, value, "epsilon")); }

// The forward pass's arrays at argv[3..8]: x, scale, offset, y, mean, variance.
medtransfer::NormForwardBuffers normForwardBuffers(napi_env env, const napi_value* argv, const NormShape& s) {
  const size_t values = product({s.rows, s.channels});
  const size_t channels = product({s.channels});
  const auto array = [&](int index, size_t length, const char* name) {
    return typedArray<float>(env, argv[index], napi_float32_array, length, name);
  };
  return {array(3, values, "x"), array(4, channels, "scale"), array(5, channels, "offset"),
          array(6, values, "y"), array(7, channels, "mean"),  array(8, channels, "variance")};
}

// The backward pass's arrays: x, mean, variance, scale, offset at argv[3..7], then dy, dx, dscale,
// doffset from argv[gradients].
medtransfer::NormBackwardBuffers normBackwardBuffers(napi_env env, const napi_value* argv, const NormShape& s,
                                                     int gradients) {
  const size_t values = product({s.rows, s.channels});
  const size_t channels = product({s.channels});
  const auto array = [&](int index, size_t length, const char* name) {
    return typedArray<float>(env, argv[index], napi_float32_array, length, name);
  };
  return {array(3, values, "x"),
          array(4, channels, "mean"),
          array(5, channels, "variance"),
          array(6, channels, "scale"),
          array(7, channels, "offset"),
          array(gradients, values, "dy"),
          array(gradients + 1, values, "dx"),
          array(gradients + 2, channels, "dscale"),
          array(gradients + 3, channels, "doffset")};
}

// batchNormForward(rows, channels, epsilon, x, scale, offset, y, mean, variance)
napi_value BatchNormForward(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value argv[9];
    arguments(env, info, argv);
    const NormShape s = normShapeArg(env, argv[0], argv[1]);
    medtransfer::batchNormForward(s, epsilonArg(env, argv[2]), normForwardBuffers(env, argv, s));
    return nullptr;
  });
}

// batchNormBackward(rows, channels, epsilon, x, mean, variance, scale, offset, dy, dx, dscale, doffset)
napi_value BatchNormBackward(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value argv[12];
    arguments(env, info, argv);
    const NormShape s = normShapeArg(env, argv[0], argv[1]);
    medtransfer::batchNormBackward(s, epsilonArg(env, argv[2]), normBackwardBuffers(env, argv, s, 8));
    return nullptr;
  });
}

// batchNormImplementation(rows, channels, epsilon, backward): oneDNN's kernel name.
napi_value BatchNormImplementation(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value argv[4];
    arguments(env, info, argv);
    bool backward = false;
    check(env, napi_get_value_bool(env, argv[3], &backward), "backward must be a boolean");
    const std::string name =
        medtransfer::batchNormImplementation(normShapeArg(env, argv[0], argv[1]), epsilonArg(env, argv[2]), backward);
    napi_value result;
    check(env, napi_create_string_utf8(env, name.c_str(), name.size(), &result), "cannot make a string");
    return result;
  });
}

// clippedRelu(count, max, x, y)
napi_value ClippedRelu(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value argv[4];
    arguments(env, info, argv);
    const size_t count = product({intArg(env, argv[0], "count")});
    const float max = static_cast<float>(numberArg(env, argv[1], "max"));
    medtransfer::clippedRelu(count, max, typedArray<float>(env, argv[2], napi_float32_array, count, "x"),
                             typedArray<float>(env, argv[3], napi_float32_array, count, "y"));
    return nullptr;
  });
}

// clippedReluGrad(count, max, dy, y, dx)
napi_value ClippedReluGrad(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value argv[5];
    arguments(env, info, argv);
    const size_t count = product({intArg(env, argv[0], "count")});
    const float max = static_cast<float>(numberArg(env, argv[1], "max"));
    medtransfer::clippedReluGrad(count, max, typedArray<float>(env, argv[2], napi_float32_array, count, "dy"),
                                 typedArray<float>(env, argv[3], napi_float32_array, count, "y"),
                                 typedArray<float>(env, argv[4], napi_float32_array, count, "dx"));
    return nullptr;
  });
}

// channelSum(rows, channels, x, out)
napi_value ChannelSum(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value argv[4];
    arguments(env, info, argv);
    const size_t rows = product({intArg(env, argv[0], "rows")});
    const size_t channels = product({intArg(env, argv[1], "channels")});
    medtransfer::channelSum(rows, channels, typedArray<float>(env, argv[2], napi_float32_array, rows * channels, "x"),
                            typedArray<float>(env, argv[3], napi_float32_array, channels, "out"));
    return nullptr;
  });
}

PoolShape poolShapeArg(napi_env env, napi_value value) {
  const int32_t* f = typedArray<int32_t>(env, value, napi_int32_array, kPoolShapeFields, "shape");
  return PoolShape{f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10], f[11]};
}

size_t poolInSize(const PoolShape& s) { return product({s.batch, s.inHeight, s.inWidth, s.channels}); }

size_t poolOutSize(const PoolShape& s) { return product({s.batch, s.outHeight, s.outWidth, s.channels}); }

// maxPool(shape: Int32Array(12), x, y) and avgPool(shape, x, y)
template <void (*Pool)(const PoolShape&, const float*, float*)>
napi_value PoolForward(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value argv[3];
    arguments(env, info, argv);
    const PoolShape s = poolShapeArg(env, argv[0]);
    Pool(s, typedArray<float>(env, argv[1], napi_float32_array, poolInSize(s), "x"),
         typedArray<float>(env, argv[2], napi_float32_array, poolOutSize(s), "y"));
    return nullptr;
  });
}

// maxPoolGrad(shape, x, dy, dx)
napi_value MaxPoolGrad(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value argv[4];
    arguments(env, info, argv);
    const PoolShape s = poolShapeArg(env, argv[0]);
    medtransfer::maxPoolGrad(s, typedArray<float>(env, argv[1], napi_float32_array, poolInSize(s), "x"),
                             typedArray<float>(env, argv[2], napi_float32_array, poolOutSize(s), "dy"),
                             typedArray<float>(env, argv[3], napi_float32_array, poolInSize(s), "dx"));
    return nullptr;
  });
}

// avgPoolGrad(shape, dy, dx)
napi_value AvgPoolGrad(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value argv[3];
    arguments(env, info, argv);
    const PoolShape s = poolShapeArg(env, argv[0]);
    medtransfer::avgPoolGrad(s, typedArray<float>(env, argv[1], napi_float32_array, poolOutSize(s), "dy"),
                             typedArray<float>(env, argv[2], napi_float32_array, poolInSize(s), "dx"));
    return nullptr;
  });
}

// channelAffine(rows, channels, x, scale, offset, y)
napi_value ChannelAffine(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value argv[6];
    arguments(env, info, argv);
    const size_t rows = product({intArg(env, argv[0], "rows")});
    const size_t channels = product({intArg(env, argv[1], "channels")});
    medtransfer::channelAffine(
        rows, channels, typedArray<float>(env, argv[2], napi_float32_array, rows * channels, "x"),
        typedArray<float>(env, argv[3], napi_float32_array, channels, "scale"),
        typedArray<float>(env, argv[4], napi_float32_array, channels, "offset"),
        typedArray<float>(env, argv[5], napi_float32_array, rows * channels, "y"));
    return nullptr;
  });
}

// The copies (copy.cc): pad, slice, concat. Shapes arrive as Int32Arrays of one value per axis.
constexpr size_t kMaxCopyRank = 8;

std::vector<int64_t> extentsArg(napi_env env, napi_value value, const char* name) {
  bool isTyped = false;
  check(env, napi_is_typedarray(env, value, &isTyped), "cannot inspect an argument");
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  if (isTyped) check(env, napi_get_typedarray_info(env, value, &type, &length, &data, nullptr, nullptr), name);
  if (!isTyped || type != napi_int32_array) throw JsError(std::string(name) + " must be an Int32Array");
  const int32_t* values = static_cast<const int32_t*>(data);
  std::vector<int64_t> result(values, values + length);
  for (int64_t extent : result) {
    if (extent < 0) throw JsError(std::string(name) + " holds a negative value");
  }
  return result;
}

std::vector<int64_t> shapeOfRank(napi_env env, napi_value value, const char* name, size_t rank) {
  std::vector<int64_t> result = extentsArg(env, value, name);
  if (result.size() != rank) throw JsError(std::string(name) + " must hold one value per axis of the shape");
  return result;
}

std::vector<int64_t> copyShapeArg(napi_env env, napi_value value) {
  std::vector<int64_t> shape = extentsArg(env, value, "shape");
  if (shape.empty() || shape.size() > kMaxCopyRank) {
    throw JsError("shape must have from 1 to " + std::to_string(kMaxCopyRank) + " axes");
  }
  return shape;
}

size_t sizeOf(const std::vector<int64_t>& extents) {
  size_t result = 1;
  for (int64_t extent : extents) result *= static_cast<size_t>(extent);
  return result;
}

// pad(shape, before, after, value, x, y): shape, before and after as Int32Arrays of one value an axis.
napi_value Pad(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value argv[6];
    arguments(env, info, argv);
    const std::vector<int64_t> shape = copyShapeArg(env, argv[0]);
    const std::vector<int64_t> before = shapeOfRank(env, argv[1], "before", shape.size());
    const std::vector<int64_t> after = shapeOfRank(env, argv[2], "after", shape.size());
    std::vector<int64_t> padded(shape.size());
    for (size_t d = 0; d < shape.size(); d++) padded[d] = before[d] + shape[d] + after[d];
    medtransfer::pad(shape, before, after, static_cast<float>(numberArg(env, argv[3], "value")),
                     typedArray<float>(env, argv[4], napi_float32_array, sizeOf(shape), "x"),
                     typedArray<float>(env, argv[5], napi_float32_array, sizeOf(padded), "y"));
    return nullptr;
  });
}

// adamUpdate(count, constants: Float32Array(8), value, m, v, gradient, newValue, newM, newV): the
// constants in AdamStep's order, already rounded to float32 as tfjs rounds them.
napi_value AdamUpdate(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value argv[9];
    arguments(env, info, argv);
    const size_t count = product({intArg(env, argv[0], "count")});
    const float* c = typedArray<float>(env, argv[1], napi_float32_array, 8, "constants");
    const auto array = [&](int index, const char* name) {
      return typedArray<float>(env, argv[index], napi_float32_array, count, name);
    };
    medtransfer::adamUpdate(count, medtransfer::AdamStep{c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]},
                            {array(2, "value"), array(3, "m"), array(4, "v"), array(5, "gradient"),
                             array(6, "newValue"), array(7, "newM"), array(8, "newV")});
    return nullptr;
  });
}

// slice(shape, begin, size, x, y)
napi_value Slice(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value argv[5];
    arguments(env, info, argv);
    const std::vector<int64_t> shape = copyShapeArg(env, argv[0]);
    const std::vector<int64_t> begin = shapeOfRank(env, argv[1], "begin", shape.size());
    const std::vector<int64_t> size = shapeOfRank(env, argv[2], "size", shape.size());
    for (size_t d = 0; d < shape.size(); d++) {
      if (begin[d] + size[d] > shape[d]) throw JsError("the slice reaches past axis " + std::to_string(d));
    }
    medtransfer::slice(shape, begin, size, typedArray<float>(env, argv[3], napi_float32_array, sizeOf(shape), "x"),
                       typedArray<float>(env, argv[4], napi_float32_array, sizeOf(size), "y"));
    return nullptr;
  });
}

// momentumUpdate(count, constants: Float32Array(2), nesterov, value, accumulation, gradient, newValue,
// newAccumulation): the constants tfjs's scalars m and c (−rate) hold.
napi_value MomentumUpdate(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value argv[8];
    arguments(env, info, argv);
    const size_t count = product({intArg(env, argv[0], "count")});
    const float* c = typedArray<float>(env, argv[1], napi_float32_array, 2, "constants");
    bool nesterov = false;
    check(env, napi_get_value_bool(env, argv[2], &nesterov), "nesterov must be a boolean");
    const auto array = [&](int index, const char* name) {
      return typedArray<float>(env, argv[index], napi_float32_array, count, name);
    };
    medtransfer::momentumUpdate(count, medtransfer::MomentumStep{c[0], c[1], nesterov},
                                {array(3, "value"), array(4, "accumulation"), array(5, "gradient"),
                                 array(6, "newValue"), array(7, "newAccumulation")});
    return nullptr;
  });
}

// concat(rows, inner: Int32Array, inputs: Float32Array[], y): input i holds rows × inner[i] values.
napi_value Concat(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value argv[4];
    arguments(env, info, argv);
    const size_t rows = product({intArg(env, argv[0], "rows")});
    const std::vector<int64_t> inner = extentsArg(env, argv[1], "inner");
    bool isArray = false;
    check(env, napi_is_array(env, argv[2], &isArray), "cannot inspect an argument");
    uint32_t count = 0;
    if (isArray) check(env, napi_get_array_length(env, argv[2], &count), "inputs");
    if (!isArray || count != inner.size()) throw JsError("inputs must be an array of one Float32Array an inner size");
    std::vector<const float*> inputs;
    std::vector<size_t> lengths;
    size_t rowLength = 0;
    for (uint32_t i = 0; i < count; i++) {
      napi_value element;
      check(env, napi_get_element(env, argv[2], i, &element), "inputs");
      const size_t length = static_cast<size_t>(inner[i]);
      inputs.push_back(typedArray<float>(env, element, napi_float32_array, rows * length, "an input"));
      lengths.push_back(length);
      rowLength += length;
    }
    medtransfer::concat(rows, lengths, inputs,
                        typedArray<float>(env, argv[3], napi_float32_array, rows * rowLength, "y"));
    return nullptr;
  });
}

// rmsPropUpdate(count, constants: Float32Array(5), value, meanSquare, moment, gradient, newValue,
// newMeanSquare, newMoment): the constants in RmsPropStep's order, rounded to float32 as tfjs rounds them.
napi_value RmsPropUpdate(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value argv[9];
    arguments(env, info, argv);
    const size_t count = product({intArg(env, argv[0], "count")});
    const float* c = typedArray<float>(env, argv[1], napi_float32_array, 5, "constants");
    const auto array = [&](int index, const char* name) {
      return typedArray<float>(env, argv[index], napi_float32_array, count, name);
    };
    medtransfer::rmsPropUpdate(count, medtransfer::RmsPropStep{c[0], c[1], c[2], c[3], c[4]},
                               {array(2, "value"), array(3, "meanSquare"), array(4, "moment"), array(5, "gradient"),
                                array(6, "newValue"), array(7, "newMeanSquare"), array(8, "newMoment")});
    return nullptr;
  });
}

// The gradients' finiteness check (finite.cc).
// finiteFlags(lengths: Int32Array, inputs: Float32Array[], flags): flags[i] = 0 where input i (lengths[i]
// values) is all finite, NaN otherwise.
napi_value FiniteFlags(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value argv[3];
    arguments(env, info, argv);
    const std::vector<int64_t> lengths = extentsArg(env, argv[0], "lengths");
    bool isArray = false;
    check(env, napi_is_array(env, argv[1], &isArray), "cannot inspect an argument");
    uint32_t count = 0;
    if (isArray) check(env, napi_get_array_length(env, argv[1], &count), "inputs");
    if (!isArray || count != lengths.size()) throw JsError("inputs must be an array of one Float32Array a length");
    std::vector<const float*> inputs;
    std::vector<size_t> sizes;
    for (uint32_t i = 0; i < count; i++) {
      napi_value element;
      check(env, napi_get_element(env, argv[1], i, &element), "inputs");
      const size_t length = static_cast<size_t>(lengths[i]);
      inputs.push_back(typedArray<float>(env, element, napi_float32_array, length, "an input"));
      sizes.push_back(length);
    }
    medtransfer::finiteFlags(inputs, sizes, typedArray<float>(env, argv[2], napi_float32_array, count, "flags"));
    return nullptr;
  });
}

void setProperty(napi_env env, napi_value object, const char* name, napi_value value) {
  check(env, napi_set_named_property(env, object, name, value), name);
}

// about(): { oneDnnVersion, threads, cachedPrimitives }
napi_value About(napi_env env, napi_callback_info) {
  return guarded(env, [&]() -> napi_value {
    const dnnl_version_t* v = dnnl::version();
    const std::string version =
        std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch);
    napi_value result, text, threads, cached;
    check(env, napi_create_object(env, &result), "cannot make an object");
    check(env, napi_create_string_utf8(env, version.c_str(), version.size(), &text), "cannot make a string");
    check(env, napi_create_int32(env, medtransfer::parallelThreads(), &threads), "cannot make a number");
    check(env, napi_create_uint32(env, static_cast<uint32_t>(medtransfer::cachedConvolutions()), &cached),
          "cannot make a number");
    setProperty(env, result, "oneDnnVersion", text);
    setProperty(env, result, "threads", threads);
    setProperty(env, result, "cachedPrimitives", cached);
    return result;
  });
}

// Batch normalisation with a ReLU fused: batchNormForward/Backward's arguments plus a workspace, a Uint8Array
// of batchNormReluPlan's workspaceBytes that the forward pass writes and the backward pass reads.
// batchNormReluForward(rows, channels, epsilon, x, scale, offset, y, mean, variance, workspace)
napi_value BatchNormReluForward(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value argv[10];
    arguments(env, info, argv);
    const NormShape s = normShapeArg(env, argv[0], argv[1]);
    const float epsilon = epsilonArg(env, argv[2]);
    auto buffers = normForwardBuffers(env, argv, s);
    buffers.workspace = typedArray<unsigned char>(env, argv[9], napi_uint8_array,
                                                  medtransfer::batchNormReluWorkspaceBytes(s, epsilon), "workspace");
    medtransfer::batchNormForward(s, epsilon, buffers);
    return nullptr;
  });
}

// batchNormReluBackward(rows, channels, epsilon, x, mean, variance, scale, offset, workspace, dy, dx, dscale, doffset)
napi_value BatchNormReluBackward(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value argv[13];
    arguments(env, info, argv);
    const NormShape s = normShapeArg(env, argv[0], argv[1]);
    const float epsilon = epsilonArg(env, argv[2]);
    auto buffers = normBackwardBuffers(env, argv, s, 9);
    buffers.workspace = typedArray<unsigned char>(env, argv[8], napi_uint8_array,
                                                  medtransfer::batchNormReluWorkspaceBytes(s, epsilon), "workspace");
    medtransfer::batchNormBackward(s, epsilon, buffers);
    return nullptr;
  });
}

// batchNormReluPlan(rows, channels, epsilon): { workspaceBytes, forward, backward } (oneDNN's kernel names).
napi_value BatchNormReluPlan(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value argv[3];
    arguments(env, info, argv);
    const NormShape s = normShapeArg(env, argv[0], argv[1]);
    const float epsilon = epsilonArg(env, argv[2]);
    const std::string forward = medtransfer::batchNormImplementation(s, epsilon, false, true);
    const std::string backward = medtransfer::batchNormImplementation(s, epsilon, true, true);
    napi_value result, bytes, forwardName, backwardName;
    check(env, napi_create_object(env, &result), "cannot make an object");
    const double workspaceBytes = static_cast<double>(medtransfer::batchNormReluWorkspaceBytes(s, epsilon));
    check(env, napi_create_double(env, workspaceBytes, &bytes), "cannot make a number");
    check(env, napi_create_string_utf8(env, forward.c_str(), forward.size(), &forwardName), "cannot make a string");
    check(env, napi_create_string_utf8(env, backward.c_str(), backward.size(), &backwardName), "cannot make a string");
    setProperty(env, result, "workspaceBytes", bytes);
    setProperty(env, result, "forward", forwardName);
    setProperty(env, result, "backward", backwardName);
    return result;
  });
}

napi_value Init(napi_env env, napi_value exports) {
  const napi_property_descriptor properties[] = {
      {"convolution", nullptr, Convolution, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"implementation", nullptr, Implementation, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"narrowConvolutionWidth", nullptr, NarrowConvolutionWidth, nullptr, nullptr, nullptr, napi_enumerable,
       nullptr},
      {"winogradConvolutions", nullptr, WinogradConvolutions, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"batchNormForward", nullptr, BatchNormForward, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"batchNormBackward", nullptr, BatchNormBackward, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"batchNormImplementation", nullptr, BatchNormImplementation, nullptr, nullptr, nullptr, napi_enumerable,
       nullptr},
      // Batch normalisation with a ReLU fused.
      {"batchNormReluForward", nullptr, BatchNormReluForward, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"batchNormReluBackward", nullptr, BatchNormReluBackward, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"batchNormReluPlan", nullptr, BatchNormReluPlan, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"clippedRelu", nullptr, ClippedRelu, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"clippedReluGrad", nullptr, ClippedReluGrad, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"channelSum", nullptr, ChannelSum, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"channelAffine", nullptr, ChannelAffine, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"maxPool", nullptr, PoolForward<medtransfer::maxPool>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"maxPoolGrad", nullptr, MaxPoolGrad, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"avgPool", nullptr, PoolForward<medtransfer::avgPool>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"avgPoolGrad", nullptr, AvgPoolGrad, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"pad", nullptr, Pad, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"slice", nullptr, Slice, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"concat", nullptr, Concat, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"adamUpdate", nullptr, AdamUpdate, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"momentumUpdate", nullptr, MomentumUpdate, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"rmsPropUpdate", nullptr, RmsPropUpdate, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"finiteFlags", nullptr, FiniteFlags, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"about", nullptr, About, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
