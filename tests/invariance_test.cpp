// The invariance report (analysis/invariance.hpp; issue 16): every applicable row of the
// default report agrees with the theory's prediction (GD, momentum, Adam, sign, normalised
// GD, Newton, natural gradient, K-FAC, Path-SGD, GD with teleportation against a permutation,
// a rescaling, a linear reparameterisation and a sign flip), and the margins are wide:
// equivariant rows ≤ 1e-6 (the tolerance: Newton's solves amplify rounding by cond(H)·cond(T)), the others ≥ 1e-4 of the motion. Also: Newton (tanh, mse:
// nonsingular Hessian) under a generic linear map to 1e-7 (the natural gradient's one-step
// version is natural_gradient_test's); the natural gradient under that map only with damping 0
// and CG run to convergence (the 7.5% gap of issue 16 was the CG cap); the rows
// that cannot run say why; the table is printed (--log_level=message).
#define BOOST_TEST_MODULE invariance
#include <boost/test/unit_test.hpp>

#include "optdyn/analysis/invariance.hpp"
#include "support/finite_differences.hpp"
#include "support/input_errors.hpp"
#include "support/mlp_testing.hpp"

using namespace optdyn;
using namespace optdyn::testing;

BOOST_AUTO_TEST_CASE(report_agrees_with_theory) {
  const std::vector<analysis::InvarianceRow> rows = analysis::invariance_report();
  BOOST_TEST_MESSAGE("\n" << analysis::format_invariance_report(rows));
  BOOST_TEST(rows.size() == 40u);
  int applicable = 0;
  for (const auto& r : rows) {
    BOOST_TEST_INFO(r.optimizer << " / " << r.transformation << ": gap " << r.gap << " (" << r.reason << ")");
    if (!r.applicable) continue;
    ++applicable;
    BOOST_TEST(r.measured == r.predicted);
    if (!r.predicted) BOOST_TEST(r.gap >= 1e-4);
  }
  BOOST_TEST(applicable >= 32);
}

BOOST_AUTO_TEST_CASE(second_order_methods_are_equivariant_under_a_generic_linear_map) {
  const Mlp f = synthetic_mlp({.widths = {3, 4, 2}, .activation = Activation::tanh, .loss = MlpLoss::mse}, 30, 4);  // mse: softmax's flat direction would make H and the Fisher singular
  const Vec theta0 = random_point(f.dim(), 5, 0.5);
  const auto t = analysis::random_linear(f.dim(), 6);
  BOOST_TEST(analysis::invariance_gap(f, "newton:lr=0.5", theta0, t, 5) <= 1e-7);
  BOOST_TEST(analysis::invariance_gap(f, "gd:lr=0.1", theta0, t, 5) >= 1e-2);
}

BOOST_AUTO_TEST_CASE(bad_input) {
  expect_input_error([] { analysis::predicted_equivariance("bfgs", "permutation"); }, {"no prediction", "'bfgs'"});
  expect_input_error([] { analysis::predicted_equivariance("gd", "shear"); }, {"'shear'"});
}

// The open question of issue 16: the natural gradient's 7.5% gap under a dense linear map on a
// tanh mse net (D = 26, Fisher nonsingular: eigenvalues 1.3e-5 … 2.2 at θ₀). Two causes, both
// measured here: (i) CG capped at its default 2D products stops short of tol on AᵀFA (cond ≈ 1e5
// before A) — damping 0 with the cap: 7.5% after one step, 29% after two; (ii) damping:
// (AᵀFA + λI)⁻¹Aᵀg ≠ A⁻¹(F + λI)⁻¹g unless λ = 0 (λ = 1e-4 exceeds F's smallest eigenvalues:
// 40% after two steps even with CG converged). Damping 0 and CG run to convergence: ≤ 1e-12.
BOOST_AUTO_TEST_CASE(natural_gradient_is_equivariant_only_undamped_and_converged) {
  const Mlp f = synthetic_mlp({.widths = {3, 4, 2}, .activation = Activation::tanh, .loss = MlpLoss::mse}, 30, 4);
  const Vec theta0 = random_point(f.dim(), 5, 0.5);
  const auto t = analysis::random_linear(f.dim(), 6);
  const std::string converged = "natural_gradient:lr=0.5,tol=1e-14,max_iterations=5000,damping=";
  BOOST_TEST(analysis::invariance_gap(f, converged + "0", theta0, t, 2) <= 1e-6);
  BOOST_TEST(analysis::invariance_gap(f, converged + "1e-4", theta0, t, 2) >= 0.1);
  BOOST_TEST(analysis::invariance_gap(f, "natural_gradient:lr=0.5,damping=0", theta0, t, 2) >= 0.1);  // capped CG
}

// Seed 004: under θ̃ = sθ the ℓ₂ trust-region step −ε g/‖g‖ maps back to −ε g/(s‖g‖) (not
// equivariant), while −ε g/‖g‖² maps back to itself (normalized_gd:power=2); a non-scalar
// diagonal rescaling breaks both.
BOOST_AUTO_TEST_CASE(squared_norm_step_is_equivariant_under_scalar_rescaling_only) {
  const Mlp f = synthetic_mlp({.widths = {3, 4, 2}, .activation = Activation::tanh, .loss = MlpLoss::mse}, 30, 4);
  const Vec theta0 = random_point(f.dim(), 5, 0.5);
  const analysis::LinearTransformation scalar{"linear", 3.0 * Mat::Identity(f.dim(), f.dim()), false};
  Vec diagonal(f.dim());
  for (Index i = 0; i < f.dim(); ++i) diagonal[i] = 1.0 + 0.1 * static_cast<double>(i % 5);
  const analysis::LinearTransformation unequal{"linear", Mat(diagonal.asDiagonal()), false};
  const std::string squared = "normalized_gd:lr=0.05,power=2", plain = "normalized_gd:lr=0.05";
  BOOST_TEST(analysis::invariance_gap(f, squared, theta0, scalar, 10) <= 1e-12);
  BOOST_TEST(analysis::invariance_gap(f, plain, theta0, scalar, 10) >= 0.5);  // steps 1/s = 1/3 as long
  BOOST_TEST(analysis::invariance_gap(f, squared, theta0, unequal, 10) >= 1e-3);
}
