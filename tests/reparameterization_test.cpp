// The claims behind experiment `reparameterization` (issue 16 item 5), checked against
// independent computations on small relu networks:
//  (b) Path-SGD from a balanced θ₀ and from the same function's unbalanced R(e^s)θ₀ map onto
//      each other (R(e^{−s})φ_k = θ_k) to 1e-10 of the motion; GD's differ by ≥ 10% of it.
//  (c) Dinh et al. 2017, §4: for a 1-hidden-layer relu net and T_α (layer-0 units ×α, their
//      outgoing weights ×1/α), F(T_αθ) = F(θ) and the dense Hessian at T_αθ is T⁻¹H(θ)T⁻¹
//      (differentiate F(Tθ) = F(θ) twice); λ_max(α) from Lanczos equals the dense one, and
//      λ_max(α)/α² → λ_max(H_{W₁W₁}) (the block of the outgoing weights) as α → ∞.
//  (e) GD from identical hidden units (tie_hidden_units) keeps them identical to rounding;
//      from a random point the spread stays O(1).
#define BOOST_TEST_MODULE reparameterization
#include <Eigen/Eigenvalues>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <string>

#include "optdyn/analysis/hessian_eigen.hpp"
#include "optdyn/linalg/operator.hpp"
#include "optdyn/objectives/mlp_rescaling.hpp"
#include "optdyn/objectives/mlp_symmetry.hpp"
#include "optdyn/optimizers/registry.hpp"
#include "support/finite_differences.hpp"
#include "support/input_errors.hpp"
#include "support/mlp_testing.hpp"

using namespace optdyn;
using namespace optdyn::testing;

namespace {

Mlp relu_net(std::vector<Index> widths, MlpLoss loss = MlpLoss::cross_entropy) {
  return synthetic_mlp({.widths = std::move(widths), .activation = Activation::relu, .loss = loss}, 40, 3);
}

Vec run(const Objective& f, const std::string& spec, Vec theta, int steps) {
  OptimizerPtr opt = make_optimizer(spec);
  opt->reset(f.dim());
  ObjectiveOracle oracle(f);
  for (int k = 0; k < steps; ++k) opt->step(theta, oracle);
  return theta;
}

// ‖R(e^{−s})·(spec's iterate from R(e^s)θ₀) − (spec's iterate from θ₀)‖ / ‖motion from θ₀‖.
double mapped_gap(const Mlp& f, const std::string& spec, const Vec& theta0, const Vec& s, int steps) {
  const Vec a = run(f, spec, theta0, steps);
  Vec phi0 = theta0;
  scale_hidden_units(f.layout(), phi0, s);
  Vec b = run(f, spec, phi0, steps);
  scale_hidden_units(f.layout(), b, -s);
  return (b - a).norm() / (a - theta0).norm();
}

Mat dense_hessian(const Objective& f, const Vec& theta) { return symmetric_part(f.bind(theta).dense()); }

double largest_eigenvalue(const Mat& m) { return Eigen::SelfAdjointEigenSolver<Mat>(m).eigenvalues().maxCoeff(); }

}  // namespace

BOOST_AUTO_TEST_CASE(path_sgd_is_equivariant_under_unbalancing_gd_is_not) {
  const Mlp f = relu_net({5, 8, 6, 3});
  const Vec theta0 = random_point(f.dim(), 7, 0.5);
  Rng rng(8);
  Vec s(num_hidden_units(f.layout()));
  for (Index u = 0; u < s.size(); ++u) s[u] = rng.uniform(-1.0, 1.0);
  const double path = mapped_gap(f, "path_sgd:lr=0.05", theta0, s, 20), gd = mapped_gap(f, "gd:lr=0.05", theta0, s, 20);
  BOOST_TEST_MESSAGE("mapped gap after 20 steps: Path-SGD " << path << ", GD " << gd);
  BOOST_TEST(path <= 1e-10);
  BOOST_TEST(gd >= 0.1);
}

