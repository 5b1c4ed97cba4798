// adadelta: v = ρv + (1−ρ)g²; Δ = √(u+ε)/√(v+ε)·g; θ −= ηΔ; u = ρu + (1−ρ)Δ² (torch) or
// (1−ρ)(ηΔ)² (seed 000: the actual step).
#define BOOST_TEST_MODULE adadelta
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "support/optimizer_testing.hpp"

using namespace optdyn;
using namespace optdyn::testing;

BOOST_AUTO_TEST_CASE(first_step_by_hand) {
  // ρ = 0.9, ε = 1e-6, η = 1: Δ₁ = √ε/√(0.1g² + ε)·g.
  const auto th = trajectory("adadelta", vec({0, 0, 0}), 1);
  const auto gs = standard_gradients();
  for (Index i = 0; i < 3; ++i) {
    const double g = gs[0][i];
    BOOST_TEST(std::abs(th[1][i] + std::sqrt(1e-6) / std::sqrt(0.1 * g * g + 1e-6) * g) < 1e-16);
  }
}

BOOST_AUTO_TEST_CASE(conventions_hand_loops) {
  const auto gs = standard_gradients();
  for (const bool torch : {false, true})
    for (const double lr : {1.0, 0.5}) {
      const std::string spec = "adadelta:lr=" + std::to_string(lr) + ",rho=0.8,eps=1e-3,convention=" + (torch ? "torch" : "seed");
      const auto got = trajectory(spec, vec({1, 0, -1}), 6);
      Vec theta = vec({1, 0, -1}), v = Vec::Zero(3), u = Vec::Zero(3);
      for (int t = 1; t <= 6; ++t) {
        for (Index i = 0; i < 3; ++i) {
          const double g = gs[(t - 1) % 3][i];
          v[i] = 0.8 * v[i] + 0.2 * g * g;
          const double d = std::sqrt(u[i] + 1e-3) / std::sqrt(v[i] + 1e-3) * g;
          const double step = lr * d;
          u[i] = 0.8 * u[i] + 0.2 * (torch ? d * d : step * step);
          theta[i] -= step;
        }
        BOOST_TEST(mixed_error(got[t], theta) < 1e-14, spec << " t=" << t);
      }
    }
  // The conventions agree at lr = 1.
  const auto a = trajectory("adadelta:convention=seed", vec({1, 0, -1}), 6);
  const auto b = trajectory("adadelta:convention=torch", vec({1, 0, -1}), 6);
  BOOST_TEST(mixed_error(a[6], b[6]) < 1e-15);
}
