#pragma once
// The teacher-mlp synthetic data set (data=teacher-mlp): its teacher is an optdyn Mlp, so
// the generator lives in the objectives layer; the other generators, the random streams
// and the helpers it shares are in data/synthetic.hpp.
//
//  teacher-mlp     x ~ N(0, I_d); y = f(x; θ*) + σ ξ, f a bias-free MLP with widths
//                  d-h₁-…-k and activation act, θ* drawn per layer N(0, 1/fan_in)
//                  (evaluated with Mlp::predict, so the teacher is exactly an optdyn MLP).
//                  Streams: θ* kStreamTeacher, x kStreamInputs, ξ kStreamNoise.
#include <cstdint>
#include <vector>

#include "optdyn/core/types.hpp"
#include "optdyn/data/dataset.hpp"
#include "optdyn/objectives/activation.hpp"

namespace optdyn {

struct MlpTeacher {
  Dataset data;
  std::vector<Index> widths;  // d, hidden..., k
  Vec theta;                  // teacher parameters in the MlpLayout (bias-free) order
};
MlpTeacher make_teacher_mlp(Index input_dim, Index output_dim, const std::vector<Index>& hidden,
                            Activation activation, Index n, double noise, bool labels,
                            std::uint64_t seed);

}  // namespace optdyn
