// The finiteness check of a training step's gradients (training/finiteWeights.ts): one pass over
// every gradient, where the tfjs composition ran a multiply and a sum per tensor on wasm's one thread.
#pragma once

#include <cstddef>
#include <vector>

namespace medtransfer {

/**
 * flags[i] = 0 where all lengths[i] values of inputs[i] are finite, NaN where one is NaN or ±Infinity
 * (finiteGuard's result: the sum of x·0). Each value is read once.
 */
void finiteFlags(const std::vector<const float*>& inputs, const std::vector<size_t>& lengths, float* flags);

}  // namespace medtransfer
