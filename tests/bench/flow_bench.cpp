// Flow integration benchmarks (issue 4): where the time of a gradient-flow integration goes.
//
//  * BM_GradientFlowDopri5: θ̇ = −∇f on an MLP 784-64-10 tanh, softmax cross-entropy,
//    n = 1000 Fashion-MNIST images (fashion_mnist_mlp.hpp: random stand-ins when the data
//    directory is absent; the label says which), integrated by dopri5 to t = T. The flow is
//    wrapped so that every call of F (one backprop gradient) is timed: the counter
//    `gradient_share` = time inside F / wall time of the integration is the share of the
//    integrator's own overhead's complement (target ≥ 0.95).
//  * BM_ImplicitEulerNewtonKrylov: implicit Euler (Newton–Krylov, MINRES on HVPs: the
//    MLP's Hessian is symmetric indefinite) on the same flow for a few steps of h; counters
//    per step: Hessian-vector products (R-operator), Newton iterations, gradients.
// Eigen is single-threaded here, so all times are one core's.
#include <benchmark/benchmark.h>

#include <chrono>
#include <string>
#include <vector>

#include "fashion_mnist_mlp.hpp"
#include "optdyn/flows/registry.hpp"
#include "optdyn/integrators/registry.hpp"

namespace {

using namespace optdyn;
using Clock = std::chrono::steady_clock;

// The gradient flow of the shared network (fashion_mnist_mlp.hpp).
const Flow& gradient_flow() {
  static const FlowPtr flow = make_flow("gradient", *fashion_mnist_bench_mlp().f);
  return *flow;
}

// Forwards to a flow and accumulates the wall time spent in F.
class TimedFlow : public Flow {
 public:
  explicit TimedFlow(const Flow& inner) : Flow(inner.objective()), inner_(inner) {}
  std::string spec() const override { return inner_.spec(); }
  void derivative(const Vec& z, Vec& dzdt, double t) const override {
    const auto start = Clock::now();
    inner_.derivative(z, dzdt, t);
    seconds += std::chrono::duration<double>(Clock::now() - start).count();
  }
  void jacobian_vector(const Vec& z, double t, const Vec& v, Vec& Jv) const override {
    inner_.jacobian_vector(z, t, v, Jv);
  }
  bool symmetric_jacobian() const override { return inner_.symmetric_jacobian(); }
  mutable double seconds = 0.0;

 private:
  const Flow& inner_;
};

void BM_GradientFlowDopri5(benchmark::State& state) {
  const BenchMlp& s = fashion_mnist_bench_mlp();
  const double T = 2.0;
  TimedFlow flow(gradient_flow());
  IntegrationStats stats;
  double wall = 0.0;
  for (auto _ : state) {
    IntegratorPtr integ = make_integrator("dopri5:rtol=1e-6,atol=1e-9");
    Vec z = s.theta0;
    std::vector<double> times;
    for (int k = 1; k <= 20; ++k) times.push_back(T * k / 20);
    flow.seconds = 0.0;
    const auto start = Clock::now();
    const IntegrationResult r = integ->integrate(flow, z, 0.0, times, [](double, const Vec&) { return true; });
    wall = std::chrono::duration<double>(Clock::now() - start).count();
    stats = r.stats;
    if (r.status != IntegrationStatus::ok) state.SkipWithError(r.message.c_str());
  }
  state.counters["gradient_share"] = flow.seconds / wall;
  state.counters["steps"] = double(stats.steps);
  state.counters["rejected"] = double(stats.rejected);
  state.counters["gradients"] = double(stats.rhs_evaluations);
  state.counters["ms_per_gradient"] = 1e3 * flow.seconds / double(stats.rhs_evaluations);
  state.SetLabel("mlp 784-64-10 tanh ce n=1000, data=" + s.source + ", T=2, rtol=1e-6");
}

void BM_ImplicitEulerNewtonKrylov(benchmark::State& state) {
  const BenchMlp& s = fashion_mnist_bench_mlp();
  const Flow& flow = gradient_flow();
  const double h = double(state.range(0)) / 10.0;
  const int steps = 5;
  IntegrationStats stats;
  for (auto _ : state) {
    IntegratorPtr integ = make_integrator("implicit_euler:h=" + std::to_string(h));
    Vec z = s.theta0;
    const std::vector<double> times = {steps * h};
    s.f->reset_counters();
    const IntegrationResult r = integ->integrate(flow, z, 0.0, times, [](double, const Vec&) { return true; });
    stats = r.stats;
    if (r.status != IntegrationStatus::ok) state.SkipWithError(r.message.c_str());
  }
  const double n = double(stats.steps);
  state.counters["hvps_per_step"] = double(s.f->counters().hvps) / n;
  state.counters["newton_per_step"] = double(stats.newton_iterations) / n;
  state.counters["gradients_per_step"] = double(s.f->counters().gradients) / n;
  state.counters["seconds_per_step"] = benchmark::Counter(n, benchmark::Counter::kIsIterationInvariantRate |
                                                          benchmark::Counter::kInvert);
  state.SetLabel("mlp 784-64-10, h=" + std::to_string(h) + ", newton_tol=1e-12, linear_tol=1e-8, MINRES");
}

}  // namespace

BENCHMARK(BM_GradientFlowDopri5)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();
BENCHMARK(BM_ImplicitEulerNewtonKrylov)->Arg(1)->Arg(3)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

BENCHMARK_MAIN();
