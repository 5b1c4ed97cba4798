#pragma once
// Per-layer gradient norms ‖∂F/∂W_l‖_F: the gradient vector cut into the parameter blocks
// of the objective (Objective::parameter_blocks(), e.g. MlpLayout's PyTorch layout).
//
// Exploding/vanishing gradients (Bengio, Simard, Frasconi 1994; Glorot & Bengio 2010;
// Goodfellow, Bengio, Courville 2016 §8.2.5) show up as a ratio ‖∂F/∂W_1‖/‖∂F/∂W_L‖ far
// from 1: backpropagation gives ∂F/∂W_l = (1/n) Σ_i δ_l(x_i) h_{l−1}(x_i)ᵀ with
// δ_l = D_l W_{l+1}ᵀ ⋯ D_{L−1} W_Lᵀ e, a product of L − l Jacobian factors.
#include <string>
#include <vector>

#include "optdyn/core/types.hpp"
#include "optdyn/objectives/objective.hpp"

namespace optdyn {

struct BlockNorm {
  std::string name;  // the block's name, e.g. "3.weight"
  ParameterBlock::Kind kind = ParameterBlock::Kind::vector;
  double norm = 0.0;  // Frobenius (Euclidean) norm of the block's slice of the vector
};

// The norm of each block's slice of `vector` (length = the blocks' total extent), in block
// order. InputError when a block does not fit in the vector.
std::vector<BlockNorm> block_norms(const std::vector<ParameterBlock>& blocks, const Vec& vector);

// Only the weight blocks' norms, in layer order: ‖∂F/∂W_1‖_F, …, ‖∂F/∂W_L‖_F when `vector`
// is the gradient.
std::vector<double> layer_gradient_norms(const std::vector<ParameterBlock>& blocks,
                                         const Vec& gradient);

}  // namespace optdyn
