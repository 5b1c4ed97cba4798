// Tests of linalg's shared pieces: the Lanczos process (lanczos.hpp) in both
// reorthogonalisations, its two drivers (lanczos(), Krylov–Schur), and the one
// dense-from-products helper (operator.hpp), each against a dense reference.
#define BOOST_TEST_MODULE lanczos
#include <boost/test/unit_test.hpp>

#include <Eigen/Eigenvalues>
#include <Eigen/QR>
#include <algorithm>
#include <cmath>
#include <string>

#include "optdyn/core/rng.hpp"
#include "optdyn/linalg/krylov_schur.hpp"
#include "optdyn/linalg/lanczos.hpp"
#include "optdyn/linalg/operator.hpp"
#include "optdyn/objectives/initial_point.hpp"
#include "optdyn/objectives/quadratic.hpp"
#include "optdyn/objectives/registry.hpp"

using namespace optdyn;

namespace {

// A random symmetric matrix with a spread spectrum.
Mat random_symmetric(Index d, std::uint64_t seed) {
  Rng rng(seed);
  const Mat g = rng.normal_matrix(d, d);
  return (g + g.transpose()) / std::sqrt(2.0 * static_cast<double>(d));
}

// Q diag(values) Qᵀ with a Haar-like orthogonal Q.
Mat rotated_diagonal(const Vec& values, std::uint64_t seed) {
  Rng rng(seed);
  const Index d = values.size();
  const Mat q = Eigen::HouseholderQR<Mat>(rng.normal_matrix(d, d)).householderQ();
  return q * values.asDiagonal() * q.transpose();
}

Vec dense_eigenvalues(const Mat& a) { return Eigen::SelfAdjointEigenSolver<Mat>(a, Eigen::EigenvaluesOnly).eigenvalues(); }

// ‖A V_j − V_j H_j − β v_{j+1} e_jᵀ‖ / ‖A‖ and ‖V_{j+1}ᵀV_{j+1} − I‖ of a process.
struct Relation {
  double residual, orthogonality;
};
Relation relation(const Mat& a, const LanczosProcess& p) {
  const Index j = p.size();
  const auto v = p.basis().leftCols(j);
  Mat r = a * v - v * p.projected().topLeftCorner(j, j);
  if (!p.breakdown() && !p.exhausted()) r.col(j - 1) -= p.beta() * p.basis().col(j);
  const Index cols = p.breakdown() || p.exhausted() ? j : j + 1;
  const auto w = p.basis().leftCols(cols);
  return {r.norm() / a.norm(), (w.transpose() * w - Mat::Identity(cols, cols)).norm()};
}

}  // namespace

// Both reorthogonalisations build a Lanczos decomposition of A (orthonormal to rounding, the
// relation A V = V H + β v eᵀ to rounding, H symmetric tridiagonal to rounding), and the two
// agree with each other to rounding: the same space, other roundings.
BOOST_AUTO_TEST_CASE(process_builds_a_lanczos_decomposition_in_both_modes) {
  const Index d = 120, m = 40;
  const Mat a = random_symmetric(d, 3);
  DenseSymmetricOperator op(a);
  Rng rng(5);
  const Vec v1 = rng.normal_vector(d).normalized();
  Mat h[2];
  for (int mode = 0; mode < 2; ++mode) {
    const auto r = mode == 0 ? Reorthogonalization::dgks : Reorthogonalization::twice;
    LanczosProcess p(op, m, r, /*store_products=*/true);
    p.start(v1);
    const std::uint64_t before = op.products();
    for (Index j = 0; j < m; ++j) p.expand();
    BOOST_TEST(op.products() - before == static_cast<std::uint64_t>(m));  // one counted product per vector
    BOOST_TEST(p.size() == m);
    const Relation rel = relation(a, p);
    BOOST_TEST(rel.residual <= 1e-13);
    BOOST_TEST(rel.orthogonality <= 1e-13);
    const Mat hm = p.projected();
    BOOST_TEST((hm - hm.transpose()).norm() == 0.0);  // H is stored symmetric
    for (Index i = 0; i < m; ++i)
      for (Index k = 0; k < m; ++k)
        if (std::abs(i - k) > 1) BOOST_TEST(std::abs(hm(i, k)) <= 1e-12);  // tridiagonal to rounding
    BOOST_TEST((p.products() - a * p.basis().leftCols(m)).norm() <= 1e-13 * a.norm());  // stored A V
    h[mode] = hm;
  }
  BOOST_TEST((h[0] - h[1]).norm() <= 1e-12 * h[0].norm());
}

