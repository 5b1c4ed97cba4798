// adamax: m EMA; u = max(β₂u, |g|) (seed) or max(β₂u, |g| + ε) (torch); θ −= η/(1−β₁ᵗ)·m/u.
#define BOOST_TEST_MODULE adamax
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>

#include "support/optimizer_testing.hpp"

using namespace optdyn;
using namespace optdyn::testing;

BOOST_AUTO_TEST_CASE(first_step_is_sign_step) {
  // m₁/(1−β₁) = g, u₁ = |g|: θ₁ = θ₀ − η sign(g); a zero gradient gives no step (seed form).
  const auto th = trajectory("adamax:lr=0.1", vec({1, 0, -1}), 1, {vec({2, -0.5, 0})});
  BOOST_TEST(mixed_error(th[1], vec({0.9, 0.1, -1})) < 1e-15);
}

BOOST_AUTO_TEST_CASE(hand_loops_both_conventions) {
  const auto gs = standard_gradients();
  for (const bool torch : {false, true}) {
    const std::string spec = std::string("adamax:lr=0.01,beta1=0.8,beta2=0.9,eps=1e-2,convention=") + (torch ? "torch" : "seed");
    const auto got = trajectory(spec, vec({1, 0, -1}), 7);
    Vec theta = vec({1, 0, -1}), m = Vec::Zero(3), u = Vec::Zero(3);
    for (int t = 1; t <= 7; ++t) {
      for (Index i = 0; i < 3; ++i) {
        const double g = gs[(t - 1) % 3][i];
        m[i] = 0.8 * m[i] + 0.2 * g;
        u[i] = std::max(0.9 * u[i], std::abs(g) + (torch ? 1e-2 : 0.0));
        if (u[i] > 0) theta[i] -= 0.01 / (1 - std::pow(0.8, t)) * m[i] / u[i];
      }
      BOOST_TEST(mixed_error(got[t], theta) < 1e-14, spec << " t=" << t);
    }
  }
}
