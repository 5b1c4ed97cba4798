// Krylov solvers against Eigen's dense LU on random systems: SPD (CG, MINRES, GMRES),
// symmetric indefinite (MINRES, GMRES), non-symmetric (GMRES), and CG's negative-curvature exit.
#define BOOST_TEST_MODULE krylov
#include <boost/test/unit_test.hpp>

#include "optdyn/core/rng.hpp"
#include "optdyn/linalg/krylov.hpp"

using namespace optdyn;

namespace {

Mat random_matrix(Index n, std::uint64_t seed) {
  Rng rng(seed);
  return rng.normal_matrix(n, n);
}

// Q diag(λ) Qᵀ with the given eigenvalues.
Mat symmetric_with_spectrum(const Vec& lambda, std::uint64_t seed) {
  const Mat Q = Eigen::HouseholderQR<Mat>(random_matrix(lambda.size(), seed)).householderQ();
  return Q * lambda.asDiagonal() * Q.transpose();
}

FunctionOperator op(const Mat& A) {
  return FunctionOperator(A.rows(), [&A](const Vec& v, Vec& out) { out = A * v; });
}

double solve_error(const Mat& A, const Vec& b, const Vec& x) {
  const Vec exact = A.partialPivLu().solve(b);
  return (x - exact).norm() / exact.norm();
}

}  // namespace

BOOST_AUTO_TEST_CASE(spd_system_all_three_solvers) {
  const Index n = 60;
  Vec lambda = Vec::LinSpaced(n, 1.0, 1e3);
  const Mat A = symmetric_with_spectrum(lambda, 1);
  Rng rng(2);
  const Vec b = rng.normal_vector(n);
  KrylovOptions o;
  o.tol = 1e-12;
  o.max_iterations = 500;
  for (auto solver : {&conjugate_gradient, &minres, &gmres}) {
    Vec x;
    const KrylovResult r = solver(op(A), b, x, o);
    BOOST_TEST(r.converged);
    BOOST_TEST(solve_error(A, b, x) < 1e-9);
    BOOST_TEST((b - A * x).norm() / b.norm() < 1e-11);
  }
}

BOOST_AUTO_TEST_CASE(cg_is_exact_in_at_most_n_steps_on_distinct_eigenvalues) {
  // Exact arithmetic: CG terminates in ≤ (number of distinct eigenvalues) steps.
  Vec lambda(8);
  lambda << 1, 1, 2, 2, 5, 5, 9, 9;  // 4 distinct values
  const Mat A = symmetric_with_spectrum(lambda, 3);
  Rng rng(4);
  const Vec b = rng.normal_vector(8);
  Vec x;
  KrylovOptions o;
  o.tol = 1e-12;
  const KrylovResult r = conjugate_gradient(op(A), b, x, o);
  BOOST_TEST(r.converged);
  BOOST_TEST(r.products <= 5u);
  BOOST_TEST(solve_error(A, b, x) < 1e-10);
}

BOOST_AUTO_TEST_CASE(minres_solves_symmetric_indefinite_systems) {
  const Index n = 50;
  Vec lambda = Vec::LinSpaced(n, -10.0, 30.0);
  for (Index i = 0; i < n; ++i)
    if (std::abs(lambda[i]) < 0.5) lambda[i] = 0.5;  // keep A well away from singular
  const Mat A = symmetric_with_spectrum(lambda, 5);
  Rng rng(6);
  const Vec b = rng.normal_vector(n);
  KrylovOptions o;
  o.tol = 1e-12;
  o.max_iterations = 400;
  for (auto solver : {&minres, &gmres}) {
    Vec x;
    const KrylovResult r = solver(op(A), b, x, o);
    BOOST_TEST(r.converged);
    BOOST_TEST(solve_error(A, b, x) < 1e-9);
  }
}

BOOST_AUTO_TEST_CASE(gmres_solves_nonsymmetric_systems_with_restarts) {
  const Index n = 80;
  const Mat A = Mat::Identity(n, n) * 4.0 + random_matrix(n, 7) / std::sqrt(static_cast<double>(n));
  Rng rng(8);
  const Vec b = rng.normal_vector(n);
  KrylovOptions o;
  o.tol = 1e-12;
  o.max_iterations = 1000;
  o.restart = 10;  // forces several restarts
  Vec x;
  const KrylovResult r = gmres(op(A), b, x, o);
  BOOST_TEST(r.converged);
  BOOST_TEST(r.products > 10u);
  BOOST_TEST(solve_error(A, b, x) < 1e-9);
  BOOST_TEST(r.relative_residual == (b - A * x).norm() / b.norm(), boost::test_tools::tolerance(1e-2));
}

BOOST_AUTO_TEST_CASE(initial_guess_is_used) {
  const Index n = 30;
  const Mat A = symmetric_with_spectrum(Vec::LinSpaced(n, 1.0, 10.0), 9);
  Rng rng(10);
  const Vec b = rng.normal_vector(n);
  Vec x = A.partialPivLu().solve(b);  // already the solution
  KrylovOptions o;
  o.tol = 1e-10;
  o.use_initial_guess = true;
  for (auto solver : {&conjugate_gradient, &minres, &gmres}) {
    Vec guess = x;
    const KrylovResult r = solver(op(A), b, guess, o);
    BOOST_TEST(r.converged);
    BOOST_TEST(r.products == 1u);  // the single product for b − A x₀
  }
}

BOOST_AUTO_TEST_CASE(cg_reports_negative_curvature) {
  Vec lambda(4);
  lambda << -1.0, 2.0, 3.0, 4.0;
  const Mat A = symmetric_with_spectrum(lambda, 11);
  Vec b = Vec::Zero(4);
  // b along the negative eigenvector: the first direction already has pᵀAp < 0.
  Eigen::SelfAdjointEigenSolver<Mat> eig(A);
  b = eig.eigenvectors().col(0);
  Vec x;
  const KrylovResult r = conjugate_gradient(op(A), b, x);
  BOOST_TEST(r.negative_curvature);
  BOOST_TEST(!r.converged);
  BOOST_TEST((x - b).norm() == 0.0);  // steepest-descent fallback
}