// A matrix with 5 distinct eigenvalues: the Krylov space is invariant after 5 products. The
// process reports the breakdown, its Ritz values are then exact, and it continues from a
// fresh direction orthogonal to V (Krylov–Schur's rule) with the relation intact.
BOOST_AUTO_TEST_CASE(breakdown_gives_exact_ritz_values_and_continues_from_a_fresh_direction) {
  const Index d = 40;
  Vec values(d);
  for (Index i = 0; i < d; ++i) values[i] = static_cast<double>(i % 5) - 2.0;
  const Mat a = rotated_diagonal(values, 9);
  DenseSymmetricOperator op(a);
  LanczosProcess p(op, 12);
  Rng rng(1);
  p.start(rng.normal_vector(d).normalized());
  Index steps = 0;
  while (!p.breakdown()) {
    p.expand();
    ++steps;
  }
  BOOST_TEST(steps == 5);
  const Vec ritz = dense_eigenvalues(p.projected().topLeftCorner(5, 5));
  for (Index i = 0; i < 5; ++i) BOOST_TEST(std::abs(ritz[i] - (static_cast<double>(i) - 2.0)) <= 1e-12);
  BOOST_TEST(p.continue_from([&] { return rng.normal_vector(d); }));
  BOOST_TEST(!p.breakdown());
  p.expand();
  BOOST_TEST(p.size() == 6);
  const Relation rel = relation(a, p);
  BOOST_TEST(rel.residual <= 1e-12);
  BOOST_TEST(rel.orthogonality <= 1e-12);
  // A direction inside span V is refused: nothing is left outside V.
  LanczosProcess q(op, 3);
  q.start(Vec::Unit(d, 0));
  q.expand();
  BOOST_TEST(!q.continue_from([&] { return Vec(q.basis().col(0)); }, 2));
  BOOST_TEST(q.exhausted());
}

// A thick restart keeps a Krylov decomposition: after V ← V S, H ← diag θ with Ritz pairs,
// the next expansions rebuild the arrowhead coupling and the relation still holds.
BOOST_AUTO_TEST_CASE(thick_restart_keeps_the_decomposition) {
  const Index d = 80, m = 20, keep = 6;
  const Mat a = random_symmetric(d, 11);
  DenseSymmetricOperator op(a);
  LanczosProcess p(op, m, Reorthogonalization::dgks, /*store_products=*/true);
  Rng rng(2);
  p.start(rng.normal_vector(d).normalized());
  for (Index j = 0; j < m; ++j) p.expand();
  const Eigen::SelfAdjointEigenSolver<Mat> ritz(p.projected());
  p.restart(ritz.eigenvectors().rightCols(keep), ritz.eigenvalues().tail(keep));
  BOOST_TEST(p.size() == keep);
  for (Index j = keep; j < m; ++j) p.expand();
  const Relation rel = relation(a, p);
  BOOST_TEST(rel.residual <= 1e-12);
  BOOST_TEST(rel.orthogonality <= 1e-12);
  BOOST_TEST((p.products() - a * p.basis().leftCols(m)).norm() <= 1e-12 * a.norm());
}

// lanczos() (the twice-reorthogonalised driver): with k = D steps T is similar to A, so its
// eigenvalues are A's; with an early breakdown T's are exact eigenvalues.
BOOST_AUTO_TEST_CASE(lanczos_tridiagonal_has_the_dense_eigenvalues) {
  const Index d = 30;
  const Mat a = random_symmetric(d, 4);
  DenseSymmetricOperator op(a);
  Rng rng(8);
  const LanczosResult r = lanczos(op, rng.normal_vector(d), d);
  BOOST_TEST(r.steps == d);
  BOOST_TEST(r.products == static_cast<std::uint64_t>(d));
  const Vec t = dense_eigenvalues(r.tridiagonal()), exact = dense_eigenvalues(a);
  BOOST_TEST((t - exact).cwiseAbs().maxCoeff() <= 1e-12);
  BOOST_TEST((r.basis.transpose() * r.basis - Mat::Identity(d, d)).norm() <= 1e-13);

  Vec values(d);
  for (Index i = 0; i < d; ++i) values[i] = i < 10 ? 1.0 : 3.0;
  DenseSymmetricOperator two(rotated_diagonal(values, 6));
  const LanczosResult b = lanczos(two, rng.normal_vector(d), 10);
  BOOST_TEST(b.steps == 2);  // two distinct eigenvalues: invariant after two products
  const Vec tb = dense_eigenvalues(b.tridiagonal());
  BOOST_TEST(std::abs(tb[0] - 1.0) <= 1e-12);
  BOOST_TEST(std::abs(tb[1] - 3.0) <= 1e-12);
}

