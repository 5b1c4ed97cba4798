#pragma once
// The one operator concept of the project: a square linear map A: R^n → R^n known only by its
// products v ↦ A v — a Hessian at a point (objective.hpp BoundCurvature), a Fisher or
// Gauss–Newton matrix, a Newton matrix I − hγJ — with the products counted.
//
//   Index rows() const;                     n
//   void apply(const Vec& v, Vec& out);     out = A v (out is resized; v and out must not
//                                           alias); counts one product
//   std::uint64_t products() const;         products so far (reset_products() zeroes it)
//
// Every matrix-free algorithm takes it: Lanczos and Krylov–Schur (lanczos.hpp,
// krylov_schur.hpp), CG, MINRES and GMRES (krylov.hpp), stochastic Lanczos quadrature
// (analysis/spectral_density.hpp), and Spectra through a thin adaptor with Spectra's
// perform_op (analysis/src/hessian_eigen.cpp). All of them except GMRES need A = Aᵀ; the
// alias SymmetricOperator names that requirement at their signatures (the same type).
//
// Concrete operators: FunctionOperator (any callable v ↦ A v, e.g. a lambda over an oracle),
// DenseSymmetricOperator (a matrix: tests, small problems), ShiftedOperator (σ I ± A), and the
// objectives' bound Hessian (BoundCurvature). Counters are mutable and not thread-safe: one
// operator is applied by one thread at a time.
//
// Dense matrices from products: dense_from_products builds [A e_1 … A e_n] column by column,
// the one loop for every "stack n products with the unit vectors" (dense Hessians, Jacobians,
// test references); symmetric_part(M) = ½(M + Mᵀ) removes the rounding asymmetry of such a
// stack (exactly symmetric, and a no-op on an exactly symmetric M).
#include <cstdint>
#include <functional>

#include "optdyn/core/types.hpp"

namespace optdyn {

class LinearOperator {
 public:
  using Scalar = double;
  virtual ~LinearOperator() = default;

  virtual Index rows() const = 0;
  Index cols() const { return rows(); }
  // out = A v; counts one product.
  void apply(const Vec& v, Vec& out) const {
    ++products_;
    product(v, out);
  }
  // A v; std::invalid_argument when v does not have length rows().
  Vec operator*(const Vec& v) const;
  // The matrix of the operator. Default: dense_from_products(*this) (rows() counted products).
  virtual Mat dense() const;

  std::uint64_t products() const { return products_; }
  void reset_products() const { products_ = 0; }

 protected:
  // out = A v (out resized by the callee); not counted here.
  virtual void product(const Vec& v, Vec& out) const = 0;

 private:
  mutable std::uint64_t products_ = 0;
};

// The operators of the symmetric algorithms (everything but GMRES): the same type.
using SymmetricOperator = LinearOperator;

// A callable v ↦ A v (out resized by the callable) as an operator of size n. Copies share nothing
// but the callable's captures.
class FunctionOperator final : public LinearOperator {
 public:
  using Function = std::function<void(const Vec& v, Vec& out)>;
  FunctionOperator(Index rows, Function function) : rows_(rows), function_(std::move(function)) {}
  Index rows() const override { return rows_; }

 protected:
  void product(const Vec& v, Vec& out) const override { function_(v, out); }

 private:
  Index rows_;
  Function function_;
};

// A dense square matrix (its symmetry is the caller's promise to the symmetric algorithms).
class DenseSymmetricOperator final : public LinearOperator {
 public:
  // Throws std::invalid_argument when the matrix is not square.
  explicit DenseSymmetricOperator(Mat matrix);
  Index rows() const override { return matrix_.rows(); }
  const Mat& matrix() const { return matrix_; }
  Mat dense() const override { return matrix_; }

 protected:
  void product(const Vec& v, Vec& out) const override;

 private:
  Mat matrix_;
};

// out = shift·v + sign·(A v), sign = ±1 (e.g. λmax I − A for the smallest eigenvalues).
// Products are counted here AND on `base`, which must outlive this operator.
class ShiftedOperator final : public LinearOperator {
 public:
  // Throws std::invalid_argument unless sign is ±1.
  ShiftedOperator(const LinearOperator& base, double shift, double sign);
  Index rows() const override { return base_.rows(); }

 protected:
  void product(const Vec& v, Vec& out) const override;

 private:
  const LinearOperator& base_;
  double shift_, sign_;
};

// [A e_1, …, A e_cols] for a linear map given by product(e, column): column = A e (A may be
// rectangular: the rows are the length of the first column). e is the unit vector e_j of length
// `cols`, built once and reused. Not symmetrised.
Mat dense_from_products(const std::function<void(const Vec& e, Vec& column)>& product, Index cols);
// The same for an operator: rows() counted products.
Mat dense_from_products(const LinearOperator& a);
// ½(M + Mᵀ) of a square M.
Mat symmetric_part(const Mat& m);

}  // namespace optdyn
