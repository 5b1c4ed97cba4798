// Tests of the Krylov–Schur (thick-restart Lanczos) eigensolver, linalg/krylov_schur.hpp.
// References: Eigen's dense SelfAdjointEigenSolver, spectra built by hand (diagonal matrices
// rotated by a random orthogonal Q), and fresh products for the residuals.
#define BOOST_TEST_MODULE krylov_schur
#include <boost/test/unit_test.hpp>

#include <Eigen/Eigenvalues>
#include <Eigen/QR>
#include <algorithm>
#include <cmath>

#include "optdyn/core/rng.hpp"
#include "optdyn/linalg/krylov_schur.hpp"
#include "optdyn/linalg/operator.hpp"

using namespace optdyn;

namespace {

// Q diag(values) Qᵀ with a Haar-like orthogonal Q (QR of a Gaussian matrix).
Mat rotated_diagonal(const Vec& values, std::uint64_t seed) {
  Rng rng(seed);
  const Index d = values.size();
  const Mat q = Eigen::HouseholderQR<Mat>(rng.normal_matrix(d, d)).householderQ();
  return q * values.asDiagonal() * q.transpose();
}

// ‖A v − λ v‖ with the dense matrix: independent of the solver's stored products.
double dense_residual(const Mat& a, double lambda, const Vec& v) { return (a * v - lambda * v).norm(); }

}  // namespace

// Both ends of a prescribed spectrum, with restarts (ncv small), against the exact values;
// the residuals the solver reports (from its stored products) equal dense ones.
BOOST_AUTO_TEST_CASE(both_ends_of_a_known_spectrum_with_restarts) {
  const Index d = 400;
  Vec values(d);
  for (Index i = 0; i < d; ++i) values[i] = -1.0 + 3.0 * static_cast<double>(i) / (d - 1);
  values[0] = -1.5;  // an isolated bottom and an evenly spaced (slow) rest
  const Mat a = rotated_diagonal(values, 7);
  DenseSymmetricOperator op(a);
  KrylovSchurOptions o;
  o.largest = 4;
  o.smallest = 3;
  o.ncv = 16;
  o.tol = 1e-10;
  const KrylovSchurResult r = krylov_schur(op, o);
  BOOST_TEST_MESSAGE("known spectrum: " << r.products << " products, " << r.restarts << " restarts");
  BOOST_TEST(r.converged);
  BOOST_TEST(r.restarts > 0);
  BOOST_TEST(r.stored_products);
  BOOST_REQUIRE(r.eigenvalues.size() == 7);
  Vec sorted = values;
  std::sort(sorted.begin(), sorted.end());
  for (Index i = 0; i < 4; ++i) BOOST_TEST(std::abs(r.eigenvalues[i] - sorted[d - 1 - i]) <= 1e-9);
  for (Index i = 0; i < 3; ++i) BOOST_TEST(std::abs(r.eigenvalues[4 + i] - sorted[i]) <= 1e-9);
  for (Index i = 0; i < 7; ++i) {
    BOOST_TEST(std::abs(r.eigenvectors.col(i).norm() - 1.0) <= 1e-12);
    const double res = dense_residual(a, r.eigenvalues[i], r.eigenvectors.col(i));
    BOOST_TEST(std::abs(res - r.residuals[i]) <= 1e-12);
    BOOST_TEST(r.residuals[i] <= 1e-10 * std::max(std::abs(r.eigenvalues[i]), 1.0) + 1e-13);
    BOOST_TEST(r.pair_converged[i]);
  }
  // Products: the solve only (no residual products with stored AV), as counted by the operator.
  BOOST_TEST(r.products == op.products());
}

