// The path norm and Path-SGD's scaling γ (objectives/mlp_path_norm.hpp; Neyshabur et al.
// 2015, §4): forward and backward passes of the squared weights with all-ones inputs.
#include "optdyn/objectives/mlp_path_norm.hpp"

#include <string>
#include <vector>

#include "optdyn/core/error.hpp"

namespace optdyn {
namespace {

void check_point(const MlpLayout& layout, const Vec& theta) {
  if (theta.size() != layout.size())
    throw InputError("mlp path norm: θ has length " + std::to_string(theta.size()) + ", the layout has " +
                     std::to_string(layout.size()) + " parameters");
}

// κ_in(l) for l = 0 … L: the squared-weight forward pass from all-ones inputs.
std::vector<Vec> path_mass_in(const MlpLayout& layout, const Vec& theta) {
  std::vector<Vec> kappa{Vec::Ones(layout.widths()[0])};
  for (Index l = 0; l < layout.num_layers(); ++l) {
    Vec next = layout.weight(theta, l).array().square().matrix() * kappa.back();
    if (layout.has_bias()) next += layout.bias(theta, l).array().square().matrix();
    kappa.push_back(std::move(next));
  }
  return kappa;
}

// κ_out(l) for l = 0 … L: the squared-weight backward pass from all-ones outputs.
std::vector<Vec> path_mass_out(const MlpLayout& layout, const Vec& theta) {
  const Index layers = layout.num_layers();
  std::vector<Vec> kappa(static_cast<std::size_t>(layers + 1));
  kappa[layers] = Vec::Ones(layout.widths()[layers]);
  for (Index l = layers - 1; l >= 0; --l)
    kappa[l] = layout.weight(theta, l).array().square().matrix().transpose() * kappa[l + 1];
  return kappa;
}

}  // namespace

double path_norm_squared(const MlpLayout& layout, const Vec& theta) {
  check_point(layout, theta);
  return path_mass_in(layout, theta).back().sum();
}

Vec path_scaling(const MlpLayout& layout, const Vec& theta) {
  check_point(layout, theta);
  const std::vector<Vec> in = path_mass_in(layout, theta), out = path_mass_out(layout, theta);
  Vec gamma(theta.size());
  for (Index l = 0; l < layout.num_layers(); ++l) {
    layout.mutable_weight(gamma, l) = out[l + 1] * in[l].transpose();  // γ[i,k] = κ_out(l+1)[i] κ_in(l)[k]
    if (layout.has_bias()) layout.mutable_bias(gamma, l) = out[l + 1];
  }
  return gamma;
}

}  // namespace optdyn