// Krylov–Schur on the shared process: both ends of a random symmetric matrix (restarts), and
// of one with a cluster, against the dense eigenvalues, with stored and with fresh residuals.
BOOST_AUTO_TEST_CASE(krylov_schur_on_the_shared_process_matches_dense_eigenvalues) {
  const Index d = 300;
  const Mat a = random_symmetric(d, 21);
  const Vec exact = dense_eigenvalues(a);
  for (double storage : {2.0 * 1024 * 1024 * 1024, 0.0}) {
    DenseSymmetricOperator op(a);
    KrylovSchurOptions o;
    o.largest = 3;
    o.smallest = 2;
    o.ncv = 14;
    o.tol = 1e-10;
    o.max_stored_bytes = storage;
    const KrylovSchurResult r = krylov_schur(op, o);
    BOOST_TEST_CONTEXT("stored " << (storage > 0)) {
      BOOST_TEST(r.converged);
      BOOST_TEST(r.restarts > 0);
      BOOST_TEST(r.stored_products == (storage > 0));
      BOOST_TEST(r.products == op.products());
      for (Index i = 0; i < 3; ++i) BOOST_TEST(std::abs(r.eigenvalues[i] - exact[d - 1 - i]) <= 1e-9);
      for (Index i = 0; i < 2; ++i) BOOST_TEST(std::abs(r.eigenvalues[3 + i] - exact[i]) <= 1e-9);
      for (Index i = 0; i < 5; ++i)
        BOOST_TEST((a * r.eigenvectors.col(i) - r.eigenvalues[i] * r.eigenvectors.col(i)).norm() <=
                   r.residuals[i] + 1e-12);
    }
  }
}

// dense_from_products: [A e_1 … A e_D] from counted products, equal to the dense Hessian it
// stacks (a quadratic's A, the closed-form Hessian of Rosenbrock), and rectangular maps.
BOOST_AUTO_TEST_CASE(dense_from_products_equals_a_dense_hessian) {
  for (const std::string spec : {"quadratic:dim=9,kappa=30,seed=4,rotate=true", "rosenbrock:dim=6"}) {
    BOOST_TEST_CONTEXT(spec) {
      ObjectivePtr f = make_objective(spec);
      const Vec theta = initial_point("init:gaussian,seed=2", *f);
      const Mat closed = f->hessian(theta);  // the objective's closed form
      const FunctionOperator hvp(f->dim(), [&](const Vec& v, Vec& out) { f->hessian_vector(theta, v, out); });
      const Mat stacked = dense_from_products(hvp);
      BOOST_TEST(hvp.products() == static_cast<std::uint64_t>(f->dim()));
      BOOST_TEST((stacked - closed).norm() <= 1e-13 * closed.norm());
      BOOST_TEST((symmetric_part(stacked) - symmetric_part(stacked).transpose()).norm() == 0.0);
      BOOST_TEST((hvp.dense() - stacked).norm() == 0.0);  // the default dense() is the same loop
    }
  }
  const Mat j = Rng(3).normal_matrix(4, 7);  // rectangular: rows from the first column
  const Mat built = dense_from_products([&](const Vec& e, Vec& column) { column = j * e; }, 7);
  BOOST_TEST(built.rows() == 4);
  BOOST_TEST((built - j).norm() == 0.0);
  const DenseSymmetricOperator s(Mat(j.transpose() * j));
  BOOST_TEST((dense_from_products(s) - s.matrix()).norm() <= 1e-14 * s.matrix().norm());
}
