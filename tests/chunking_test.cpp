// Chunked element-wise updates (optimizers/chunked.hpp, kUpdateChunk = 2048) at D = 5000:
// three chunks, the last one partial. adam, adadelta and rmsprop (centred, momentum; both
// conventions) after three steps against independent per-coordinate scalar loops, with a
// gradient that depends on θ and on the coordinate index, so that a wrong chunk offset,
// a stale scratch buffer or a skipped tail would show.
#define BOOST_TEST_MODULE chunking
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <functional>
#include <string>

#include "optdyn/optimizers/chunked.hpp"
#include "support/optimizer_testing.hpp"

using namespace optdyn;
using namespace optdyn::testing;

namespace {

constexpr Index kDim = 5000;
constexpr int kSteps = 3;

// g_i(θ) = c_i θ_i + s_i: separable, different in every coordinate.
double coef(Index i) { return 0.5 + 0.001 * static_cast<double>(i % 977); }
double shift(Index i) { return std::sin(0.37 * static_cast<double>(i)) * (1.0 + static_cast<double>(i % 13)); }
double grad(Index i, double x) { return coef(i) * x + shift(i); }
double start(Index i) { return std::cos(0.11 * static_cast<double>(i)); }

Vec run(const std::string& spec) {
  OptimizerPtr opt = make_optimizer(spec);
  opt->reset(kDim);
  FunctionOracle oracle(kDim, [](const Vec& x, Vec& g) {
    for (Index i = 0; i < x.size(); ++i) g[i] = grad(i, x[i]);
    return 0.0;
  });
  Vec theta(kDim);
  for (Index i = 0; i < kDim; ++i) theta[i] = start(i);
  for (int t = 0; t < kSteps; ++t) opt->step(theta, oracle);
  return theta;
}

// Runs `coordinate(i, θ_i)` → θ_i after kSteps for every coordinate.
Vec scalar(const std::function<double(Index, double)>& coordinate) {
  Vec theta(kDim);
  for (Index i = 0; i < kDim; ++i) theta[i] = coordinate(i, start(i));
  return theta;
}

}  // namespace

BOOST_AUTO_TEST_CASE(dimension_spans_several_chunks) { BOOST_TEST(kDim > 2 * kUpdateChunk); }

BOOST_AUTO_TEST_CASE(adam_matches_scalar_loop) {
  const double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8;
  const Vec got = run("adam:lr=0.01,beta1=0.9,beta2=0.999,eps=1e-8");
  const Vec want = scalar([&](Index i, double x) {
    double m = 0, v = 0;
    for (int t = 1; t <= kSteps; ++t) {
      const double g = grad(i, x);
      m = b1 * m + (1 - b1) * g;
      v = b2 * v + (1 - b2) * g * g;
      const double mh = m / (1 - std::pow(b1, t)), vh = v / (1 - std::pow(b2, t));
      x -= lr * mh / (std::sqrt(vh) + eps);
    }
    return x;
  });
  BOOST_TEST(mixed_error(got, want) < 1e-13);
}

BOOST_AUTO_TEST_CASE(adadelta_matches_scalar_loop) {
  for (const bool torch : {false, true}) {
    const double lr = 0.5, rho = 0.9, eps = 1e-6;
    const Vec got = run(std::string("adadelta:lr=0.5,rho=0.9,eps=1e-6,convention=") + (torch ? "torch" : "seed"));
    const Vec want = scalar([&](Index i, double x) {
      double v = 0, u = 0;
      for (int t = 1; t <= kSteps; ++t) {
        const double g = grad(i, x);
        v = rho * v + (1 - rho) * g * g;
        const double d = std::sqrt(u + eps) / std::sqrt(v + eps) * g;
        const double step = torch ? d : lr * d;  // torch accumulates Δ², the seed (ηΔ)²
        u = rho * u + (1 - rho) * step * step;
        x -= lr * d;
      }
      return x;
    });
    BOOST_TEST(mixed_error(got, want) < 1e-13, "torch=" << torch);
  }
}

BOOST_AUTO_TEST_CASE(rmsprop_centred_momentum_matches_scalar_loop) {
  for (const bool torch : {false, true}) {
    const double lr = 0.01, a = 0.9, eps = 1e-4, mu = 0.7;
    const Vec got = run(std::string("rmsprop:lr=0.01,alpha=0.9,eps=1e-4,centered=true,momentum=0.7,convention=") +
                        (torch ? "torch" : "seed"));
    const Vec want = scalar([&](Index i, double x) {
      double v = 0, gb = 0, b = 0;
      for (int t = 1; t <= kSteps; ++t) {
        const double g = grad(i, x);
        v = a * v + (1 - a) * g * g;
        gb = a * gb + (1 - a) * g;
        const double vt = std::max(v - gb * gb, 0.0);
        const double D = torch ? std::sqrt(vt) + eps : std::sqrt(vt + eps);
        b = mu * b + g / D;
        x -= lr * b;
      }
      return x;
    });
    BOOST_TEST(mixed_error(got, want) < 1e-12, "torch=" << torch);
  }
}
