#include "optdyn/linalg/operator.hpp"

#include <stdexcept>
#include <string>

namespace optdyn {

Vec LinearOperator::operator*(const Vec& v) const {
  if (v.size() != rows())
    throw std::invalid_argument("operator: vector of length " + std::to_string(v.size()) + ", operator of size " +
                                std::to_string(rows()));
  Vec out(rows());
  apply(v, out);
  return out;
}

Mat LinearOperator::dense() const { return dense_from_products(*this); }

DenseSymmetricOperator::DenseSymmetricOperator(Mat matrix) : matrix_(std::move(matrix)) {
  if (matrix_.rows() != matrix_.cols())
    throw std::invalid_argument("DenseSymmetricOperator: matrix is " + std::to_string(matrix_.rows()) + "×" +
                                std::to_string(matrix_.cols()));
}

void DenseSymmetricOperator::product(const Vec& v, Vec& out) const {
  out.resize(matrix_.rows());
  out.noalias() = matrix_ * v;
}

ShiftedOperator::ShiftedOperator(const LinearOperator& base, double shift, double sign)
    : base_(base), shift_(shift), sign_(sign) {
  if (sign != 1.0 && sign != -1.0) throw std::invalid_argument("ShiftedOperator: sign must be ±1");
}

void ShiftedOperator::product(const Vec& v, Vec& out) const {
  base_.apply(v, out);
  out = sign_ * out + shift_ * v;
}

// Column j is A e_j; e is one vector with a single 1 moved along.
Mat dense_from_products(const std::function<void(const Vec& e, Vec& column)>& product, Index cols) {
  Mat m;
  Vec e = Vec::Zero(cols), column;
  for (Index j = 0; j < cols; ++j) {
    e[j] = 1.0;
    product(e, column);
    if (j == 0) m.resize(column.size(), cols);
    m.col(j) = column;
    e[j] = 0.0;
  }
  return m;
}

Mat dense_from_products(const LinearOperator& a) {
  return dense_from_products([&a](const Vec& e, Vec& column) { a.apply(e, column); }, a.rows());
}

Mat symmetric_part(const Mat& m) { return 0.5 * (m + m.transpose()); }

}  // namespace optdyn
