#include "copy.h"

#include <algorithm>
#include <cstring>

#include "context.h"
#include "parallel.h"

namespace medtransfer {
namespace {

// One thread below this many values written (64 MB): four times the other memory-bound passes'
// threshold (activation.cc). A copy does no arithmetic, and one core came close to the memory's
// speed: at load 5 on our 2 cores, two threads took longer than one at every size measured, from
// 1.8 against 8.2 ms for a [32,64,64,64] pad to 23.6 against 22.3 ms for a 53 M-value slice.
constexpr size_t kParallelValues = size_t{1} << 24;

// Built for AVX2 too, as the activation loops (activation.cc: SSE code after oneDNN's AVX-512
// kernels ran 7x slower); memcpy is glibc's, which picks its own vector width.
__attribute__((target_clones("avx2", "default"))) void fillValues(float* y, size_t n, float value) {
#pragma omp simd
  for (size_t i = 0; i < n; i++) y[i] = value;
}

size_t product(const std::vector<int64_t>& extents, size_t end) {
  size_t result = 1;
  for (size_t d = 0; d < end; d++) result *= static_cast<size_t>(extents[d]);
  return result;
}


/** The index of row `row` over the axes [0, extents.size() - 1) (the last axis is the row). */
std::vector<int64_t> rowIndex(const std::vector<int64_t>& extents, size_t row) {
  const size_t outer = extents.size() - 1;
  std::vector<int64_t> index(outer, 0);
  for (size_t d = outer; d-- > 0;) {
    index[d] = static_cast<int64_t>(row % static_cast<size_t>(extents[d]));
    row /= static_cast<size_t>(extents[d]);
  }
  return index;
}

/** The next row's index (an odometer over the outer axes). */
void nextRow(const std::vector<int64_t>& extents, std::vector<int64_t>& index) {
  for (size_t d = index.size(); d-- > 0;) {
    if (++index[d] < extents[d]) return;
    index[d] = 0;
  }
}

std::vector<size_t> strides(const std::vector<int64_t>& shape) {
  std::vector<size_t> result(shape.size(), 1);
  for (size_t d = shape.size(); d-- > 1;) result[d - 1] = result[d] * static_cast<size_t>(shape[d]);
  return result;
}

}  // namespace

void pad(const std::vector<int64_t>& shape, const std::vector<int64_t>& before, const std::vector<int64_t>& after,
         float value, const float* x, float* y) {
  // An axis without padding joins the one before it (NHWC padded in H and W: rows of (W + pads) * C).
  std::vector<int64_t> in, pre, post;
  for (size_t d = 0; d < shape.size(); d++) {
    if (!in.empty() && before[d] == 0 && after[d] == 0) {
      pre.back() *= shape[d];
      post.back() *= shape[d];
      in.back() *= shape[d];
    } else {
      in.push_back(shape[d]);
      pre.push_back(before[d]);
      post.push_back(after[d]);
    }
  }
  std::vector<int64_t> out(in.size());
  for (size_t d = 0; d < in.size(); d++) out[d] = pre[d] + in[d] + post[d];
  const size_t total = product(out, out.size());
  if (total == 0) return;
  if (product(in, in.size()) == 0) {
    fillValues(y, total, value);
    return;
  }
  const size_t last = out.size() - 1;
  const size_t rowLength = static_cast<size_t>(out[last]);
  const std::vector<size_t> inStrides = strides(in);
  splitRange(total / rowLength, total >= kParallelValues, [&](size_t begin, size_t end) {
    std::vector<int64_t> index = rowIndex(out, begin);
    for (size_t row = begin; row < end; row++, nextRow(out, index)) {
      float* target = y + row * rowLength;
      size_t source = 0;
      bool inside = true;
      for (size_t d = 0; d < last && inside; d++) {
        const int64_t at = index[d] - pre[d];
        inside = at >= 0 && at < in[d];
        if (inside) source += static_cast<size_t>(at) * inStrides[d];
      }
      if (!inside) {
        fillValues(target, rowLength, value);
        continue;
      }
      fillValues(target, static_cast<size_t>(pre[last]), value);
      std::memcpy(target + pre[last], x + source, static_cast<size_t>(in[last]) * sizeof(float));
      fillValues(target + pre[last] + in[last], static_cast<size_t>(post[last]), value);
    }
  });
}

void slice(const std::vector<int64_t>& shape, const std::vector<int64_t>& begin, const std::vector<int64_t>& size,
           const float* x, float* y) {
  // An axis taken whole joins the one before it: each row is then one contiguous run of x.
  std::vector<int64_t> in, from, extent;
  for (size_t d = 0; d < shape.size(); d++) {
    if (!in.empty() && begin[d] == 0 && size[d] == shape[d]) {
      from.back() *= shape[d];
      extent.back() *= shape[d];
      in.back() *= shape[d];
    } else {
      in.push_back(shape[d]);
      from.push_back(begin[d]);
      extent.push_back(size[d]);
    }
  }
  const size_t total = product(extent, extent.size());
  if (total == 0) return;
  const size_t last = extent.size() - 1;
  const size_t rowLength = static_cast<size_t>(extent[last]);
  const std::vector<size_t> inStrides = strides(in);
  splitRange(total / rowLength, total >= kParallelValues, [&](size_t first, size_t end) {
    std::vector<int64_t> index = rowIndex(extent, first);
    for (size_t row = first; row < end; row++, nextRow(extent, index)) {
      size_t source = static_cast<size_t>(from[last]);
      for (size_t d = 0; d < last; d++) source += static_cast<size_t>(index[d] + from[d]) * inStrides[d];
      std::memcpy(y + row * rowLength, x + source, rowLength * sizeof(float));
    }
  });
}

void concat(size_t rows, const std::vector<size_t>& inner, const std::vector<const float*>& inputs, float* y) {
  size_t rowLength = 0;
  for (size_t length : inner) rowLength += length;
  if (rows == 0 || rowLength == 0) return;
  splitRange(rows, rows * rowLength >= kParallelValues, [&](size_t begin, size_t end) {
    for (size_t row = begin; row < end; row++) {
      float* target = y + row * rowLength;
      for (size_t i = 0; i < inputs.size(); i++) {
        std::memcpy(target, inputs[i] + row * inner[i], inner[i] * sizeof(float));
        target += inner[i];
      }
    }
  });
}

}  // namespace medtransfer
