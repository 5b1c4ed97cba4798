// Per-step throughput of the optimizer updates at D = 10⁷ (issue 3): bytes moved per second
// beside a STREAM-like triad a = b + s·c measured in the same run.
//
// Bytes counted are the minimum traffic of each update (8 bytes per double read, 8 per
// double written; write-allocate not counted, as STREAM does):
//   triad     a ← b + s c                      3 × 8 = 24 B/element
//   gd        θ ← θ − ηg                       g, θ, θ' = 24
//   momentum  v ← μv + ηg; θ ← θ − v           g, v, v', θ, θ' = 40
//   rmsprop   v ← αv + (1−α)g²; θ −= ηg/D      g, v, v', θ, θ' = 40
//   adam      m, v EMAs; θ −= ...              g, m, m', v, v', θ, θ' = 56
// The oracle returns a fixed gradient (the optimizer's buffer is filled once), so only the
// update is timed. Compare bytes_per_second of each optimizer with the triad's.
#include <benchmark/benchmark.h>

#include "optdyn/optimizers/oracle.hpp"
#include "optdyn/optimizers/registry.hpp"

namespace {

using namespace optdyn;

constexpr Index kDim = 10'000'000;

void triad(benchmark::State& state) {
  Vec a = Vec::Zero(kDim), b = Vec::Constant(kDim, 1.0), c = Vec::Constant(kDim, 2.0);
  const double s = 0.5;
  for (auto _ : state) {
    a.noalias() = b + s * c;
    benchmark::DoNotOptimize(a.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * kDim * 24);
}

void optimizer_step(benchmark::State& state, const char* spec, int bytes_per_element) {
  OptimizerPtr opt = make_optimizer(spec);
  opt->reset(kDim);
  bool filled = false;
  FunctionOracle oracle(kDim, [&filled](const Vec&, Vec& g) {
    if (!filled) g.setConstant(1e-3);  // the optimizer keeps its gradient buffer between steps
    filled = true;
    return 0.0;
  });
  Vec theta = Vec::Constant(kDim, 1.0);
  opt->step(theta, oracle);  // warm up: touches every page
  for (auto _ : state) {
    opt->step(theta, oracle);
    benchmark::DoNotOptimize(theta.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * kDim * bytes_per_element);
}

}  // namespace

BENCHMARK(triad)->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK_CAPTURE(optimizer_step, gd, "gd:lr=0.01", 24)->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK_CAPTURE(optimizer_step, momentum, "momentum:lr=0.01,mu=0.9", 40)->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK_CAPTURE(optimizer_step, rmsprop, "rmsprop:lr=0.01,convention=torch", 40)->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK_CAPTURE(optimizer_step, adam, "adam:lr=0.001", 56)->Unit(benchmark::kMillisecond)->MinTime(1.0);

BENCHMARK_MAIN();
