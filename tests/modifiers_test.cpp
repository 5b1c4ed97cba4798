// Modifiers composed with optimizers: clipping by norm and value, L2 weight decay,
// schedules (Robbins–Monro values, step, cosine, warm-up, inverse_sqrt), Polyak–Ruppert
// averaging, the '|' spec syntax and its errors.
#define BOOST_TEST_MODULE modifiers
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <numbers>

#include "support/optimizer_testing.hpp"

using namespace optdyn;
using namespace optdyn::testing;

namespace {

// The learning rates of the first `steps` steps of `spec` (a gd chain).
std::vector<double> lrs(const std::string& spec, int steps) {
  OptimizerPtr opt = make_optimizer(spec);
  opt->reset(1);
  FunctionOracle oracle = sequence_oracle({vec({0.0})});
  Vec theta = Vec::Zero(1);
  std::vector<double> out;
  for (int k = 0; k < steps; ++k) {
    opt->step(theta, oracle);
    out.push_back(opt->last_lr());
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(robbins_monro_values) {
  // η_t = η₀/(1 + (t−1)/t0)^α.
  const auto a = lrs("gd:lr=2|robbins_monro:alpha=1", 4);
  BOOST_TEST(a[0] == 2.0);
  BOOST_TEST(std::abs(a[1] - 1.0) < 1e-15);
  BOOST_TEST(std::abs(a[2] - 2.0 / 3.0) < 1e-15);
  BOOST_TEST(std::abs(a[3] - 0.5) < 1e-15);
  const auto b = lrs("gd:lr=1|robbins_monro:alpha=0.75,t0=10", 21);
  BOOST_TEST(std::abs(b[10] - std::pow(2.0, -0.75)) < 1e-15);
  BOOST_TEST(std::abs(b[20] - std::pow(3.0, -0.75)) < 1e-15);
  // α outside (½, 1] is rejected, naming the key.
  for (const char* bad : {"gd|robbins_monro:alpha=0.5", "gd|robbins_monro:alpha=1.5"}) {
    try {
      make_optimizer(bad);
      BOOST_FAIL("no error for " << bad);
    } catch (const InputError& e) {
      BOOST_TEST(std::string(e.what()).find("'alpha'") != std::string::npos, e.what());
    }
  }
}

BOOST_AUTO_TEST_CASE(other_schedules) {
  const auto s = lrs("gd:lr=1|step_lr:every=2,gamma=0.5", 5);
  BOOST_TEST(s == (std::vector<double>{1, 1, 0.5, 0.5, 0.25}));
  const auto c = lrs("gd:lr=1|cosine:t_max=4,min_factor=0.2", 6);
  BOOST_TEST(c[0] == 1.0);
  BOOST_TEST(std::abs(c[2] - 0.6) < 1e-15);  // s = 2 = T/2
  BOOST_TEST(std::abs(c[1] - (0.2 + 0.8 * 0.5 * (1 + std::cos(std::numbers::pi / 4)))) < 1e-15);
  BOOST_TEST(std::abs(c[4] - 0.2) < 1e-15);
  BOOST_TEST(std::abs(c[5] - 0.2) < 1e-15);
  const auto w = lrs("gd:lr=1|warmup:steps=4", 6);
  BOOST_TEST(w == (std::vector<double>{0.25, 0.5, 0.75, 1, 1, 1}));
  const auto i = lrs("gd:lr=1|inverse_sqrt", 4);
  BOOST_TEST(std::abs(i[3] - 0.5) < 1e-15);
  // Factors multiply.
  const auto wc = lrs("gd:lr=1|warmup:steps=2|step_lr:every=1,gamma=0.5", 3);
  BOOST_TEST(wc == (std::vector<double>{0.5, 0.5, 0.25}));
  BOOST_CHECK_THROW(make_optimizer("gd|cosine"), InputError);  // t_max required
  BOOST_TEST(lrs("gd:lr=0.3|constant", 2) == (std::vector<double>{0.3, 0.3}));
}

BOOST_AUTO_TEST_CASE(schedule_reaches_the_core_update) {
  // classic momentum puts η_t inside v: v₂ = μv₁ + η₂g₂.
  const auto th = trajectory("momentum:lr=0.1,mu=0.5|step_lr:every=1,gamma=0.5", vec({0}), 2, {vec({1.0})});
  // v₁ = 0.1, θ₁ = −0.1; v₂ = 0.05 + 0.05 = 0.1, θ₂ = −0.2
  BOOST_TEST(std::abs(th[2][0] + 0.2) < 1e-15);
}

BOOST_AUTO_TEST_CASE(clipping) {
  // by norm: g = (3, 4) → (0.6, 0.8) for max = 1; untouched when ‖g‖ ≤ max.
  auto th = trajectory("gd:lr=1|clip_norm:max=1", vec({0, 0}), 2, {vec({3, 4}), vec({0.3, 0.4})});
  BOOST_TEST(mixed_error(th[1], vec({-0.6, -0.8})) < 1e-15);
  BOOST_TEST(mixed_error(th[2], vec({-0.9, -1.2})) < 1e-15);
  th = trajectory("gd:lr=1|clip_value:max=0.5", vec({0, 0, 0}), 1, {vec({3, -4, 0.2})});
  BOOST_TEST(mixed_error(th[1], vec({-0.5, 0.5, -0.2})) < 1e-15);
  // Adam sees the clipped gradient: its state m₁ = (1 − β₁)·clipped g.
  OptimizerPtr opt = make_optimizer("adam|clip_norm:max=1");
  opt->reset(2);
  FunctionOracle oracle = sequence_oracle({vec({3, 4})});
  Vec theta = Vec::Zero(2);
  opt->step(theta, oracle);
  BOOST_TEST(mixed_error(opt->state("m"), vec({0.06, 0.08})) < 1e-15);
  BOOST_TEST(mixed_error(opt->last_gradient(), vec({0.6, 0.8})) < 1e-15);
  // A finite gradient whose Σ g_i² overflows (‖g‖ = 5e200 is finite) is clipped, not zeroed.
  th = trajectory("gd:lr=1|clip_norm:max=1", vec({0, 0}), 1, {vec({3e200, 4e200})});
  BOOST_TEST(mixed_error(th[1], vec({-0.6, -0.8})) < 1e-15);
  th = trajectory("gd:lr=1|clip_norm:max=1", vec({0, 0, 0}), 1, {vec({1e200, 1e200, 1e200})});
  BOOST_TEST(mixed_error(th[1], Vec::Constant(3, -1.0 / std::sqrt(3.0))) < 1e-15);
}

BOOST_AUTO_TEST_CASE(weight_decay) {
  // g + λθ: θ₀ = (1, −2), g = 0, λ = 0.1, η = 0.5 → θ₁ = θ₀(1 − 0.05).
  const auto th = trajectory("gd:lr=0.5|weight_decay:wd=0.1", vec({1, -2}), 2, {vec({0, 0})});
  BOOST_TEST(mixed_error(th[1], vec({0.95, -1.9})) < 1e-15);
  BOOST_TEST(mixed_error(th[2], vec({0.95 * 0.95, -1.9 * 0.95})) < 1e-15);
  // Order matters: decay then clip differs from clip then decay.
  const auto a = trajectory("gd:lr=1|weight_decay:wd=1|clip_norm:max=1", vec({3, 0}), 1, {vec({0, 4})});
  const auto b = trajectory("gd:lr=1|clip_norm:max=1|weight_decay:wd=1", vec({3, 0}), 1, {vec({0, 4})});
  BOOST_TEST(mixed_error(a[1], vec({3 - 0.6, -0.8})) < 1e-15);
  BOOST_TEST(mixed_error(b[1], vec({0, -1})) < 1e-15);
}

BOOST_AUTO_TEST_CASE(polyak_ruppert_averaging) {
  OptimizerPtr opt = make_optimizer("gd:lr=1|average:start=2");
  opt->reset(1);
  FunctionOracle oracle = sequence_oracle({vec({-1.0})});  // θ_t = t
  Vec theta = Vec::Zero(1);
  for (int t = 1; t <= 6; ++t) {
    opt->step(theta, oracle);
    const double expected = t <= 2 ? t : (3.0 + t) / 2.0;  // mean of 3..t
    BOOST_TEST(std::abs(opt->state("average")[0] - expected) < 1e-14, "t=" << t);
  }
  BOOST_TEST(theta[0] == 6.0);  // the iterate itself is untouched
}

BOOST_AUTO_TEST_CASE(spec_syntax) {
  OptimizerPtr opt = make_optimizer("adam:lr=0.01 | clip_norm:max=2|average");
  BOOST_TEST(opt->spec() == "adam:lr=0.01,beta1=0.9,beta2=0.999,eps=1e-8,convention=seed|clip_norm:max=2|average:start=0");
  // The canonical spec builds the same optimizer.
  BOOST_TEST(make_optimizer(opt->spec())->spec() == opt->spec());
  try {
    make_optimizer("gd|clip_norm:maximum=2");
    BOOST_FAIL("no error");
  } catch (const InputError& e) {
    BOOST_TEST(std::string(e.what()).find("'maximum'") != std::string::npos, e.what());
  }
  BOOST_CHECK_THROW(make_optimizer("gd|no_such_modifier"), InputError);
  BOOST_CHECK_THROW(make_optimizer("gd|"), InputError);
  BOOST_TEST(describe_optimizers().find("robbins_monro") != std::string::npos);
}