BOOST_AUTO_TEST_CASE(rescaled_hessian_is_the_pulled_back_one_and_grows_like_alpha_squared) {
  const Mlp f = relu_net({4, 6, 3});
  const MlpLayout& layout = f.layout();
  const Vec theta = random_point(f.dim(), 9, 0.7);
  const Mat h = dense_hessian(f, theta);
  // Block of the outgoing weights W₁ (the entries scaled by 1/α).
  const Index w1 = layout.weight_offset(1), n1 = layout.widths()[2] * layout.widths()[1];
  const double outgoing_block = largest_eigenvalue(h.block(w1, w1, n1, n1));
  for (const double alpha : {0.1, 3.0, 10.0, 100.0, 1000.0}) {
    Vec t = Vec::Ones(f.dim());  // diag(T_α)
    const Vec s = Vec::Constant(num_hidden_units(layout), std::log(alpha));
    scale_hidden_units(layout, t, s);
    Vec moved = theta;
    scale_hidden_units(layout, moved, s);
    BOOST_TEST(std::abs(f.value(moved) - f.value(theta)) <= 1e-12 * std::abs(f.value(theta)));
    const Mat h_moved = dense_hessian(f, moved);
    const Mat pulled = t.cwiseInverse().asDiagonal() * h * t.cwiseInverse().asDiagonal();
    BOOST_TEST_INFO("α = " << alpha);
    BOOST_TEST((h_moved - pulled).norm() <= 1e-9 * pulled.norm());
    const double dense = largest_eigenvalue(h_moved);
    analysis::EigenOptions o;
    o.k = 1;
    o.method = analysis::EigenMethod::lanczos;
    const double lanczos = analysis::extreme_eigenpairs(f.bind(moved), o).eigenvalues[0];
    BOOST_TEST(std::abs(lanczos - dense) <= 1e-8 * dense);
    const double ratio = dense / (alpha * alpha);
    BOOST_TEST_MESSAGE("α " << alpha << ": λ_max dense " << dense << ", Lanczos " << lanczos << ", /α² " << ratio
                            << " (W₁ block " << outgoing_block << ")");
    BOOST_TEST(ratio >= outgoing_block * (1.0 - 1e-9));  // Rayleigh quotient on the W₁ block
    if (alpha >= 100.0) BOOST_TEST(std::abs(ratio / outgoing_block - 1.0) <= 1e-3);  // O(α⁻²) off-block terms
  }
}

BOOST_AUTO_TEST_CASE(gd_never_breaks_the_symmetry_of_identical_units) {
  const Mlp f = relu_net({5, 8, 6, 3});
  Vec theta = random_point(f.dim(), 11, 0.5);
  BOOST_TEST(hidden_unit_spread(f.layout(), theta) >= 0.5);
  const Vec random_end = run(f, "gd:lr=0.1", theta, 100);
  tie_hidden_units(f.layout(), theta);
  BOOST_TEST(hidden_unit_spread(f.layout(), theta) == 0.0);
  const Vec tied_end = run(f, "gd:lr=0.1", theta, 100);
  BOOST_TEST((tied_end - theta).norm() >= 1e-3);  // it moved
  BOOST_TEST_MESSAGE("unit spread after 100 GD steps: tied " << hidden_unit_spread(f.layout(), tied_end) << ", random "
                                                           << hidden_unit_spread(f.layout(), random_end));
  BOOST_TEST(hidden_unit_spread(f.layout(), tied_end) <= 1e-12);
  BOOST_TEST(hidden_unit_spread(f.layout(), random_end) >= 0.5);
}

BOOST_AUTO_TEST_CASE(bad_input) {
  const Mlp f = relu_net({5, 8, 3});
  Vec short_theta = Vec::Zero(3);
  expect_input_error([&] { tie_hidden_units(f.layout(), short_theta); }, {"θ has length 3"});
  expect_input_error([&] { hidden_unit_spread(f.layout(), short_theta); }, {"θ has length 3"});
}
