// Synthetic data sets (see synthetic.hpp for the definitions and the random streams).
#include "optdyn/data/synthetic.hpp"

#include <cmath>
#include <string>

#include "optdyn/core/error.hpp"
#include "optdyn/core/rng.hpp"

namespace optdyn {
namespace {

std::string seed_text(std::uint64_t seed) { return "seed " + std::to_string(seed); }

}  // namespace

// Gaussian noise from its own stream, so that the noise level does not change the rest.
void add_teacher_noise(Mat& outputs, double noise, std::uint64_t seed) {
  if (noise == 0.0) return;
  Rng rng = Rng::derived(seed, kStreamNoise);
  outputs += noise * rng.normal_matrix(outputs.rows(), outputs.cols());
}

// Regression: targets = outputs. Labels: class = argmax (k > 1) or [output > 0] (k = 1).
void set_teacher_targets(Dataset& data, Mat outputs, bool labels) {
  if (!labels) {
    data.targets = std::move(outputs);
    return;
  }
  std::vector<int> classes;
  if (outputs.rows() == 1) {
    for (Index i = 0; i < outputs.cols(); ++i) classes.push_back(outputs(0, i) > 0 ? 1 : 0);
  } else {
    classes = argmax_labels(outputs);
  }
  set_class_targets(data, classes, outputs.rows());
}

void check_synthetic_sizes(Index input_dim, Index output_dim, Index n) {
  if (input_dim < 1 || output_dim < 1 || n < 1)
    throw InputError("synthetic data: dimensions and sample count must be >= 1");
}

// One output (k = 1) means binary classification: the target is the label itself, 0 or 1
// (the convention of MlpLoss::binary_cross_entropy); otherwise the one-hot k × n matrix.
void set_class_targets(Dataset& data, const std::vector<int>& labels, Index classes) {
  const Index n = static_cast<Index>(labels.size());
  data.labels = labels;
  if (classes == 1) {
    data.targets.resize(1, n);
    for (Index i = 0; i < n; ++i) data.targets(0, i) = labels[static_cast<std::size_t>(i)];
    return;
  }
  data.targets = Mat::Zero(classes, n);
  for (Index i = 0; i < n; ++i) data.targets(labels[static_cast<std::size_t>(i)], i) = 1.0;
}

std::vector<int> argmax_labels(const Mat& scores) {
  std::vector<int> labels(static_cast<std::size_t>(scores.cols()));
  for (Index i = 0; i < scores.cols(); ++i) {
    Index best = 0;
    scores.col(i).maxCoeff(&best);  // first maximum on ties
    labels[static_cast<std::size_t>(i)] = static_cast<int>(best);
  }
  return labels;
}

Dataset make_gaussian(Index input_dim, Index output_dim, Index n, bool labels, std::uint64_t seed) {
  check_synthetic_sizes(input_dim, output_dim, n);
  Dataset data;
  data.inputs = Rng::derived(seed, kStreamInputs).normal_matrix(input_dim, n);
  Rng rng = Rng::derived(seed, kStreamLabels);
  if (labels) {
    // k = 1: binary labels 0/1; otherwise uniform over 0..k−1.
    const Index classes = output_dim == 1 ? 2 : output_dim;
    std::vector<int> classes_drawn(static_cast<std::size_t>(n));
    for (auto& c : classes_drawn) c = static_cast<int>(rng.below(classes));
    set_class_targets(data, classes_drawn, output_dim);
  } else {
    data.targets = rng.normal_matrix(output_dim, n);
  }
  data.description = "gaussian " + std::to_string(input_dim) + "->" + std::to_string(output_dim) + ", n " +
                     std::to_string(n) + (labels ? ", random labels" : ", N(0,1) targets") + ", " + seed_text(seed);
  return data;
}

LinearTeacher make_teacher_linear(Index input_dim, Index output_dim, Index n, double noise, bool labels,
                                  std::uint64_t seed) {
  check_synthetic_sizes(input_dim, output_dim, n);
  LinearTeacher teacher;
  teacher.weight = Rng::derived(seed, kStreamTeacher).normal_matrix(output_dim, input_dim) /
                   std::sqrt(static_cast<double>(input_dim));
  teacher.data.inputs = Rng::derived(seed, kStreamInputs).normal_matrix(input_dim, n);
  Mat outputs = teacher.weight * teacher.data.inputs;
  add_teacher_noise(outputs, noise, seed);
  set_teacher_targets(teacher.data, std::move(outputs), labels);
  teacher.data.description = "teacher-linear " + std::to_string(input_dim) + "->" + std::to_string(output_dim) +
                             ", n " + std::to_string(n) + ", noise " + std::to_string(noise) +
                             (labels ? ", argmax labels" : "") + ", " + seed_text(seed);
  return teacher;
}

Dataset make_hierarchical(int levels, Index features, double flip, std::uint64_t seed) {
  if (levels < 1 || levels > 20) throw InputError("hierarchical: levels must be in [1, 20]");
  if (features < 1) throw InputError("hierarchical: features must be >= 1");
  if (!(flip >= 0.0 && flip <= 1.0)) throw InputError("hierarchical: flip must be in [0, 1]");
  const Index items = Index{1} << levels;
  Rng rng = Rng::derived(seed, kStreamTree);

  // Heap-ordered tree per feature: node 1 is the root, node v has children 2v and 2v+1,
  // leaves are nodes items..2·items−1 (leaf i = node items + i). Draw order: for each
  // feature, the root sign, then one uniform per edge in node order 2, 3, …, 2·items−1.
  Dataset data;
  data.targets.resize(features, items);
  std::vector<double> value(static_cast<std::size_t>(2 * items));
  for (Index f = 0; f < features; ++f) {
    value[1] = rng.rademacher_sign() ? 1.0 : -1.0;
    for (Index v = 2; v < 2 * items; ++v) {
      const bool flipped = rng.uniform() < flip;
      value[static_cast<std::size_t>(v)] = flipped ? -value[static_cast<std::size_t>(v / 2)]
                                                   : value[static_cast<std::size_t>(v / 2)];
    }
    for (Index i = 0; i < items; ++i) data.targets(f, i) = value[static_cast<std::size_t>(items + i)];
  }
  data.inputs = Mat::Identity(items, items);
  data.description = "hierarchical (Saxe et al. 2013) levels " + std::to_string(levels) + " (" +
                     std::to_string(items) + " items), features " + std::to_string(features) + ", flip " +
                     std::to_string(flip) + ", " + seed_text(seed);
  return data;
}

}  // namespace optdyn
