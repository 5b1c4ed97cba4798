// nadam: Ruder's (2016) form of Dozat's Nadam, both terms over 1−β₁ᵗ (seed 000) and torch's momentum-decay form (doc/references.md, "Conventions of torch.optim").
#define BOOST_TEST_MODULE nadam
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "support/optimizer_testing.hpp"

using namespace optdyn;
using namespace optdyn::testing;

BOOST_AUTO_TEST_CASE(dozat_form_hand_loop) {
  const auto gs = standard_gradients();
  const auto got = trajectory("nadam:lr=0.01,beta1=0.8,beta2=0.9,eps=1e-3", vec({1, 0, -1}), 7);
  Vec theta = vec({1, 0, -1}), m = Vec::Zero(3), v = Vec::Zero(3);
  for (int t = 1; t <= 7; ++t) {
    for (Index i = 0; i < 3; ++i) {
      const double g = gs[(t - 1) % 3][i];
      m[i] = 0.8 * m[i] + 0.2 * g;
      v[i] = 0.9 * v[i] + 0.1 * g * g;
      const double vhat = v[i] / (1 - std::pow(0.9, t));
      theta[i] -= 0.01 / (std::sqrt(vhat) + 1e-3) * (0.8 * m[i] + 0.2 * g) / (1 - std::pow(0.8, t));
    }
    BOOST_TEST(mixed_error(got[t], theta) < 1e-14, "t=" << t);
  }
}

BOOST_AUTO_TEST_CASE(torch_form_hand_loop) {
  const auto gs = standard_gradients();
  const double b1 = 0.9, b2 = 0.999, eps = 1e-8, lr = 2e-3, psi = 4e-3;
  const auto got = trajectory("nadam:convention=torch", vec({1, 0, -1}), 7);
  Vec theta = vec({1, 0, -1}), m = Vec::Zero(3), v = Vec::Zero(3);
  double prod = 1.0;
  for (int t = 1; t <= 7; ++t) {
    const double mu = b1 * (1 - 0.5 * std::pow(0.96, t * psi));
    const double mu_next = b1 * (1 - 0.5 * std::pow(0.96, (t + 1) * psi));
    prod *= mu;
    for (Index i = 0; i < 3; ++i) {
      const double g = gs[(t - 1) % 3][i];
      m[i] = b1 * m[i] + (1 - b1) * g;
      v[i] = b2 * v[i] + (1 - b2) * g * g;
      const double D = std::sqrt(v[i] / (1 - std::pow(b2, t))) + eps;
      theta[i] -= lr * (1 - mu) / (1 - prod) * g / D + lr * mu_next / (1 - prod * mu_next) * m[i] / D;
    }
    BOOST_TEST(mixed_error(got[t], theta) < 1e-14, "t=" << t);
  }
}
