// Critical points per second (analysis/critical_points/, issue 15 part 2): each iteration solves
// from K starts, describes every converged point (loss, gradient norm, exact index, near-zero
// fraction) and deduplicates up to symmetry, as critical_point_search.hpp does.
//   BM_TeacherMlp            MLP 10-8-1 tanh, mse, 200 samples of a 10-4-1 tanh teacher
//                            (D = 97); Gauss–Newton (LM on ½‖∇F‖², dense), K = 8 random starts
//                            (init:gaussian), tol 1e-8, at most 300 steps.
//   BM_PSpin/N/S             spherical p-spin, p = 3; Riemannian Newton (dense) with trust radius
//                            max_step = S/100 of the radius, K = 8 uniform starts on the sphere,
//                            tol 1e-8, at most 100 steps.
// Not here: Fashion-MNIST MLPs. MLP 784-1-10 (D = 805, mse, 50 images) did not converge from
// one init:gaussian start in 300 Gauss–Newton steps (57 s; dense J from D HVPs per step).
// Counters: points_per_s (converged points per second, a rate), converged and distinct per
// iteration, steps_per_point, hvps_per_point (F's counters), mean index and loss of the points.
#include <benchmark/benchmark.h>

#include <string>

#include "optdyn/analysis/critical_points/critical_point_search.hpp"
#include "optdyn/analysis/critical_points/starting_points.hpp"
#include "optdyn/objectives/registry.hpp"
#include "optdyn/objectives/spherical_pspin.hpp"

namespace {

using namespace optdyn;
using namespace optdyn::analysis;

void report(benchmark::State& state, const CriticalPointSearch& s, Index steps) {
  double index = 0, loss = 0;
  for (const auto& p : s.points) index += p.point.index, loss += p.point.loss;
  const double converged = static_cast<double>(s.converged);
  const double distinct = static_cast<double>(s.points.size());
  state.counters["points_per_s"] = benchmark::Counter(converged, benchmark::Counter::kIsRate);
  state.counters["converged"] = converged;
  state.counters["distinct"] = distinct;
  state.counters["starts"] = static_cast<double>(s.starts);
  state.counters["steps_per_point"] = converged > 0 ? static_cast<double>(steps) / converged : 0.0;
  state.counters["hvps_per_point"] = converged > 0 ? static_cast<double>(s.counts.hvps) / converged : 0.0;
  state.counters["mean_index"] = distinct > 0 ? index / distinct : 0.0;
  state.counters["mean_loss"] = distinct > 0 ? loss / distinct : 0.0;
}

// Steps of the converged runs, summed.
Index steps_of(const CriticalPointSearch& s) {
  Index steps = 0;
  for (const auto& p : s.points) steps += p.point.solver.steps * p.found;
  return steps;
}

void run_search(benchmark::State& state, const Objective& f, const std::vector<Vec>& starts,
                const CriticalPointSearchOptions& options) {
  Rng rng(0);
  CriticalPointSearch s;
  for (auto _ : state) s = search_critical_points(f, starts, options, rng);
  report(state, s, steps_of(s));
}

CriticalPointSearchOptions gauss_newton(Index max_steps) {
  CriticalPointSearchOptions o;
  o.solver.method = CriticalPointMethod::gauss_newton;
  o.solver.max_steps = max_steps;
  return o;
}

void BM_TeacherMlp(benchmark::State& state) {
  const auto f = make_objective("mlp:widths=10-8-1,act=tanh,loss=mse,data=teacher-mlp,n=200,teacher_widths=4");
  Rng rng(1);
  run_search(state, *f, random_starts(*f, {}, 8, rng), gauss_newton(300));
}
BENCHMARK(BM_TeacherMlp)->Unit(benchmark::kSecond)->Iterations(1);

void BM_PSpin(benchmark::State& state) {
  const Index n = state.range(0);
  const SphericalPSpin f(n, 3, 0, "spherical_pspin:dim=" + std::to_string(n) + ",p=3");
  Rng rng(3);
  CriticalPointSearchOptions o;
  o.solver.method = CriticalPointMethod::riemannian_newton;
  o.solver.max_steps = 100;
  o.solver.riemannian_newton.max_step = static_cast<double>(state.range(1)) / 100.0;
  run_search(state, f, sphere_starts(n, 8, rng), o);
}
BENCHMARK(BM_PSpin)->ArgsProduct({{50, 100}, {10, 30, 100}})->Unit(benchmark::kSecond)->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
