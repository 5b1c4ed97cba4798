// momentum in its three conventions (seeds 000, 001/002, 003), and heavy ball on a quadratic
// against Goh's per-eigenvalue 2×2 recurrence (Distill 2017, "Why momentum really works"):
// with z ← βz + ∇f, w ← w − αz and x = Qᵀ(w − w*),  (z_i, x_i) ↦ R_i (z_i, x_i),
// R_i = [[β, λ_i], [−αβ, 1 − αλ_i]].
#define BOOST_TEST_MODULE momentum
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "optdyn/objectives/quadratic.hpp"
#include "optdyn/objectives/registry.hpp"
#include "support/optimizer_testing.hpp"

using namespace optdyn;
using namespace optdyn::testing;

BOOST_AUTO_TEST_CASE(classic_hand_values) {
  // v ← 0.9v + 0.1g; θ ← θ − v; θ₀ = (1, 0, −1).
  // v₁ = (0.1, −0.2, 0.05), θ₁ = (0.9, 0.2, −1.05)
  // v₂ = (0.14, −0.08, 0.045), θ₂ = (0.76, 0.28, −1.095)
  // v₃ = (−0.024, −0.122, 0.2405), θ₃ = (0.784, 0.402, −1.3355)
  const auto th = trajectory("momentum:lr=0.1,mu=0.9", vec({1, 0, -1}), 3);
  BOOST_TEST(mixed_error(th[1], vec({0.9, 0.2, -1.05})) < 1e-14);
  BOOST_TEST(mixed_error(th[2], vec({0.76, 0.28, -1.095})) < 1e-14);
  BOOST_TEST(mixed_error(th[3], vec({0.784, 0.402, -1.3355})) < 1e-14);
}

BOOST_AUTO_TEST_CASE(ema_and_bias_corrected) {
  // ema: v ← 0.5v + 0.5g; θ ← θ − 0.2v. bias_corrected: θ ← θ − 0.2 v/(1 − 0.5ᵗ).
  const auto gs = standard_gradients();
  for (const bool corrected : {false, true}) {
    const auto got = trajectory(std::string("momentum:lr=0.2,mu=0.5,convention=") + (corrected ? "bias_corrected" : "ema"),
                                vec({1, 0, -1}), 5);
    Vec theta = vec({1, 0, -1}), v = Vec::Zero(3);
    for (int t = 1; t <= 5; ++t) {
      for (Index i = 0; i < 3; ++i) {
        v[i] = 0.5 * v[i] + 0.5 * gs[(t - 1) % 3][i];
        theta[i] -= 0.2 * v[i] / (corrected ? 1.0 - std::pow(0.5, t) : 1.0);
      }
      BOOST_TEST(mixed_error(got[t], theta) < 1e-14, "corrected=" << corrected << " t=" << t);
    }
  }
  // Bias-corrected first step is a plain gradient step: v₁/(1 − μ) = g₁.
  const auto th = trajectory("momentum:lr=0.1,mu=0.9,convention=bias_corrected", vec({1, 0, -1}), 1);
  BOOST_TEST(mixed_error(th[1], vec({0.9, 0.2, -1.05})) < 1e-14);
}

BOOST_AUTO_TEST_CASE(heavy_ball_equals_goh_recurrence) {
  ObjectivePtr f = make_objective("quadratic:dim=5,kappa=30,lmax=1,rotate=true,shift=0.5,seed=7");
  const auto& q = dynamic_cast<const Quadratic&>(*f);
  const Mat Q = q.rotation();
  const Vec lambda = q.eigenvalues();
  const Vec star = q.minimizer();
  const double alpha = 0.5, beta = 0.8;  // classic: v = αz
  OptimizerPtr opt = make_optimizer("momentum:lr=0.5,mu=0.8");
  opt->reset(5);
  ObjectiveOracle oracle(*f);
  Vec theta = Vec::LinSpaced(5, 1.0, -1.0);
  Vec x = Q.transpose() * (theta - star), z = Vec::Zero(5);
  for (int k = 1; k <= 40; ++k) {
    opt->step(theta, oracle);
    for (Index i = 0; i < 5; ++i) {
      const double zi = beta * z[i] + lambda[i] * x[i];
      const double xi = -alpha * beta * z[i] + (1 - alpha * lambda[i]) * x[i];
      z[i] = zi;
      x[i] = xi;
    }
    BOOST_TEST(mixed_error(Q.transpose() * (theta - star), x) < 1e-11, "step " << k);
    BOOST_TEST(mixed_error(Q.transpose() * opt->state("v"), alpha * z) < 1e-11, "step " << k);
  }
}

BOOST_AUTO_TEST_CASE(bad_convention_names_key) {
  try {
    make_optimizer("momentum:convention=polyak");
    BOOST_FAIL("no error");
  } catch (const InputError& e) {
    BOOST_TEST(std::string(e.what()).find("convention") != std::string::npos);
  }
}