// Without room for AV the residuals cost one fresh product per pair and agree with the stored
// run's (same start vector, same iterates).
BOOST_AUTO_TEST_CASE(fresh_products_when_the_basis_products_do_not_fit) {
  Vec values = Vec::LinSpaced(200, 0.0, 1.0);
  values.tail(3) << 2.0, 3.0, 5.0;
  const Mat a = rotated_diagonal(values, 3);
  DenseSymmetricOperator stored_op(a), fresh_op(a);
  KrylovSchurOptions o;
  o.largest = 3;
  o.tol = 1e-12;
  const KrylovSchurResult stored = krylov_schur(stored_op, o);
  o.max_stored_bytes = 0.0;
  const KrylovSchurResult fresh = krylov_schur(fresh_op, o);
  BOOST_TEST(stored.stored_products);
  BOOST_TEST(!fresh.stored_products);
  BOOST_TEST(fresh.converged);
  BOOST_TEST(fresh.products == stored.products + 3);
  for (Index i = 0; i < 3; ++i) {
    BOOST_TEST(std::abs(fresh.eigenvalues[i] - values[199 - i]) <= 1e-11);
    BOOST_TEST(std::abs(fresh.residuals[i] - dense_residual(a, fresh.eigenvalues[i], fresh.eigenvectors.col(i))) <= 1e-12);
  }
}

// Few distinct eigenvalues: the Krylov space of one start vector is invariant after 3 steps
// and holds one copy of each; more copies can only come from the fresh directions taken after
// each breakdown. Like every single-vector Krylov method (ARPACK, Spectra) the solver cannot
// tell that copies are still missing once the pairs it has are exact (here it stops with three
// of the six copies of 10 and two 5s among the "five largest"): the test checks what holds —
// exact, orthonormal eigenpairs, and several copies found through the continuation.
BOOST_AUTO_TEST_CASE(breakdown_continues_from_fresh_directions) {
  const Index d = 200;
  Vec values(d);
  for (Index i = 0; i < d; ++i) values[i] = i < 6 ? 10.0 : (i < 106 ? 5.0 : 1.0);
  const Mat a = rotated_diagonal(values, 11);
  DenseSymmetricOperator op(a);
  KrylovSchurOptions o;
  o.largest = 5;
  o.smallest = 3;
  o.tol = 1e-10;
  const KrylovSchurResult r = krylov_schur(op, o);
  BOOST_TEST_MESSAGE("multiplicities: " << r.eigenvalues.transpose() << ", " << r.products << " products");
  BOOST_TEST(r.converged);
  BOOST_REQUIRE(r.eigenvalues.size() == 8);
  for (Index i = 0; i < 8; ++i) {
    const double v = r.eigenvalues[i];
    BOOST_TEST(std::min({std::abs(v - 10.0), std::abs(v - 5.0), std::abs(v - 1.0)}) <= 1e-9);
    BOOST_TEST(dense_residual(a, v, r.eigenvectors.col(i)) <= 1e-9);
  }
  BOOST_TEST(std::abs(r.eigenvalues[1] - 10.0) <= 1e-9);  // a second copy: only after a breakdown
  BOOST_TEST(std::abs(r.eigenvalues[6] - 1.0) <= 1e-9);
  BOOST_TEST((r.eigenvectors.transpose() * r.eigenvectors - Mat::Identity(8, 8)).lpNorm<Eigen::Infinity>() <= 1e-10);
}

// ncv = D: the basis fills the whole space and the Ritz pairs are exact eigenpairs.
BOOST_AUTO_TEST_CASE(whole_space) {
  Rng rng(5);
  const Mat g = rng.normal_matrix(12, 12);
  const Mat a = (g + g.transpose()) / 2.0;
  DenseSymmetricOperator op(a);
  KrylovSchurOptions o;
  o.largest = 2;
  o.smallest = 2;
  o.ncv = 12;
  o.tol = 1e-14;
  const KrylovSchurResult r = krylov_schur(op, o);
  const Vec exact = Eigen::SelfAdjointEigenSolver<Mat>(a, Eigen::EigenvaluesOnly).eigenvalues();
  BOOST_TEST(r.converged);
  BOOST_TEST(r.products <= 12u);
  BOOST_TEST(std::abs(r.eigenvalues[0] - exact[11]) <= 1e-12);
  BOOST_TEST(std::abs(r.eigenvalues[1] - exact[10]) <= 1e-12);
  BOOST_TEST(std::abs(r.eigenvalues[2] - exact[0]) <= 1e-12);
  BOOST_TEST(std::abs(r.eigenvalues[3] - exact[1]) <= 1e-12);
}

