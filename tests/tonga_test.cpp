// tonga: θ −= lr·(C + λI)⁻¹g with C = γĈ + (1−γ)ggᵀ kept as a D × k factor. Checked against
// dense matrices built here from the gradient sequence (independent of the factor algebra):
//  * without re-compression (rank ≥ steps) the factor's XXᵀ equals the exact moving
//    covariance Σ_s (1−γ)γ^{t−s} g_s g_sᵀ, and every direction equals the dense solve
//    (C + λI)⁻¹g (LU of the D × D matrix) to 1e-10;
//  * at a re-compression, X̂X̂ᵀ equals the best rank-d approximation of the exact C (the top-d
//    eigenpairs from a dense eigensolver), and afterwards each direction equals the dense
//    solve with C = γ X̂X̂ᵀ + (1−γ)ggᵀ built from the previous step's factor;
//  * the step is −lr·direction, and the spec rejects bad keys.
#define BOOST_TEST_MODULE tonga
#include <boost/test/unit_test.hpp>

#include <Eigen/Eigenvalues>
#include <Eigen/LU>

#include "optdyn/core/error.hpp"
#include "optdyn/core/rng.hpp"
#include "support/optimizer_testing.hpp"

using namespace optdyn;
using namespace optdyn::testing;

namespace {

constexpr Index kDim = 8;

std::vector<Vec> random_gradients(int count, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<Vec> out;
  for (int k = 0; k < count; ++k) out.push_back(rng.normal_vector(kDim));
  return out;
}

Mat factor_of(const Optimizer& opt) {
  const Vec& f = opt.state("factor");
  const Index cols = static_cast<Index>(opt.state("columns")[0]);
  BOOST_REQUIRE(f.size() == kDim * cols);
  return Eigen::Map<const Mat>(f.data(), kDim, cols);
}

Vec dense_direction(const Mat& c, double lambda, const Vec& g) {
  return (c + lambda * Mat::Identity(kDim, kDim)).fullPivLu().solve(g);
}

double max_abs(const Mat& m) { return m.cwiseAbs().maxCoeff(); }

}  // namespace

BOOST_AUTO_TEST_CASE(exact_moving_covariance_and_woodbury_solve) {
  const double gamma = 0.9, lambda = 0.05, lr = 0.3;
  const int steps = 6;
  const auto gs = random_gradients(steps, 11);
  OptimizerPtr opt = make_optimizer("tonga:lr=0.3,gamma=0.9,damping=0.05,rank=10,refresh=1");
  opt->reset(kDim);
  FunctionOracle oracle = sequence_oracle(gs);
  Vec theta = Vec::Zero(kDim);
  Mat c = Mat::Zero(kDim, kDim);
  for (int t = 0; t < steps; ++t) {
    const Vec before = theta;
    opt->step(theta, oracle);
    const Vec& g = gs[static_cast<std::size_t>(t)];
    c = gamma * c + (1.0 - gamma) * g * g.transpose();  // the exact moving covariance
    const Mat x = factor_of(*opt);
    BOOST_TEST(x.cols() == t + 1);
    BOOST_TEST(max_abs(x * x.transpose() - c) <= 1e-13 * max_abs(c), "step " << t + 1);
    const Vec v = dense_direction(c, lambda, g);
    BOOST_TEST(mixed_error(opt->state("direction"), v) <= 1e-10, "step " << t + 1);
    BOOST_TEST(mixed_error(theta, before - lr * v) <= 1e-12);
  }
}

BOOST_AUTO_TEST_CASE(recompression_keeps_the_top_eigenpairs) {
  const double gamma = 0.95;
  const Index rank = 2;
  const int refresh = 4;  // the factor reaches rank + refresh = 6 columns at step 6
  const auto gs = random_gradients(6, 5);
  OptimizerPtr opt = make_optimizer("tonga:gamma=0.95,damping=0.1,rank=2,refresh=4");
  opt->reset(kDim);
  FunctionOracle oracle = sequence_oracle(gs);
  Vec theta = Vec::Zero(kDim);
  Mat c = Mat::Zero(kDim, kDim);
  for (int t = 0; t < rank + refresh; ++t) {
    opt->step(theta, oracle);
    const Vec& g = gs[static_cast<std::size_t>(t)];
    c = gamma * c + (1.0 - gamma) * g * g.transpose();
  }
  const Mat x = factor_of(*opt);
  BOOST_REQUIRE(x.cols() == rank);
  const Eigen::SelfAdjointEigenSolver<Mat> eig(c);  // ascending
  const Mat q = eig.eigenvectors().rightCols(rank);
  const Vec l = eig.eigenvalues().tail(rank);
  const Mat best = q * l.asDiagonal() * q.transpose();
  BOOST_TEST(max_abs(x * x.transpose() - best) <= 1e-12 * max_abs(c));
  // The kept columns are orthogonal with squared norms = the top eigenvalues.
  const Mat gram = x.transpose() * x;
  const Eigen::SelfAdjointEigenSolver<Mat> kept(x * x.transpose());
  BOOST_TEST(std::abs(gram.trace() - l.sum()) <= 1e-12 * l.sum());
  BOOST_TEST(std::abs(kept.eigenvalues()[kDim - 1] - l[rank - 1]) <= 1e-12 * l[rank - 1]);
  BOOST_TEST(std::abs(kept.eigenvalues()[kDim - 2] - l[rank - 2]) <= 1e-12 * l[rank - 1]);
  BOOST_TEST(std::abs(gram(0, 1)) <= 1e-12 * l[rank - 1]);
}

BOOST_AUTO_TEST_CASE(woodbury_after_recompression_every_step) {
  // rank 3, refresh 1: the factor is compressed after every step from the 4th on.
  const double gamma = 0.8, lambda = 1e-3;
  const auto gs = random_gradients(12, 7);
  OptimizerPtr opt = make_optimizer("tonga:gamma=0.8,damping=1e-3,rank=3,refresh=1");
  opt->reset(kDim);
  FunctionOracle oracle = sequence_oracle(gs);
  Vec theta = Vec::Zero(kDim);
  Mat previous = Mat::Zero(kDim, kDim);  // X̂X̂ᵀ after the previous step
  for (std::size_t t = 0; t < gs.size(); ++t) {
    opt->step(theta, oracle);
    const Vec& g = gs[t];
    const Mat c = gamma * previous + (1.0 - gamma) * g * g.transpose();
    BOOST_TEST(mixed_error(opt->state("direction"), dense_direction(c, lambda, g)) <= 1e-10, "step " << t + 1);
    const Mat x = factor_of(*opt);
    BOOST_TEST(x.cols() == std::min<Index>(static_cast<Index>(t) + 1, 3));
    previous = x * x.transpose();
  }
}

BOOST_AUTO_TEST_CASE(bad_keys) {
  BOOST_CHECK_THROW(make_optimizer("tonga:gamma=1"), InputError);
  BOOST_CHECK_THROW(make_optimizer("tonga:damping=0"), InputError);
  BOOST_CHECK_THROW(make_optimizer("tonga:rank=0"), InputError);
  BOOST_CHECK_THROW(make_optimizer("tonga:refresh=0"), InputError);
}
