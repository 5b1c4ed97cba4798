#include "optdyn/analysis/input_output_jacobian.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/QR>
#include <Eigen/SVD>

#include "optdyn/core/error.hpp"

namespace optdyn {
namespace {

void check_inputs(const MlpLayout& layout, const Vec& theta, const Vec& x) {
  if (theta.size() != layout.size())
    throw InputError("input_output_jacobian: theta has " + std::to_string(theta.size()) +
                     " entries, the layout needs " + std::to_string(layout.size()));
  if (x.size() != layout.widths().front())
    throw InputError("input_output_jacobian: x has " + std::to_string(x.size()) +
                     " entries, the input width is " + std::to_string(layout.widths().front()));
}

// Walks the forward pass z_l = W_l h_{l−1} + b_l, h_l = σ(z_l) and hands each layer's
// factor F_l = D_l W_l (hidden) or W_L (output) to `visit`.
void for_each_factor(const MlpLayout& layout, Activation activation, const Vec& theta,
                     const Vec& x, const std::function<void(Mat&&)>& visit) {
  check_inputs(layout, theta, x);
  const Index layers = layout.num_layers();
  Vec h = x;
  for (Index l = 0; l < layers; ++l) {
    const auto weight = layout.weight(theta, l);
    Vec z = weight * h;
    if (layout.has_bias()) z += layout.bias(theta, l);
    Mat factor = weight;
    if (l + 1 < layers) {
      for (Index i = 0; i < z.size(); ++i) {
        factor.row(i) *= activation_derivative(activation, z(i));  // D_l = diag(σ'(z_l))
        z(i) = activation_value(activation, z(i));
      }
    }
    visit(std::move(factor));
    h = std::move(z);
  }
}

Mat explicit_product(const std::vector<Mat>& factors) {
  Mat p = factors.front();
  for (std::size_t l = 1; l < factors.size(); ++l) p = (factors[l] * p).eval();
  return p;
}

// One QR sweep over P = F_L ⋯ F_1 (factors[0] = F_1): returns R_1..R_L (upper triangular,
// positive diagonal) with P = Q R_L ⋯ R_1. False if a diagonal entry is exactly zero.
bool qr_sweep(const std::vector<Mat>& factors, std::vector<Mat>& rs) {
  const Index n = factors.front().rows();
  rs.clear();
  // Q_{l−1} is kept as Householder reflectors times a diagonal of signs (which makes the
  // diagonal of R_l positive): F_l Q_{l−1} = (F_l H_{l−1}) diag(signs_{l−1}).
  Eigen::HouseholderQR<Mat> qr(n, n);
  Vec signs = Vec::Ones(n);
  Mat a(n, n);
  for (std::size_t l = 0; l < factors.size(); ++l) {
    if (l == 0) {
      a = factors[0];
    } else {
      a.noalias() = factors[l] * qr.householderQ();
      a = a * signs.asDiagonal();
    }
    qr.compute(a);
    Mat r = qr.matrixQR().triangularView<Eigen::Upper>();
    for (Index i = 0; i < n; ++i) {
      if (r(i, i) == 0.0) return false;
      signs(i) = r(i, i) < 0.0 ? -1.0 : 1.0;
      if (r(i, i) < 0.0) r.row(i) *= -1.0;
    }
    rs.push_back(std::move(r));
  }
  return true;
}

// Log singular values of R_L ⋯ R_1 (rs[0] = R_1) through the scaled form Λ C (header).
Vec log_singular_values_of_triangular_product(const std::vector<Mat>& rs) {
  const Index n = rs.front().rows();
  Vec log_lambda = Vec::Zero(n);
  Mat c = Mat::Identity(n, n);
  Mat s(n, n);
  for (const Mat& r : rs) {
    // S = Λ^{-1} U Λ with U = diag(R)^{-1} R: S_ij = (R_ij / R_ii) · exp(ln Λ_j − ln Λ_i).
    s.setZero();
    for (Index i = 0; i < n; ++i) {
      s(i, i) = 1.0;
      for (Index j = i + 1; j < n; ++j)
        s(i, j) = r(i, j) / r(i, i) * std::exp(log_lambda(j) - log_lambda(i));
    }
    c = (s.triangularView<Eigen::UnitUpper>() * c).eval();
    for (Index i = 0; i < n; ++i) log_lambda(i) += std::log(r(i, i));
  }
  // (Λ C)ᵀ = Cᵀ Λ, shifted by max ln Λ so that nothing overflows.
  const double shift = log_lambda.maxCoeff();
  const Vec scale = (log_lambda.array() - shift).exp().matrix();
  const Mat bt = c.transpose() * scale.asDiagonal();
  Eigen::JacobiSVD<Mat> svd(bt);
  Vec out = svd.singularValues().array().log().matrix();
  out.array() += shift;
  return out;  // descending
}

}  // namespace

std::vector<Mat> input_output_jacobian_factors(const MlpLayout& layout, Activation activation,
                                               const Vec& theta, const Vec& x) {
  std::vector<Mat> factors;
  for_each_factor(layout, activation, theta, x, [&](Mat&& f) { factors.push_back(std::move(f)); });
  return factors;
}

Mat input_output_jacobian(const MlpLayout& layout, Activation activation, const Vec& theta,
                          const Vec& x) {
  // Forward accumulation: J_l = F_l J_{l−1}, J_0 = I (cost Σ_l d_l d_{l−1} d_0).
  Mat jacobian = Mat::Identity(x.size(), x.size());
  for_each_factor(layout, activation, theta, x,
                  [&](Mat&& f) { jacobian = (f * jacobian).eval(); });
  return jacobian;
}

Mat input_output_jacobian(const Mlp& mlp, const Vec& theta, const Vec& x) {
  return input_output_jacobian(mlp.layout(), mlp.architecture().activation, theta, x);
}

Vec singular_values(const Mat& matrix) {
  if (matrix.size() == 0) return Vec();
  // BDCSVD: divide-and-conquer bidiagonal SVD (Eigen), values only, descending.
  Eigen::BDCSVD<Mat> svd(matrix);
  return svd.singularValues();
}

ProductSvdResult product_singular_values(const std::vector<Mat>& factors,
                                         const ProductSvdOptions& options) {
  ProductSvdResult result;
  if (factors.empty()) throw InputError("product_singular_values: no factors");
  const Index n = factors.front().rows();
  bool square = true;
  for (const Mat& f : factors) square = square && f.rows() == n && f.cols() == n;
  std::vector<Mat> rs;
  if (!square || n == 0 || !qr_sweep(factors, rs)) {
    result.singular_values = singular_values(explicit_product(factors));
    return result;
  }
  result.sweeps = 1;
  Vec log_s = log_singular_values_of_triangular_product(rs);
  result.last_change = std::numeric_limits<double>::infinity();
  std::vector<Mat> transposed;
  while (result.sweeps < std::max(1, options.max_sweeps)) {
    // P ≅ R_L ⋯ R_1, so Pᵀ ≅ R_1ᵀ ⋯ R_Lᵀ: factors (rightmost first) R_Lᵀ, ..., R_1ᵀ.
    transposed.clear();
    for (auto it = rs.rbegin(); it != rs.rend(); ++it) transposed.push_back(it->transpose());
    std::vector<Mat> next;
    if (!qr_sweep(transposed, next)) break;
    rs = std::move(next);
    ++result.sweeps;
    const Vec updated = log_singular_values_of_triangular_product(rs);
    result.last_change = (updated - log_s).cwiseAbs().maxCoeff();
    log_s = updated;
    if (result.last_change < options.tolerance) break;
  }
  result.singular_values = log_s.array().exp().matrix();
  return result;
}

Vec input_output_singular_values(const MlpLayout& layout, Activation activation,
                                 const Vec& theta, const Vec& x, const ProductSvdOptions& options) {
  return product_singular_values(input_output_jacobian_factors(layout, activation, theta, x),
                                 options)
      .singular_values;
}

SingularValueSummary summarize_singular_values(const Vec& values) {
  SingularValueSummary s;
  const Index k = values.size();
  if (k == 0) return s;
  std::vector<double> sorted(values.data(), values.data() + k);
  std::sort(sorted.begin(), sorted.end());
  s.min = sorted.front();
  s.max = sorted.back();
  s.median = (k % 2 == 1) ? sorted[k / 2] : 0.5 * (sorted[k / 2 - 1] + sorted[k / 2]);
  double sum = 0.0;
  for (double v : sorted) sum += std::log(v);
  s.mean_log = sum / static_cast<double>(k);
  double sq = 0.0;
  for (double v : sorted) {
    const double d = std::log(v) - s.mean_log;
    sq += d * d;
  }
  s.std_log = std::sqrt(sq / static_cast<double>(k));
  s.condition = s.min > 0.0 ? s.max / s.min : std::numeric_limits<double>::infinity();
  return s;
}

}  // namespace optdyn
