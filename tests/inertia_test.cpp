// Tests of the inertia by Bunch–Kaufman LDLᵀ (linalg/inertia.hpp) and the exact saddle index
// built on it (analysis/saddle_index.hpp: saddle_index_by_inertia). Every count is checked
// against Eigen's dense symmetric eigensolver (an independent route: QL on the tridiagonal
// form) or against matrices whose inertia is known exactly.
#define BOOST_TEST_MODULE inertia
#include <boost/test/unit_test.hpp>

#include <Eigen/Eigenvalues>
#include <string>

#include "optdyn/analysis/hessian_operator.hpp"
#include "optdyn/analysis/saddle_index.hpp"
#include "optdyn/core/random_orthogonal.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/linalg/inertia.hpp"
#include "optdyn/objectives/initial_point.hpp"
#include "optdyn/objectives/registry.hpp"

using namespace optdyn;

namespace {

Index dense_count_below(const Mat& a, double sigma) {
  const Vec l = Eigen::SelfAdjointEigenSolver<Mat>(a, Eigen::EigenvaluesOnly).eigenvalues();
  return (l.array() < sigma).count();
}

// Q diag(values) Qᵀ with a Haar-random Q.
Mat with_spectrum(const Vec& values, Rng& rng) {
  const Mat q = haar_orthogonal(values.size(), rng);
  return q * values.asDiagonal() * q.transpose();
}

}  // namespace

BOOST_AUTO_TEST_CASE(matrices_with_known_inertia) {
  // No usable 1×1 pivot: the 2×2 pivot of Bunch–Kaufman is required (Eigen's LDLT has none).
  Mat swap(2, 2);
  swap << 0, 1, 1, 0;
  const Inertia s = inertia(swap);
  BOOST_TEST(s.negative == 1);
  BOOST_TEST(s.zero == 0);
  BOOST_TEST(s.positive == 1);
  // Path graph P3: eigenvalues −√2, 0, √2, singular exactly (the Schur complement is exactly 0).
  Mat path(3, 3);
  path << 0, 1, 0, 1, 0, 1, 0, 1, 0;
  const Inertia p = inertia(path);
  BOOST_TEST((p.negative == 1 && p.zero == 1 && p.positive == 1));
  // Zero matrix and an exact diagonal with zeros.
  const Inertia z = inertia(Mat::Zero(4, 4));
  BOOST_TEST(z.zero == 4);
  Vec d(6);
  d << 0, -3, 0, 2, -1e-300, 5;
  const Inertia di = inertia(Mat(d.asDiagonal()));
  BOOST_TEST((di.negative == 2 && di.zero == 2 && di.positive == 2));
  // 1×1 matrices, a block of swaps with a symmetric permutation (forces pivots away from k).
  BOOST_TEST(inertia(Mat::Constant(1, 1, -2.0)).negative == 1);
  Mat blocks = Mat::Zero(6, 6);
  for (Index i = 0; i < 3; ++i) blocks(2 * i, 2 * i + 1) = blocks(2 * i + 1, 2 * i) = 1.0 + i;
  Eigen::PermutationMatrix<Eigen::Dynamic> perm(6);
  perm.indices() << 3, 0, 5, 1, 4, 2;
  const Inertia b = inertia(perm * blocks * perm.transpose());
  BOOST_TEST((b.negative == 3 && b.zero == 0 && b.positive == 3));
  BOOST_CHECK_THROW(inertia(Mat::Zero(2, 3)), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(random_indefinite_and_singular_matrices_match_dense_eigenvalues) {
  Rng rng(2024);
  for (Index n : {1, 2, 3, 7, 20, 61, 150}) {
    for (int trial = 0; trial < 5; ++trial) {
      BOOST_TEST_CONTEXT("n = " << n << ", trial " << trial) {
        // A general random symmetric matrix (GOE-like, indefinite).
        const Mat g = rng.normal_matrix(n, n);
        const Mat a = 0.5 * (g + g.transpose());
        for (double sigma : {-1.0, -0.1, 0.0, 0.3, 2.0}) BOOST_TEST(count_below(a, sigma) == dense_count_below(a, sigma));
        const Inertia in = inertia(a);
        BOOST_TEST(in.negative + in.zero + in.positive == n);
        // A singular one: a third of the eigenvalues exactly 0 before rounding, the rest ±[0.5, 2].
        Vec spectrum(n);
        for (Index i = 0; i < n; ++i) spectrum[i] = i % 3 == 0 ? 0.0 : (i % 2 == 0 ? 1.0 : -1.0) * rng.uniform(0.5, 2.0);
        const Mat s = with_spectrum(spectrum, rng);
        const double tau = 1e-8;  // far above rounding (1e-15), far below the gap (0.5)
        BOOST_TEST(count_below(s, -tau) == (spectrum.array() < 0.0).count());
        BOOST_TEST(count_below(s, tau) == (spectrum.array() <= 0.0).count());
        BOOST_TEST(count_below(s, -tau) == dense_count_below(s, -tau));
        BOOST_TEST(count_below(s, tau) == dense_count_below(s, tau));
      }
    }
  }
}

// The exact index of a network Hessian with a large null space (n = 30 samples < 40 inputs:
// every first-layer direction orthogonal to the inputs is a zero eigenvalue), by inertia
// against the dense eigenvalues, at the command's default band τ = 1e-8·max|λ|.
BOOST_AUTO_TEST_CASE(saddle_index_by_inertia_matches_dense_on_an_mlp_with_a_null_space) {
  using namespace optdyn::analysis;
  ObjectivePtr f = make_objective("mlp:data=gaussian,n=30,widths=40-6-4,act=tanh,loss=ce,targets=labels");
  const Vec theta = initial_point("init:gaussian,seed=0", *f);
  const Mat h = symmetric_part(HessianOperator(*f, theta).dense());
  const Vec l = Eigen::SelfAdjointEigenSolver<Mat>(h, Eigen::EigenvaluesOnly).eigenvalues();
  const double tau = 1e-8 * l.cwiseAbs().maxCoeff();
  const SaddleIndex exact = saddle_index(l, tau);
  const SaddleIndex by_inertia = saddle_index_by_inertia(h, tau);
  BOOST_TEST_MESSAGE("D = " << h.rows() << ": negative " << exact.negative << ", near zero " << exact.near_zero
                            << ", positive " << exact.positive);
  BOOST_TEST(exact.near_zero >= 10 * 6);  // (40 − 30)·6 null directions of the first layer at least
  BOOST_TEST(exact.negative > 0);
  BOOST_TEST(by_inertia.negative == exact.negative);
  BOOST_TEST(by_inertia.near_zero == exact.near_zero);
  BOOST_TEST(by_inertia.positive == exact.positive);
  BOOST_TEST(by_inertia.index == exact.index);
}
