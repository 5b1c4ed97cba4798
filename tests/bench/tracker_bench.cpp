// Curvature tracking along a run (issue 18): λmax at every step of full-batch GD at the edge of
// stability, by the warm-started tracker (analysis/curvature_tracker.hpp: LOBPCG from the
// previous step's vector) beside a cold Krylov–Schur solve (krylov_schur.hpp, largest = 1,
// random start, the curvature monitor's solver) at the same point and the same residual
// tolerance ‖Hv − λv‖ ≤ tol·|λ|, in the same run.
//
// Setup (fashion_mnist_mlp.hpp, flow_bench's network): MLP 784-64-10 tanh, softmax
// cross-entropy, the first 1,000 Fashion-MNIST training images (random stand-ins when the data
// directory is absent; the label says which), θ₀ = init:xavier,seed=1. The step size puts the
// run at the edge of stability from its first step: η = 2 / (0.95 λmax(θ₀)), so λmax(θ₀) is 5%
// above GD's stability threshold 2/η and the run hovers around it (Cohen et al. 2021; the
// counter sharpness_ratio = mean of η λmax / 2 over the measured steps shows it).
//
// For contrast, the third argument sets η = 2 / (f λmax(θ₀)) with f = argument/100: 95 is the
// edge of stability above; 200 is a stable run (λmax ≈ 1/η, half the threshold), where the
// top eigenvector turns slowly.
//
// BM_TrackLambdaMax/steps/−log10(tol)/100f: counters per measurement (step 0's cold start excluded
// from the warm mean: it is the one cold solve the tracker makes): warm_hvps, cold_hvps,
// ratio = warm/cold (goal ≤ 0.2), max_rel_diff = max |λ_warm − λ_cold| / λ_cold,
// sharpness_ratio; warm_s and cold_s: seconds in each.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>

#include "fashion_mnist_mlp.hpp"
#include "optdyn/analysis/curvature_tracker.hpp"
#include "optdyn/analysis/hessian_operator.hpp"
#include "optdyn/linalg/krylov_schur.hpp"
#include "optdyn/optimizers/oracle.hpp"
#include "optdyn/optimizers/registry.hpp"

namespace {

using namespace optdyn;
using Clock = std::chrono::steady_clock;

KrylovSchurResult cold_lambda_max(const SymmetricOperator& h, double tol, std::uint64_t seed) {
  KrylovSchurOptions ko;
  ko.largest = 1;
  ko.tol = tol;
  ko.seed = seed;
  return krylov_schur(h, ko);
}

void BM_TrackLambdaMax(benchmark::State& state) {
  const BenchMlp& s = fashion_mnist_bench_mlp();
  const long steps = state.range(0);
  const double tol = std::pow(10.0, -static_cast<double>(state.range(1)));
  const double factor = static_cast<double>(state.range(2)) / 100.0;
  for (auto _ : state) {
    Vec theta = s.theta0;
    const double lambda0 = cold_lambda_max(analysis::HessianOperator(*s.f, theta), tol, 0).eigenvalues[0];
    const double eta = 2.0 / (factor * lambda0);
    OptimizerPtr gd = make_optimizer("gd:lr=" + std::to_string(eta));
    gd->reset(s.f->dim());
    ObjectiveOracle oracle(*s.f);
    analysis::TrackerOptions o;
    o.tol = tol;  // λmax only: max_pairs = 1, threshold −∞
    analysis::CurvatureTracker tracker(o);
    double warm = 0, cold = 0, warm_s = 0, cold_s = 0, max_diff = 0, sharpness = 0;
    for (long k = 0; k <= steps; ++k) {
      const analysis::HessianOperator h(*s.f, theta);
      auto t0 = Clock::now();
      const analysis::TrackerMeasurement m = tracker.measure(h);
      auto t1 = Clock::now();
      const KrylovSchurResult r = cold_lambda_max(h, tol, static_cast<std::uint64_t>(k));
      auto t2 = Clock::now();
      if (!m.converged || !r.converged) state.SkipWithError("a solve did not converge");
      max_diff = std::max(max_diff, std::abs(m.pairs[0].value - r.eigenvalues[0]) / r.eigenvalues[0]);
      sharpness += eta * r.eigenvalues[0] / 2.0;
      if (k > 0) {
        warm += static_cast<double>(m.products);
        warm_s += std::chrono::duration<double>(t1 - t0).count();
      }
      cold += static_cast<double>(r.products);
      cold_s += std::chrono::duration<double>(t2 - t1).count();
      gd->step(theta, oracle);
    }
    state.counters["warm_hvps"] = warm / static_cast<double>(steps);
    state.counters["cold_hvps"] = cold / static_cast<double>(steps + 1);
    state.counters["ratio"] = state.counters["warm_hvps"] / state.counters["cold_hvps"];
    state.counters["max_rel_diff"] = max_diff;
    state.counters["sharpness_ratio"] = sharpness / static_cast<double>(steps + 1);
    state.counters["eta"] = eta;
    state.counters["warm_s"] = warm_s;
    state.counters["cold_s"] = cold_s;
  }
  state.SetLabel(s.source);
}
BENCHMARK(BM_TrackLambdaMax)
    ->Args({50, 6, 95})
    ->Args({50, 8, 95})
    ->Args({50, 6, 200})
    ->Args({50, 8, 200})
    ->Iterations(1)->Unit(benchmark::kSecond);

}  // namespace

BENCHMARK_MAIN();
