#pragma once
// A supervised data set in the layout the objectives consume: one sample per column.
// The data keys of an objective's spec (data=..., n=...) and the Dataset they describe:
// objectives/training_data.hpp.
#include <string>
#include <vector>

#include "optdyn/core/spec.hpp"
#include "optdyn/core/types.hpp"

namespace optdyn {

struct Dataset {
  Mat inputs;               // d × n, sample i is column i
  Mat targets;              // k × n: regression targets, or one-hot rows for classification
  std::vector<int> labels;  // class of each sample (size n) for classification, else empty
  std::string description;  // e.g. "fashion-mnist train, first 1000, /usr/share/..."

  Index size() const { return inputs.cols(); }
  Index input_dim() const { return inputs.rows(); }
  Index output_dim() const { return targets.rows(); }
};

}  // namespace optdyn
