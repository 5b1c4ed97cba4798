// sign (ℓ∞ / per-coordinate trust region) and normalized_gd (ℓ₂ trust region), seed 004,
// including its example: for f = (−3x) + (x) + (x + 1), one summand at a time, normalised
// stochastic steps move the wrong way.
#define BOOST_TEST_MODULE trust_region
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "optdyn/objectives/objective.hpp"
#include "support/optimizer_testing.hpp"

using namespace optdyn;
using namespace optdyn::testing;

BOOST_AUTO_TEST_CASE(sign_hand_values) {
  const auto th = trajectory("sign:lr=0.1", vec({1, 0, -1}), 2);
  BOOST_TEST(mixed_error(th[1], vec({0.9, 0.1, -1.1})) < 1e-15);
  BOOST_TEST(mixed_error(th[2], vec({0.8, 0.0, -1.1})) < 1e-15);  // sign(0) = 0
}

BOOST_AUTO_TEST_CASE(normalized_hand_values) {
  const auto th = trajectory("normalized_gd:lr=0.3", vec({0, 0}), 2, {vec({3, -4}), vec({0, 0})});
  BOOST_TEST(mixed_error(th[1], vec({-0.18, 0.24})) < 1e-15);
  BOOST_TEST(mixed_error(th[2], th[1]) == 0.0);  // g = 0: no step
  // power 2 (seed 004's −ε J/‖J‖²): ‖g‖² = 25, Δ = −0.3·(3, −4)/25; power 0 is GD.
  const auto p2 = trajectory("normalized_gd:lr=0.3,power=2", vec({0, 0}), 1, {vec({3, -4})});
  BOOST_TEST(mixed_error(p2[1], vec({-0.036, 0.048})) < 1e-16);
  const auto p0 = trajectory("normalized_gd:lr=0.3,power=0", vec({0, 0}), 1, {vec({3, -4})});
  BOOST_TEST(mixed_error(p0[1], vec({-0.9, 1.2})) < 1e-15);
}

namespace {

// F(x) = (1/3)[(−3x) + (x) + (x + 1)] as a finite sum of three samples.
class Seed004Sum : public Objective {
 public:
  Index dim() const override { return 1; }
  std::string spec() const override { return "seed004"; }
  Index num_samples() const override { return 3; }

 protected:
  double evaluate(const Vec& x, Batch batch, Vec* gradient) const override {
    static const double slope[3] = {-3.0, 1.0, 1.0}, offset[3] = {0.0, 0.0, 1.0};
    double value = 0.0, slope_sum = 0.0;
    const Index n = batch.empty() ? 3 : static_cast<Index>(batch.size());
    for (Index k = 0; k < n; ++k) {
      const Index i = batch.empty() ? k : batch[k];
      value += slope[i] * x[0] + offset[i];
      slope_sum += slope[i];
    }
    if (gradient) *gradient = Vec::Constant(1, slope_sum / n);
    return value / n;
  }
  void evaluate_hvp(const Vec&, Batch, const Vec&, Vec& out) const override { out = Vec::Zero(1); }
};

}  // namespace

BOOST_AUTO_TEST_CASE(seed004_normalised_stochastic_steps_go_the_wrong_way) {
  Seed004Sum f;
  // The full gradient is −1/3: descent increases x.
  BOOST_TEST(f.gradient(Vec::Zero(1))[0] == -1.0 / 3.0);
  for (const std::string spec : {"sign:lr=0.01", "normalized_gd:lr=0.01"}) {
    OptimizerPtr opt = make_optimizer(spec);
    opt->reset(1);
    ObjectiveOracle oracle(f, 1, Sampling::shuffle, 42);
    Vec x = Vec::Zero(1);
    for (int k = 0; k < 300; ++k) opt->step(x, oracle);
    // Per epoch: steps −ε·sign(−3) + 2·(−ε·sign(1)) = −ε: x decreases by 0.01 per epoch.
    BOOST_TEST(std::abs(x[0] - (-1.0)) < 1e-12, spec << " ends at " << x[0]);
    BOOST_TEST(f.value(x) > f.value(Vec::Zero(1)));  // the loss went up
  }
  // Plain SGD with the same samples goes the right way (it is unbiased).
  OptimizerPtr sgd = make_optimizer("gd:lr=0.01");
  sgd->reset(1);
  ObjectiveOracle oracle(f, 1, Sampling::shuffle, 42);
  Vec x = Vec::Zero(1);
  for (int k = 0; k < 300; ++k) sgd->step(x, oracle);
  BOOST_TEST(std::abs(x[0] - 1.0) < 1e-12);
}