// The zero operator: every direction is an eigenvector with λ = 0; residuals are exactly 0.
BOOST_AUTO_TEST_CASE(zero_operator) {
  DenseSymmetricOperator op(Mat::Zero(50, 50));
  KrylovSchurOptions o;
  o.largest = 2;
  const KrylovSchurResult r = krylov_schur(op, o);
  BOOST_TEST(r.converged);
  BOOST_TEST(r.eigenvalues.cwiseAbs().maxCoeff() == 0.0);
  BOOST_TEST(r.residuals.maxCoeff() == 0.0);
}

// Same options, same result, bit for bit; another seed gives the same eigenvalues.
BOOST_AUTO_TEST_CASE(deterministic_start) {
  Vec values = Vec::LinSpaced(300, -2.0, 2.0);
  const Mat a = rotated_diagonal(values, 2);
  DenseSymmetricOperator op(a);
  KrylovSchurOptions o;
  o.largest = 3;
  o.tol = 1e-9;
  const KrylovSchurResult r1 = krylov_schur(op, o), r2 = krylov_schur(op, o);
  BOOST_TEST((r1.eigenvectors - r2.eigenvectors).cwiseAbs().maxCoeff() == 0.0);
  BOOST_TEST((r1.eigenvalues - r2.eigenvalues).cwiseAbs().maxCoeff() == 0.0);
  o.seed = 99;
  const KrylovSchurResult r3 = krylov_schur(op, o);
  BOOST_TEST((r1.eigenvalues - r3.eigenvalues).cwiseAbs().maxCoeff() <= 1e-8);
}

// Not converged within the restart budget: converged = false, the per-pair flags say which.
BOOST_AUTO_TEST_CASE(restart_budget) {
  Vec values = Vec::LinSpaced(500, 0.0, 1.0);  // evenly spaced: slow at the ends
  const Mat a = rotated_diagonal(values, 4);
  DenseSymmetricOperator op(a);
  KrylovSchurOptions o;
  o.largest = 5;
  o.ncv = 12;
  o.tol = 1e-12;
  o.max_restarts = 1;
  const KrylovSchurResult r = krylov_schur(op, o);
  BOOST_TEST(!r.converged);
  BOOST_TEST(r.restarts == 1);
  BOOST_TEST(std::count(r.pair_converged.begin(), r.pair_converged.end(), false) > 0);
}

BOOST_AUTO_TEST_CASE(argument_checks) {
  DenseSymmetricOperator op(Mat::Identity(20, 20));
  KrylovSchurOptions o;
  BOOST_CHECK_THROW(krylov_schur(op, o), std::invalid_argument);  // nothing wanted
  o.largest = 10;
  o.smallest = 10;
  BOOST_CHECK_THROW(krylov_schur(op, o), std::invalid_argument);  // 20 wanted of D = 20
  o.smallest = 2;
  o.ncv = 12;
  BOOST_CHECK_THROW(krylov_schur(op, o), std::invalid_argument);  // ncv ≤ wanted
  o.ncv = 21;
  BOOST_CHECK_THROW(krylov_schur(op, o), std::invalid_argument);  // ncv > D
  o.ncv = 0;
  o.tol = 0.0;
  BOOST_CHECK_THROW(krylov_schur(op, o), std::invalid_argument);
  BOOST_TEST(krylov_schur_default_ncv(3, 1000) == 20);
  BOOST_TEST(krylov_schur_default_ncv(20, 1000) == 41);
  BOOST_TEST(krylov_schur_default_ncv(20, 30) == 30);
}
