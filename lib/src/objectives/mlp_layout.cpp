// The MLP parameter layout: PyTorch's parameters_to_vector(nn.Sequential(Linear, act, ...,
// Linear).parameters()). nn.Sequential names its children by position, so the Linear layers
// are children 0, 2, 4, ... (activations take 1, 3, ...): blocks "0.weight", "0.bias",
// "2.weight", "2.bias", ... . nn.Linear stores weight as (out_features × in_features),
// contiguous row-major, and registers weight before bias.
#include <algorithm>
#include <string>

#include "optdyn/core/error.hpp"
#include "optdyn/objectives/mlp.hpp"

namespace optdyn {

MlpLayout::MlpLayout(std::vector<Index> widths, bool bias) : widths_(std::move(widths)), bias_(bias) {
  if (widths_.size() < 2) throw InputError("key 'widths': need at least an input and an output width");
  for (Index w : widths_)
    if (w < 1) throw InputError("key 'widths': every width must be at least 1");
  const Index layers = num_layers();
  weight_offset_.resize(layers);
  bias_offset_.resize(layers);
  Index offset = 0;
  for (Index l = 0; l < layers; ++l) {
    weight_offset_[l] = offset;
    offset += widths_[l + 1] * widths_[l];
    bias_offset_[l] = bias_ ? offset : -1;
    if (bias_) offset += widths_[l + 1];
  }
  size_ = offset;
}

Eigen::Map<const RowMat> MlpLayout::weight(const Vec& theta, Index layer) const {
  return Eigen::Map<const RowMat>(theta.data() + weight_offset_[layer], widths_[layer + 1],
                                  widths_[layer]);
}

Eigen::Map<const Vec> MlpLayout::bias(const Vec& theta, Index layer) const {
  if (!bias_) throw InputError("MlpLayout::bias: this network has no biases");
  return Eigen::Map<const Vec>(theta.data() + bias_offset_[layer], widths_[layer + 1]);
}

Eigen::Map<RowMat> MlpLayout::mutable_weight(Vec& theta, Index layer) const {
  return Eigen::Map<RowMat>(theta.data() + weight_offset_[layer], widths_[layer + 1], widths_[layer]);
}

Eigen::Map<Vec> MlpLayout::mutable_bias(Vec& theta, Index layer) const {
  if (!bias_) throw InputError("MlpLayout::bias: this network has no biases");
  return Eigen::Map<Vec>(theta.data() + bias_offset_[layer], widths_[layer + 1]);
}

// Reads the widths off the weight blocks, then checks that blocks() of the result is exactly
// `blocks` (kinds, offsets and shapes): one comparison instead of a rule per field.
MlpLayout MlpLayout::from_blocks(const std::vector<ParameterBlock>& blocks, std::string_view who) {
  const auto refuse = [&]() {
    std::string names;
    for (const ParameterBlock& b : blocks) names += (names.empty() ? "" : ", ") + b.name;
    return InputError(std::string(who) + ": needs an MLP's parameter blocks (per layer a weight, then a bias), got " +
                      (names.empty() ? std::string("none") : names));
  };
  std::vector<Index> widths;
  bool bias = false;
  for (const ParameterBlock& b : blocks) {
    if (b.kind == ParameterBlock::Kind::bias) bias = true;
    if (b.kind != ParameterBlock::Kind::weight) continue;
    if (widths.empty()) widths.push_back(b.cols);
    widths.push_back(b.rows);
  }
  if (widths.size() < 2 || std::any_of(widths.begin(), widths.end(), [](Index w) { return w < 1; })) throw refuse();
  MlpLayout layout(widths, bias);
  const std::vector<ParameterBlock> expected = layout.blocks();
  const auto same = [](const ParameterBlock& a, const ParameterBlock& b) {
    return a.kind == b.kind && a.offset == b.offset && a.rows == b.rows && a.cols == b.cols;
  };
  if (!std::equal(expected.begin(), expected.end(), blocks.begin(), blocks.end(), same)) throw refuse();
  return layout;
}

std::vector<ParameterBlock> MlpLayout::blocks() const {
  std::vector<ParameterBlock> out;
  for (Index l = 0; l < num_layers(); ++l) {
    const std::string prefix = std::to_string(2 * l);
    out.push_back({prefix + ".weight", ParameterBlock::Kind::weight, weight_offset_[l],
                   widths_[l + 1], widths_[l]});
    if (bias_)
      out.push_back({prefix + ".bias", ParameterBlock::Kind::bias, bias_offset_[l], widths_[l + 1], 1});
  }
  return out;
}

}  // namespace optdyn
