// Per-unit rescaling of an MLP's hidden units (objectives/mlp_rescaling.hpp; doc/references.md,
// "Symmetry and reparameterisation"): row j of W_h and b_h[j] times α_j = e^{s_j}, column j of
// W_{h+1} times 1/α_j; f unchanged for σ(αz) = ασ(z), α > 0 (Neyshabur et al. 2015, §2).
#include "optdyn/objectives/mlp_rescaling.hpp"

#include <string>

#include "optdyn/core/error.hpp"

namespace optdyn {
namespace {

// InputError unless `v` (θ or a cotangent, named `what`) has the layout's length.
void check_parameter_length(const MlpLayout& layout, const Vec& v, const char* what) {
  if (v.size() != layout.size())
    throw InputError(std::string("mlp rescaling: ") + what + " has length " + std::to_string(v.size()) +
                     ", the layout has " + std::to_string(layout.size()) + " parameters");
}

}  // namespace

bool has_rescaling_symmetry(Activation activation) {
  return activation == Activation::relu || activation == Activation::linear;
}

Index num_hidden_units(const MlpLayout& layout) {
  Index n = 0;
  for (Index h = 0; h + 1 < layout.num_layers(); ++h) n += layout.widths()[h + 1];
  return n;
}

void scale_hidden_units(const MlpLayout& layout, Vec& theta, const Vec& log_scales) {
  check_parameter_length(layout, theta, "θ");
  if (log_scales.size() != num_hidden_units(layout))
    throw InputError("mlp rescaling: the log-scales have length " + std::to_string(log_scales.size()) +
                     ", the network has " + std::to_string(num_hidden_units(layout)) + " hidden units");
  Index u = 0;  // the flat index of the first unit of layer h
  for (Index h = 0; h + 1 < layout.num_layers(); ++h) {
    const Index n = layout.widths()[h + 1];
    const Vec alpha = log_scales.segment(u, n).array().exp();
    layout.mutable_weight(theta, h).array().colwise() *= alpha.array();         // rows × α_j
    if (layout.has_bias()) layout.mutable_bias(theta, h).array() *= alpha.array();  // b_h[j] × α_j
    layout.mutable_weight(theta, h + 1).array().rowwise() /= alpha.transpose().array();  // columns ÷ α_j
    u += n;
  }
}

void rescale_hidden_units(const MlpLayout& layout, Activation activation, Vec& theta, const Vec& log_scales) {
  if (!has_rescaling_symmetry(activation))
    throw InputError("mlp rescaling: activation '" + std::string(activation_name(activation)) +
                     "' is not positively homogeneous (σ(αz) ≠ ασ(z)): rescaling hidden units changes f "
                     "(relu and linear have this symmetry)");
  scale_hidden_units(layout, theta, log_scales);
}

Vec log_scale_gradient(const MlpLayout& layout, const Vec& theta, const Vec& w) {
  check_parameter_length(layout, theta, "θ");
  check_parameter_length(layout, w, "the cotangent w");
  Vec out(num_hidden_units(layout));
  Index u = 0;
  for (Index h = 0; h + 1 < layout.num_layers(); ++h) {
    const Index n = layout.widths()[h + 1];
    // incoming: Σ_k W_h[j,k] w[j,k] (+ b_h[j] w_b[j]); outgoing: Σ_i W_{h+1}[i,j] w[i,j].
    Vec incoming = layout.weight(theta, h).cwiseProduct(layout.weight(w, h)).rowwise().sum();
    if (layout.has_bias()) incoming += layout.bias(theta, h).cwiseProduct(layout.bias(w, h));
    const Vec outgoing = layout.weight(theta, h + 1).cwiseProduct(layout.weight(w, h + 1)).colwise().sum().transpose();
    out.segment(u, n) = incoming - outgoing;
    u += n;
  }
  return out;
}

}  // namespace optdyn
