#include "optdyn/analysis/hessian_operator.hpp"

#include <stdexcept>
#include <string>

#include "optdyn/core/error.hpp"

namespace optdyn::analysis {

Vec SymmetricOperator::operator*(const Vec& x) const {
  if (x.size() != rows())
    throw std::invalid_argument("SymmetricOperator: vector of length " + std::to_string(x.size()) +
                                ", operator of size " + std::to_string(rows()));
  Vec y(rows());
  perform_op(x.data(), y.data());
  return y;
}

Mat SymmetricOperator::dense() const {
  const Index n = rows();
  Mat a(n, n);
  Vec e = Vec::Zero(n);
  for (Index j = 0; j < n; ++j) {
    e[j] = 1.0;
    perform_op(e.data(), a.col(j).data());
    e[j] = 0.0;
  }
  Mat sym = 0.5 * (a + a.transpose());
  return sym;
}

HessianOperator::HessianOperator(const Objective& objective, const Vec& theta)
    : objective_(objective), theta_(theta) {
  if (theta.size() != objective.dim())
    throw InputError("objective '" + objective.spec() + "': parameter vector has length " +
                     std::to_string(theta.size()) + ", expected " + std::to_string(objective.dim()));
  if (const auto* mlp = dynamic_cast<const Mlp*>(&objective))
    curvature_ = std::make_unique<MlpCurvature>(mlp->bind(theta_));
  x_.resize(objective.dim());
}

void HessianOperator::apply(const Scalar* x_in, Scalar* y_out) const {
  const Index n = rows();
  x_ = Eigen::Map<const Vec>(x_in, n);
  if (curvature_)
    curvature_->hvp(x_, y_);
  else
    objective_.hessian_vector(theta_, x_, y_);
  Eigen::Map<Vec>(y_out, n) = y_;
}

Mat HessianOperator::dense() const {
  if (curvature_) return SymmetricOperator::dense();
  Mat h = objective_.hessian(theta_);
  Mat sym = 0.5 * (h + h.transpose());
  return sym;
}

DenseSymmetricOperator::DenseSymmetricOperator(Mat matrix) : matrix_(std::move(matrix)) {
  if (matrix_.rows() != matrix_.cols())
    throw std::invalid_argument("DenseSymmetricOperator: matrix is " + std::to_string(matrix_.rows()) + "×" +
                                std::to_string(matrix_.cols()));
}

void DenseSymmetricOperator::apply(const Scalar* x_in, Scalar* y_out) const {
  const Index n = rows();
  Eigen::Map<Vec>(y_out, n).noalias() = matrix_ * Eigen::Map<const Vec>(x_in, n);
}

ShiftedOperator::ShiftedOperator(const SymmetricOperator& base, double shift, double sign)
    : base_(base), shift_(shift), sign_(sign) {
  if (sign != 1.0 && sign != -1.0) throw std::invalid_argument("ShiftedOperator: sign must be ±1");
}

void ShiftedOperator::apply(const Scalar* x_in, Scalar* y_out) const {
  const Index n = rows();
  base_.perform_op(x_in, y_out);
  Eigen::Map<Vec> y(y_out, n);
  y = sign_ * y + shift_ * Eigen::Map<const Vec>(x_in, n);
}

}  // namespace optdyn::analysis
