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
// δ_L = reshape(u)/√n (the same backward() as the gradient). By sample blocks
// (core/sample_blocks.hpp): r and J v block by block (each block its own columns), Jᵀ u as a
// sum of the blocks' partials in block order.

Index Mlp::num_residuals() const { return arch_.widths.back() * data_.size(); }

Vec Mlp::residuals(const Vec& theta) const {
  if (theta.size() != dim())
    throw InputError("Mlp::residuals: parameter vector has length " + std::to_string(theta.size()) + ", expected " +
                     std::to_string(dim()));
  const SampleBlocks blocks = sample_blocks({});
  const Index k = arch_.widths.back();
  const double root_n = std::sqrt(static_cast<double>(data_.size()));
  Vec out(num_residuals());
  block_backend().gather(blocks.count(), blocks.offsets(k), [&](Index b, double* piece) {
    Samples s;
    select_block(data_.inputs, targets_, {}, blocks, b, s);
    ForwardPass fp;
    forward(arch_, layout_, theta, s.x(), fp);  // dense products, as predict()
    Eigen::Map<Mat>(piece, k, s.count()) = (fp.output - s.y()) / root_n;
  }, out.data());
  return out;
}

Vec Mlp::jacobian_vector(const Vec& theta, const Vec& v) const {
  if (theta.size() != dim() || v.size() != dim())
    throw InputError("Mlp::jacobian_vector: vectors must have length " + std::to_string(dim()));
  const SampleBlocks blocks = prepare_blocks({});
  const Index k = arch_.widths.back();
  const double root_n = std::sqrt(static_cast<double>(data_.size()));
  Vec out(num_residuals());
  block_backend().gather(blocks.count(), blocks.offsets(k), [&](Index b, double* piece) {
    Samples s;
    select_block(data_.inputs, targets_, {}, blocks, b, s);
    ForwardPass fp;
    forward(arch_, layout_, theta, s.x(), fp, sparse_input({}, b));
    TangentPass tp;
    tangent(arch_, layout_, theta, v, fp, /*keep_rz=*/false, tp);
    Eigen::Map<Mat>(piece, k, s.count()) = tp.output / root_n;
  }, out.data());
  return out;
}

Vec Mlp::jacobian_transpose_vector(const Vec& theta, const Vec& u) const {
  if (theta.size() != dim())
    throw InputError("Mlp::jacobian_transpose_vector: parameter vector must have length " + std::to_string(dim()));
  if (u.size() != num_residuals())
    throw InputError("Mlp::jacobian_transpose_vector: cotangent must have length " +
                     std::to_string(num_residuals()));
  const SampleBlocks blocks = prepare_blocks({});
  const Index k = arch_.widths.back();
  const double root_n = std::sqrt(static_cast<double>(data_.size()));
  Vec out(dim());
  sum_over_blocks(blocks.count(), dim(), [&](Index b, double* partial) {
    Samples s;
    select_block(data_.inputs, targets_, {}, blocks, b, s);
    ForwardPass fp;
    forward(arch_, layout_, theta, s.x(), fp, sparse_input({}, b));
    Mat delta = Eigen::Map<const Mat>(u.data() + blocks.begin(b) * k, k, s.count()) / root_n;
    backward(arch_, layout_, theta, fp, std::move(delta), partial);
  }, out.data());
  return out;
}

}  // namespace optdyn
