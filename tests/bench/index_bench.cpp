// Cost and accuracy of the Chebyshev-filter saddle index (analysis/eigenvalue_count.hpp)
// against the exact count, at D = 10³ … 10⁵ (issue 15).
//
// The matrix has a known spectrum and O(D) products: A = Q Λ Qᵀ with Q = H₁H₂H₃ a product of
// three Householder reflections H = I − 2uuᵀ (random unit u from Rng(seed)), so Rademacher
// probes see a full matrix (Hutchinson's variance is not zero, as it would be for Λ alone).
// Λ: 25% in [−3, −1] (negative), 40% exactly 0 (the null space of an over-parameterised
// network), 35% in [1, 3]; the exact counts at any τ < 1 are 0.25 / 0.40 / 0.35.
//   BM_KpmIndex/D/N   degree N, 20 probes, level 0.95. Counters: hvps, index (central),
//                     index_low, index_high, truth (0.25), near_zero, tau, resolved,
//                     ms_per_hvp.
//   BM_InertiaIndex/D the exact index of the dense matrix by Bunch–Kaufman (D ≤ 2000).
#include <benchmark/benchmark.h>

#include "optdyn/analysis/eigenvalue_count.hpp"
#include "optdyn/analysis/saddle_index.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/linalg/operator.hpp"

namespace {

using namespace optdyn;
using namespace optdyn::analysis;

Vec known_spectrum(Index d) {
  Vec l(d);
  Rng rng(1);
  for (Index i = 0; i < d; ++i) {
    const double f = static_cast<double>(i) / static_cast<double>(d);
    l[i] = f < 0.25 ? -rng.uniform(1.0, 3.0) : f < 0.65 ? 0.0 : rng.uniform(1.0, 3.0);
  }
  return l;
}

// v ↦ Q Λ Qᵀ v with Q = H₁H₂H₃ (each H symmetric and its own inverse).
FunctionOperator householder_operator(const Vec& lambda, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<Vec> u;
  for (int i = 0; i < 3; ++i) u.push_back(rng.normal_vector(lambda.size()).normalized());
  return FunctionOperator(lambda.size(), [lambda, u](const Vec& v, Vec& out) {
    out = v;
    for (int i = 2; i >= 0; --i) out -= 2.0 * u[i].dot(out) * u[i];  // Qᵀ v = H₃H₂H₁ v
    out = lambda.cwiseProduct(out);
    for (int i = 0; i < 3; ++i) out -= 2.0 * u[i].dot(out) * u[i];  // Q w
  });
}

void BM_KpmIndex(benchmark::State& state) {
  const Index d = state.range(0);
  const Vec lambda = known_spectrum(d);
  const FunctionOperator op = householder_operator(lambda, 7);
  IndexEstimateOptions o;
  o.degree = state.range(1);
  IndexEstimate e;
  for (auto _ : state) {
    Rng rng(0);
    e = estimate_index(op, o, rng);
  }
  state.counters["hvps"] = static_cast<double>(e.products);
  state.counters["index"] = e.negative.value;
  state.counters["index_low"] = e.negative.low;
  state.counters["index_high"] = e.negative.high;
  state.counters["truth"] = saddle_index(lambda, e.tau).index;
  state.counters["near_zero"] = e.near_zero.value;
  state.counters["tau"] = e.tau;
  state.counters["resolved"] = e.resolved;
}

void BM_InertiaIndex(benchmark::State& state) {
  const Index d = state.range(0);
  const Vec lambda = known_spectrum(d);
  const Mat a = householder_operator(lambda, 7).dense();
  SaddleIndex s;
  for (auto _ : state) s = saddle_index_by_inertia(a, 0.1);
  state.counters["index"] = s.index;
}

}  // namespace

BENCHMARK(BM_KpmIndex)->Args({1000, 200})->Args({1000, 500})->Args({10000, 500})->Args({100000, 500})
    ->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_InertiaIndex)->Arg(1000)->Arg(2000)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK_MAIN();
