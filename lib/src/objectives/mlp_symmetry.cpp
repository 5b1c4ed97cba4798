#include "optdyn/objectives/mlp_symmetry.hpp"

#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

#include "optdyn/core/error.hpp"

namespace optdyn {
namespace {

void check_point(const MlpLayout& layout, const Vec& theta) {
  if (theta.size() != layout.size())
    throw InputError("mlp symmetry: θ has length " + std::to_string(theta.size()) + ", the layout has " +
                     std::to_string(layout.size()) + " parameters");
}

void check_hidden(const MlpLayout& layout, Index hidden) {
  if (hidden < 0 || hidden + 1 >= layout.num_layers())
    throw InputError("mlp symmetry: hidden layer " + std::to_string(hidden) + " out of range [0, " +
                     std::to_string(layout.num_layers() - 1) + ")");
}

// Unit j's incoming vector: row j of W_h, then b_h[j] when there are biases.
Vec incoming(const MlpLayout& layout, const Vec& theta, Index hidden, Index unit) {
  const auto w = layout.weight(theta, hidden);
  Vec key(w.cols() + (layout.has_bias() ? 1 : 0));
  key.head(w.cols()) = w.row(unit).transpose();
  if (layout.has_bias()) key[w.cols()] = layout.bias(theta, hidden)[unit];
  return key;
}

// The sign of the first nonzero entry (0 for the zero vector).
int leading_sign(const Vec& v) {
  for (Index i = 0; i < v.size(); ++i)
    if (v[i] != 0.0) return v[i] > 0.0 ? 1 : -1;
  return 0;
}

}  // namespace

bool has_sign_symmetry(Activation activation) {
  return activation == Activation::tanh || activation == Activation::linear;
}

void permute_hidden_units(const MlpLayout& layout, Vec& theta, Index hidden, std::span<const Index> order) {
  check_point(layout, theta);
  check_hidden(layout, hidden);
  const Index n = layout.widths()[hidden + 1];
  std::vector<Index> sorted(order.begin(), order.end());
  std::sort(sorted.begin(), sorted.end());
  std::vector<Index> identity(static_cast<std::size_t>(n));
  std::iota(identity.begin(), identity.end(), Index{0});
  if (sorted != identity)
    throw InputError("mlp symmetry: the order of hidden layer " + std::to_string(hidden) +
                     " is not a permutation of its " + std::to_string(n) + " units");
  const Vec old = theta;
  auto in = layout.mutable_weight(theta, hidden);
  auto out = layout.mutable_weight(theta, hidden + 1);
  const auto old_in = layout.weight(old, hidden);
  const auto old_out = layout.weight(old, hidden + 1);
  for (Index i = 0; i < n; ++i) {
    in.row(i) = old_in.row(order[i]);
    out.col(i) = old_out.col(order[i]);
    if (layout.has_bias()) theta[layout.bias_offset(hidden) + i] = old[layout.bias_offset(hidden) + order[i]];
  }
}

void flip_hidden_unit(const MlpLayout& layout, Vec& theta, Index hidden, Index unit) {
  check_point(layout, theta);
  check_hidden(layout, hidden);
  if (unit < 0 || unit >= layout.widths()[hidden + 1])
    throw InputError("mlp symmetry: unit " + std::to_string(unit) + " out of range for hidden layer " +
                     std::to_string(hidden));
  layout.mutable_weight(theta, hidden).row(unit) *= -1.0;
  layout.mutable_weight(theta, hidden + 1).col(unit) *= -1.0;
  if (layout.has_bias()) theta[layout.bias_offset(hidden) + unit] *= -1.0;
}

void tie_hidden_units(const MlpLayout& layout, Vec& theta) {
  check_point(layout, theta);
  for (Index h = 0; h + 1 < layout.num_layers(); ++h) {
    auto w_in = layout.mutable_weight(theta, h);
    auto w_out = layout.mutable_weight(theta, h + 1);
    for (Index j = 1; j < w_in.rows(); ++j) {
      w_in.row(j) = w_in.row(0);
      w_out.col(j) = w_out.col(0);
      if (layout.has_bias()) theta[layout.bias_offset(h) + j] = theta[layout.bias_offset(h)];
    }
  }
}

double hidden_unit_spread(const MlpLayout& layout, const Vec& theta) {
  check_point(layout, theta);
  // Unit j's whole vector: incoming (row, bias), then its outgoing column.
  const auto unit = [&](Index h, Index j) {
    const Vec in = incoming(layout, theta, h, j);
    const auto w_out = layout.weight(theta, h + 1);
    Vec u(in.size() + w_out.rows());
    u << in, w_out.col(j);
    return u;
  };
  double spread = 0.0;
  for (Index h = 0; h + 1 < layout.num_layers(); ++h) {
    const Vec u0 = unit(h, 0);
    const double scale = u0.norm() > 0.0 ? u0.norm() : 1.0;
    for (Index j = 1; j < layout.widths()[h + 1]; ++j) spread = std::max(spread, (unit(h, j) - u0).norm() / scale);
  }
  return spread;
}

Vec canonical_mlp_parameters(const MlpLayout& layout, Activation activation, const Vec& theta) {
  check_point(layout, theta);
  Vec canonical = theta;
  for (Index h = 0; h + 1 < layout.num_layers(); ++h) {
    const Index n = layout.widths()[h + 1];
    if (has_sign_symmetry(activation))
      for (Index j = 0; j < n; ++j)
        if (leading_sign(incoming(layout, canonical, h, j)) < 0) flip_hidden_unit(layout, canonical, h, j);
    std::vector<Vec> keys;
    for (Index j = 0; j < n; ++j) keys.push_back(incoming(layout, canonical, h, j));
    std::vector<Index> order(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), Index{0});
    std::stable_sort(order.begin(), order.end(), [&](Index a, Index b) {
      return std::lexicographical_compare(keys[a].begin(), keys[a].end(), keys[b].begin(), keys[b].end());
    });
    permute_hidden_units(layout, canonical, h, order);
  }
  return canonical;
}

}  // namespace optdyn
