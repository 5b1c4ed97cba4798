#pragma once
// Synthetic data sets. All randomness comes from Rng::derived(seed, stream) with the
// stream ids below, so that e.g. the inputs do not change when the noise level does.
//
//  gaussian        x ~ N(0, I_d); targets N(0, I_k) (regression) or, with labels, a
//                  uniformly random class in 0..k−1 (one-hot targets) independent of x.
//  teacher-linear  x ~ N(0, I_d); y = W* x + σ ξ, W* ∈ R^{k×d} with entries N(0, 1/d),
//                  ξ ~ N(0, I_k). With labels: class = argmax of the noisy output.
//  teacher-mlp     lives one layer up, in objectives/teacher_mlp.hpp (its teacher is an
//                  optdyn Mlp); it uses the streams and the helpers below.
//  hierarchical    Saxe, McClelland & Ganguli (2013, Fig. 3): see make_hierarchical.
#include <cstdint>
#include <vector>

#include "optdyn/core/types.hpp"
#include "optdyn/data/dataset.hpp"

namespace optdyn {

// Rng::derived stream ids (documented so that users can reproduce the draws).
inline constexpr std::uint64_t kStreamInputs = 1;
inline constexpr std::uint64_t kStreamTeacher = 2;
inline constexpr std::uint64_t kStreamNoise = 3;
inline constexpr std::uint64_t kStreamLabels = 4;
inline constexpr std::uint64_t kStreamTree = 5;
inline constexpr std::uint64_t kStreamSample = 6;

// Turns labels into one-hot targets (k × n) and stores both.
void set_class_targets(Dataset& data, const std::vector<int>& labels, Index classes);
// Labels from argmax over each column of `scores` (first maximum on ties).
std::vector<int> argmax_labels(const Mat& scores);

// Shared by the teacher generators (here and objectives/teacher_mlp.hpp):
// InputError unless the dimensions and the sample count are >= 1;
void check_synthetic_sizes(Index input_dim, Index output_dim, Index n);
// adds noise·N(0, 1) to every output from the stream kStreamNoise (nothing when noise = 0),
// so that the noise level does not change the other draws;
void add_teacher_noise(Mat& outputs, double noise, std::uint64_t seed);
// regression: targets = outputs; labels: class = argmax of each column (k > 1) or
// [output > 0] (k = 1), then set_class_targets.
void set_teacher_targets(Dataset& data, Mat outputs, bool labels);

Dataset make_gaussian(Index input_dim, Index output_dim, Index n, bool labels, std::uint64_t seed);

struct LinearTeacher {
  Dataset data;
  Mat weight;  // W*, k × d
};
LinearTeacher make_teacher_linear(Index input_dim, Index output_dim, Index n, double noise,
                                  bool labels, std::uint64_t seed);

// Saxe's hierarchical data. Items are the 2^levels leaves of a complete binary tree with
// `levels` edge levels (leaf i's path from the root is the binary expansion of i, most
// significant bit first, so siblings are items 2j and 2j+1). Each of `features` features
// independently starts at the root with a uniformly random value ±1, and is flipped with
// probability `flip` on every edge on the way down; leaf i's value is item i's feature.
// Two items whose lowest common ancestor is m edges above them have
// E[y_i y_j] = (1 − 2 flip)^{2m} per feature.
//
// The data set has n = 2^levels samples: inputs = I (one-hot item vectors, 2^levels ×
// 2^levels), targets = the features × items ±1 matrix. Hence, in Saxe's SUM convention,
// Σ¹¹ = Σ_i x_i x_iᵀ = I exactly (already whitened) and Σ³¹ = Σ_i y_i x_iᵀ = targets;
// in the MEAN convention of our objectives, Σ¹¹ = I/n and Σ³¹ = targets/n
// (correlations.hpp). The SVD of Σ³¹ has one mode per tree node: singular values group
// into levels+1 clusters of multiplicity 1, 1, 2, 4, …, 2^{levels−1}.
Dataset make_hierarchical(int levels, Index features, double flip, std::uint64_t seed);

}  // namespace optdyn
