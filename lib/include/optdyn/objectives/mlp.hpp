#pragma once
// Multilayer perceptron objective: F(θ) = (1/n) Σ_i L(f(x_i; θ), y_i) (+ (l2/2)‖θ‖²).
// Interface fixed here; see mlp.cpp for the mathematics (backprop gradient, Pearlmutter's
// R-operator HVP) and the conventions (loss normalisation, layout).
#include <string>
#include <vector>

#include "optdyn/core/registry.hpp"
#include "optdyn/data/dataset.hpp"
#include "optdyn/objectives/activation.hpp"
#include "optdyn/objectives/objective.hpp"

namespace optdyn {

// mse: L = ½‖f(x) − y‖² per sample (note the ½; PyTorch's MSELoss(mean) is L/k·2);
// cross_entropy: L = −log softmax(f(x))_y (PyTorch's CrossEntropyLoss, mean reduction);
// binary_cross_entropy: one output, L = log(1 + e^{−s f}) with s = ±1 (labels 1/0).
enum class MlpLoss { mse, cross_entropy, binary_cross_entropy };

struct MlpArchitecture {
  std::vector<Index> widths;  // input, hidden..., output
  Activation activation = Activation::tanh;  // hidden layers; the output layer is linear
  MlpLoss loss = MlpLoss::mse;
  bool bias = true;
  double l2 = 0.0;  // adds (l2/2)‖θ‖²
};

// PyTorch's parameters_to_vector layout of nn.Sequential(Linear, act, ..., Linear):
// per layer l, the weight W_l (widths[l+1] × widths[l], row-major), then b_l (if bias).
class MlpLayout {
 public:
  MlpLayout(std::vector<Index> widths, bool bias);
  Index num_layers() const { return static_cast<Index>(widths_.size()) - 1; }
  Index size() const { return size_; }
  const std::vector<Index>& widths() const { return widths_; }
  bool has_bias() const { return bias_; }
  Index weight_offset(Index layer) const { return weight_offset_[layer]; }
  Index bias_offset(Index layer) const { return bias_offset_[layer]; }  // -1 without bias
  Eigen::Map<const RowMat> weight(const Vec& theta, Index layer) const;
  Eigen::Map<const Vec> bias(const Vec& theta, Index layer) const;
  std::vector<ParameterBlock> blocks() const;

 private:
  std::vector<Index> widths_;
  bool bias_;
  std::vector<Index> weight_offset_, bias_offset_;
  Index size_ = 0;
};

class Mlp : public Objective {
 public:
  Mlp(MlpArchitecture architecture, Dataset data, std::string spec);

  Index dim() const override { return layout_.size(); }
  std::string spec() const override { return spec_; }
  Index num_samples() const override { return data_.size(); }
  std::vector<ParameterBlock> parameter_blocks() const override { return layout_.blocks(); }
  const LeastSquaresAccess* least_squares() const override;  // mse without l2 only

  const MlpArchitecture& architecture() const { return arch_; }
  const MlpLayout& layout() const { return layout_; }
  const Dataset& data() const { return data_; }

  // Network outputs f(x; θ) (before any softmax), one column per input column.
  Mat predict(const Vec& theta, const Mat& inputs) const;

 protected:
  double evaluate(const Vec& theta, Batch batch, Vec* gradient) const override;
  void evaluate_hvp(const Vec& theta, Batch batch, const Vec& v, Vec& out) const override;

 private:
  MlpArchitecture arch_;
  MlpLayout layout_;
  Dataset data_;
  std::string spec_;
};

// Registry entry "mlp" (keys: widths, act, loss, bias, l2 and the data keys).
RegistryEntry<ObjectivePtr> mlp_entry();

}  // namespace optdyn
