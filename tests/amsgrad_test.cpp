// amsgrad: the three conventions (seed = Reddi Alg. 2, torch, optax), v̂ non-decreasing,
// and Reddi, Kale & Kumar's (2018, Section 3) counterexample: on [−1, 1] with
// f_t(x) = C x for t mod 3 = 1 and −x otherwise (C > 2), β₁ = 0, β₂ = 1/(1 + C²),
// α_t = α/√t and projection onto [−1, 1], Adam converges to x = +1 (the worst point: the
// average loss is (C − 2)x/3) while AMSGrad converges to the minimiser x = −1.
#define BOOST_TEST_MODULE amsgrad
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>

#include "support/optimizer_testing.hpp"

using namespace optdyn;
using namespace optdyn::testing;

BOOST_AUTO_TEST_CASE(hand_loops_three_conventions) {
  const auto gs = standard_gradients();
  for (const std::string c : {"seed", "torch", "optax"}) {
    const auto got = trajectory("amsgrad:lr=0.01,beta1=0.8,beta2=0.9,eps=1e-3,convention=" + c, vec({1, 0, -1}), 7);
    Vec theta = vec({1, 0, -1}), m = Vec::Zero(3), v = Vec::Zero(3), vh = Vec::Zero(3);
    for (int t = 1; t <= 7; ++t) {
      const double bc1 = 1 - std::pow(0.8, t), bc2 = 1 - std::pow(0.9, t);
      for (Index i = 0; i < 3; ++i) {
        const double g = gs[(t - 1) % 3][i];
        m[i] = 0.8 * m[i] + 0.2 * g;
        v[i] = 0.9 * v[i] + 0.1 * g * g;
        if (c == "seed") {
          vh[i] = std::max(vh[i], v[i]);
          theta[i] -= 0.01 * m[i] / (std::sqrt(vh[i]) + 1e-3);
        } else if (c == "torch") {
          vh[i] = std::max(vh[i], v[i]);
          theta[i] -= 0.01 / bc1 * m[i] / (std::sqrt(vh[i] / bc2) + 1e-3);
        } else {
          vh[i] = std::max(vh[i], v[i] / bc2);
          theta[i] -= 0.01 * (m[i] / bc1) / (std::sqrt(vh[i]) + 1e-3);
        }
      }
      BOOST_TEST(mixed_error(got[t], theta) < 1e-14, c << " t=" << t);
    }
  }
}

BOOST_AUTO_TEST_CASE(v_hat_is_non_decreasing) {
  // Gradients shrinking over time: v decreases, v̂ must not.
  for (const std::string c : {"seed", "torch", "optax"}) {
    OptimizerPtr opt = make_optimizer("amsgrad:beta2=0.5,convention=" + c);
    opt->reset(2);
    int k = 0;
    FunctionOracle oracle(2, [&k](const Vec&, Vec& g) {
      const double s = 10.0 / (1 + k) * ((k % 2) ? 1.0 : -1.0);
      g << s, 0.5 * s * ((k % 3) ? 1.0 : 0.1);
      ++k;
      return 0.0;
    });
    Vec theta = Vec::Zero(2), previous = Vec::Zero(2);
    bool v_decreased = false;
    Vec v_prev = Vec::Zero(2);
    for (int t = 1; t <= 60; ++t) {
      opt->step(theta, oracle);
      const Vec& vh = opt->state("v_hat");
      BOOST_TEST((vh.array() >= previous.array()).all(), c << " t=" << t);
      if ((opt->state("v").array() < v_prev.array()).any()) v_decreased = true;
      previous = vh;
      v_prev = opt->state("v");
    }
    BOOST_TEST(v_decreased);  // the test exercises the max
  }
}

namespace {

// Projected online run on Reddi et al.'s sequence; returns the final x.
double reddi_run(const std::string& spec, double C, int steps) {
  OptimizerPtr opt = make_optimizer(spec);
  opt->reset(1);
  int t = 0;
  FunctionOracle oracle(1, [&t, C](const Vec& x, Vec& g) {
    ++t;
    g[0] = (t % 3 == 1) ? C : -1.0;
    return g[0] * x[0];
  });
  Vec x = Vec::Zero(1);
  for (int k = 0; k < steps; ++k) {
    opt->step(x, oracle);
    x[0] = std::clamp(x[0], -1.0, 1.0);
  }
  return x[0];
}

}  // namespace

BOOST_AUTO_TEST_CASE(reddi_counterexample) {
  const double C = 3.0;
  const std::string b = "beta1=0,beta2=" + std::to_string(1.0 / (1.0 + C * C));
  for (const double alpha : {0.1, 0.5}) {
    const std::string lr = "lr=" + std::to_string(alpha) + ",";
    const double adam = reddi_run("adam:" + lr + b + "|inverse_sqrt", C, 30000);
    const double ams = reddi_run("amsgrad:" + lr + b + "|inverse_sqrt", C, 30000);
    BOOST_TEST(adam > 0.999, "Adam ends at " << adam);
    BOOST_TEST(ams < -0.99, "AMSGrad ends at " << ams);
  }
}
