// adagrad: G += g², θ −= η̃ g/√(G + ε) (seed) or η̃ g/(√G + ε) (torch), η̃ = η/(1 + (t−1)d).
#define BOOST_TEST_MODULE adagrad
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "support/optimizer_testing.hpp"

using namespace optdyn;
using namespace optdyn::testing;

BOOST_AUTO_TEST_CASE(one_dimensional_closed_form) {
  // F = c·x (constant gradient c): G_t = t c², so θ_t = θ₀ − η Σ_{s≤t} c/√(s c² + ε).
  // With ε = 1e-300 (a no-op next to t c²; exactly 0 is rejected): θ_t = θ₀ − η sign(c) Σ_{s≤t} s^{−1/2}.
  const double c = -2.5, eta = 0.3;
  OptimizerPtr opt = make_optimizer("adagrad:lr=0.3,eps=1e-300");
  opt->reset(1);
  FunctionOracle oracle(1, [c](const Vec& x, Vec& g) {
    g[0] = c;
    return c * x[0];
  });
  Vec theta = vec({1.0});
  double harmonic = 0.0;
  for (int t = 1; t <= 50; ++t) {
    opt->step(theta, oracle);
    harmonic += 1.0 / std::sqrt(static_cast<double>(t));
    BOOST_TEST(std::abs(theta[0] - (1.0 + eta * harmonic)) < 1e-13, "t=" << t);
    BOOST_TEST(std::abs(opt->state("G")[0] - t * c * c) < 1e-12);
  }
}

BOOST_AUTO_TEST_CASE(conventions_hand_loops) {
  const auto gs = standard_gradients();
  struct Case {
    std::string spec;
    bool torch;
    double eps, decay, s0;
  };
  for (const Case& c : {Case{"adagrad:lr=0.1", false, 1e-8, 0, 0}, Case{"adagrad:lr=0.1,convention=torch", true, 1e-10, 0, 0},
                        Case{"adagrad:lr=0.1,convention=torch,lr_decay=0.5,initial_accumulator=0.2,eps=1e-3", true, 1e-3, 0.5, 0.2},
                        Case{"adagrad:lr=0.1,eps=0.01,lr_decay=0.1", false, 0.01, 0.1, 0}}) {
    const auto got = trajectory(c.spec, vec({1, 0, -1}), 6);
    Vec theta = vec({1, 0, -1}), G = Vec::Constant(3, c.s0);
    for (int t = 1; t <= 6; ++t) {
      const double lr = 0.1 / (1 + (t - 1) * c.decay);
      for (Index i = 0; i < 3; ++i) {
        const double g = gs[(t - 1) % 3][i];
        G[i] += g * g;
        theta[i] -= lr * g / (c.torch ? std::sqrt(G[i]) + c.eps : std::sqrt(G[i] + c.eps));
      }
      BOOST_TEST(mixed_error(got[t], theta) < 1e-14, c.spec << " t=" << t);
    }
  }
}
