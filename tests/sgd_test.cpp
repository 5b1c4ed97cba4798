// sgd = torch.optim.SGD: b₁ = g₁, b = μb + (1−τ)g, d = g + μb (nesterov) or b, θ −= γd.
// Expected values recomputed per coordinate from the formula (doc/references.md, "Conventions of torch.optim").
#define BOOST_TEST_MODULE sgd
#include <boost/test/unit_test.hpp>

#include "support/optimizer_testing.hpp"

using namespace optdyn;
using namespace optdyn::testing;

namespace {

std::vector<Vec> reference(double lr, double mu, double tau, bool nesterov, const Vec& theta0, int steps) {
  const auto gs = standard_gradients();
  std::vector<Vec> out{theta0};
  Vec theta = theta0, b = Vec::Zero(theta0.size());
  for (int t = 1; t <= steps; ++t) {
    const Vec& g = gs[(t - 1) % gs.size()];
    for (Index i = 0; i < theta.size(); ++i) {
      b[i] = t == 1 ? g[i] : mu * b[i] + (1 - tau) * g[i];
      const double d = nesterov ? g[i] + mu * b[i] : b[i];
      theta[i] -= lr * d;
    }
    out.push_back(theta);
  }
  return out;
}

void compare(const std::string& spec, double lr, double mu, double tau, bool nesterov) {
  const Vec theta0 = vec({1, 0, -1});
  const auto got = trajectory(spec, theta0, 6);
  const auto want = reference(lr, mu, tau, nesterov, theta0, 6);
  for (int k = 0; k <= 6; ++k) BOOST_TEST(mixed_error(got[k], want[k]) < 1e-14, spec << " step " << k);
}

}  // namespace

BOOST_AUTO_TEST_CASE(plain_sgd_is_gd) {
  const auto th = trajectory("sgd:lr=0.1", vec({1, 0, -1}), 3);
  BOOST_TEST(mixed_error(th[3], vec({1.0, 0.15, -1.25})) < 1e-14);
}

BOOST_AUTO_TEST_CASE(momentum_dampening_nesterov) {
  compare("sgd:lr=0.1,momentum=0.9", 0.1, 0.9, 0.0, false);
  compare("sgd:lr=0.1,momentum=0.9,dampening=0.5", 0.1, 0.9, 0.5, false);
  compare("sgd:lr=0.05,momentum=0.8,nesterov=true", 0.05, 0.8, 0.0, true);
}

BOOST_AUTO_TEST_CASE(first_step_is_undamped) {
  // b₁ = g₁ even with dampening: θ₁ = θ₀ − γg₁.
  const auto th = trajectory("sgd:lr=0.1,momentum=0.9,dampening=0.5", vec({1, 0, -1}), 1);
  BOOST_TEST(mixed_error(th[1], vec({0.9, 0.2, -1.05})) < 1e-14);
  // Second step by hand, coordinate 0: b = 0.9·1 + 0.5·0.5 = 1.15, θ = 0.9 − 0.115 = 0.785.
  const auto th2 = trajectory("sgd:lr=0.1,momentum=0.9,dampening=0.5", vec({1, 0, -1}), 2);
  BOOST_TEST(std::abs(th2[2][0] - 0.785) < 1e-14);
}

BOOST_AUTO_TEST_CASE(nesterov_needs_momentum_and_no_dampening) {
  BOOST_CHECK_THROW(make_optimizer("sgd:nesterov=true"), InputError);
  BOOST_CHECK_THROW(make_optimizer("sgd:momentum=0.9,dampening=0.1,nesterov=true"), InputError);
}
