// The Mlp's least-squares view (mse without l2): residuals, J v and Jᵀ u. Notation in mlp.cpp.
#include "optdyn/objectives/mlp.hpp"

#include <cmath>
#include <string>

#include "mlp_passes.hpp"
#include "optdyn/core/error.hpp"

namespace optdyn {

using namespace mlp_detail;

// --- least-squares view ------------------------------------------------------------------
// r = vec((f(X) − Y)/√n) (column-major k × n, i.e. sample-major), F = ½‖r‖² exactly when
// loss = mse and l2 = 0. J v = vec(R{f})/√n (forward R pass); Jᵀ u = backprop of
// δ_L = reshape(u)/√n (the same backward() as the gradient).

Index Mlp::num_residuals() const { return arch_.widths.back() * data_.size(); }

Vec Mlp::residuals(const Vec& theta) const {
  Mat r = predict(theta, data_.inputs) - targets_;
  r /= std::sqrt(static_cast<double>(data_.size()));
  return Eigen::Map<const Vec>(r.data(), r.size());
}

Vec Mlp::jacobian_vector(const Vec& theta, const Vec& v) const {
  if (theta.size() != dim() || v.size() != dim())
    throw InputError("Mlp::jacobian_vector: vectors must have length " + std::to_string(dim()));
  ForwardPass fp;
  forward(arch_, layout_, theta, data_.inputs, fp, sparse_input({}));
  TangentPass tp;
  tangent(arch_, layout_, theta, v, fp, /*keep_rz=*/false, tp);
  tp.output /= std::sqrt(static_cast<double>(data_.size()));
  return Eigen::Map<const Vec>(tp.output.data(), tp.output.size());
}

Vec Mlp::jacobian_transpose_vector(const Vec& theta, const Vec& u) const {
  if (theta.size() != dim())
    throw InputError("Mlp::jacobian_transpose_vector: parameter vector must have length " + std::to_string(dim()));
  if (u.size() != num_residuals())
    throw InputError("Mlp::jacobian_transpose_vector: cotangent must have length " +
                     std::to_string(num_residuals()));
  ForwardPass fp;
  forward(arch_, layout_, theta, data_.inputs, fp, sparse_input({}));
  Mat delta = Eigen::Map<const Mat>(u.data(), arch_.widths.back(), data_.size()) /
              std::sqrt(static_cast<double>(data_.size()));
  Vec out(dim());
  backward(arch_, layout_, theta, fp, std::move(delta), out.data());
  return out;
}

}  // namespace optdyn
