// adam: m, v EMAs; θ −= (η/(1−β₁ᵗ)) m/(√v/√(1−β₂ᵗ) + ε); efficient: θ −= η√(1−β₂ᵗ)/(1−β₁ᵗ)·m/(√v + ε).
#define BOOST_TEST_MODULE adam
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "support/optimizer_testing.hpp"

using namespace optdyn;
using namespace optdyn::testing;

BOOST_AUTO_TEST_CASE(first_step_closed_form) {
  // m̂₁ = g, v̂₁ = g²: θ₁ − θ₀ = −η g/(|g| + ε) per coordinate (0 where g = 0).
  const Vec g = vec({1e-3, -2.0, 0.0, 5e-9});
  for (const auto& [eps, text] : {std::pair{1e-8, "1e-8"}, std::pair{1e-3, "1e-3"}}) {
    const auto th = trajectory(std::string("adam:lr=0.01,eps=") + text, Vec::Zero(4), 1, {g});
    for (Index i = 0; i < 4; ++i) BOOST_TEST(std::abs(th[1][i] + 0.01 * g[i] / (std::abs(g[i]) + eps)) < 1e-17);
  }
}

BOOST_AUTO_TEST_CASE(hand_loops_both_conventions) {
  const auto gs = standard_gradients();
  for (const bool efficient : {false, true}) {
    const std::string spec = std::string("adam:lr=0.01,beta1=0.8,beta2=0.95,eps=1e-3,convention=") + (efficient ? "efficient" : "torch");
    const auto got = trajectory(spec, vec({1, 0, -1}), 7);
    Vec theta = vec({1, 0, -1}), m = Vec::Zero(3), v = Vec::Zero(3);
    for (int t = 1; t <= 7; ++t) {
      const double bc1 = 1 - std::pow(0.8, t), bc2 = 1 - std::pow(0.95, t);
      for (Index i = 0; i < 3; ++i) {
        const double g = gs[(t - 1) % 3][i];
        m[i] = 0.8 * m[i] + 0.2 * g;
        v[i] = 0.95 * v[i] + 0.05 * g * g;
        if (efficient)
          theta[i] -= 0.01 * std::sqrt(bc2) / bc1 * m[i] / (std::sqrt(v[i]) + 1e-3);
        else
          theta[i] -= 0.01 * (m[i] / bc1) / (std::sqrt(v[i] / bc2) + 1e-3);
      }
      BOOST_TEST(mixed_error(got[t], theta) < 1e-14, spec << " t=" << t);
    }
  }
  // seed and torch name the same formula.
  const auto a = trajectory("adam:convention=seed", vec({1, 0, -1}), 5);
  const auto b = trajectory("adam:convention=torch", vec({1, 0, -1}), 5);
  BOOST_TEST((a[5] - b[5]).norm() == 0.0);
}

BOOST_AUTO_TEST_CASE(state_is_inspectable) {
  OptimizerPtr opt = make_optimizer("adam");
  opt->reset(3);
  FunctionOracle oracle = sequence_oracle(standard_gradients());
  Vec theta = Vec::Zero(3);
  opt->step(theta, oracle);
  BOOST_TEST(mixed_error(opt->state("m"), 0.1 * standard_gradients()[0]) < 1e-16);
  BOOST_TEST(mixed_error(opt->state("v"), 1e-3 * standard_gradients()[0].cwiseAbs2()) < 1e-16);
  BOOST_CHECK_THROW(make_optimizer("adam:beta1=1"), InputError);
}

BOOST_AUTO_TEST_CASE(eps_zero_is_rejected_where_it_divides_zero_by_zero) {
  // With ε = 0 a coordinate whose gradient has been exactly 0 so far gets 0/0 = NaN.
  for (const char* spec : {"adam:eps=0", "adam:eps=0,convention=torch", "amsgrad:eps=0", "nadam:eps=0",
                           "rmsprop:eps=0", "rmsprop:eps=0,convention=torch,centered=true", "adagrad:eps=0",
                           "adadelta:eps=0", "adamax:eps=0,convention=torch"}) {
    try {
      make_optimizer(spec);
      BOOST_FAIL("no error for " << spec);
    } catch (const InputError& e) {
      BOOST_TEST(std::string(e.what()).find("'eps'") != std::string::npos, spec << ": " << e.what());
    }
  }
  // ε-free forms stay allowed and finite on a zero gradient: adamax's seed form guards 0/0,
  // adagrad with a positive initial accumulator never divides by 0.
  for (const char* spec : {"adamax:eps=0", "adagrad:eps=0,initial_accumulator=0.1"}) {
    const auto th = trajectory(spec, vec({1, 0, -1}), 3, {vec({0, 0, 0}), vec({1, 0, -2}), vec({0, 0, 0})});
    for (const Vec& t : th) BOOST_TEST(t.allFinite(), spec);
  }
}
