// Hessian spectrum benchmarks (issue 5): MLP 784-256-10 tanh, softmax cross-entropy,
// n = 10,000 Fashion-MNIST training images (the first n; pixels / 255), double, at the
// random initialisation `init:gaussian,seed=0` (W ~ N(0, 1/fan_in), biases 0).
//
//   Every benchmark runs with the first layer's products skipping X's zeros (argument 0:
//   input_products=auto, the default; Fashion-MNIST pixels are half zeros) and with dense
//   GEMMs (1: input_products=dense).
//   BM_SpectrumPlainHvp   one unbound HVP (Objective::hessian_vector: forward pass + R passes)
//   BM_SpectrumBoundHvp   one HVP through MlpCurvature (forward pass, δ's cached): the work
//                         drops from 6BP + 10BP' to 4BP + 8BP' flops (objective_bench.cpp's
//                         notation), about 2/3
//   BM_SpectrumTop10/0/*  the 10 largest eigenpairs with the default solver (Krylov–Schur,
//                         ncv = 21, tol = 1e-7 relative, i.e. ‖r‖ ≤ 1e-7·|λ|; true
//                         residuals from the stored basis products, no extra HVPs)
//   BM_SpectrumTop10/1/1  the same with Spectra's SymEigsSolver (LargestAlge, ncv = 21; the
//                         residuals recomputed with 10 fresh HVPs, timed) and dense GEMMs:
//                         the path of the previous README table
//                         Counters: hvps (all products), restarts, max_residual, lambda_max,
//                         lambda_10.
// The PyTorch + SciPy (ARPACK eigsh) peer doing the same is tests/bench/peers/
// pyhessian_style_peer.py. Eigen runs single-threaded here (no OpenMP).
//
// Without Fashion-MNIST (/usr/share/datasets/fashion-mnist or $OPTDYN_FASHION_MNIST) the
// benchmarks are skipped with an error message.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "optdyn/analysis/hessian_eigen.hpp"
#include "optdyn/analysis/hessian_operator.hpp"
#include "top10_options.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/objectives/initial_point.hpp"
#include "optdyn/objectives/registry.hpp"

namespace {

using namespace optdyn;

struct Setup {
  ObjectivePtr net, dense_net;  // input_products=auto (zero-skipping first layer) and =dense
  Vec theta, v;
  std::string error;
  const Objective& objective(bool dense) const { return dense ? *dense_net : *net; }
};

const Setup& setup() {
  static const Setup s = [] {
    Setup out;
    const char* env = std::getenv("OPTDYN_FASHION_MNIST");
    const std::string dir = env ? env : "/usr/share/datasets/fashion-mnist";
    if (!std::filesystem::exists(dir)) {
      out.error = "Fashion-MNIST not found in " + dir;
      return out;
    }
    const std::string spec = "mlp:data=fashion-mnist,n=10000,widths=784-256-10,act=tanh,loss=ce,path=" + dir;
    out.net = make_objective(spec);
    out.dense_net = make_objective(spec + ",input_products=dense");
    out.theta = initial_point("init:gaussian,seed=0", *out.net);
    Rng rng(2);
    out.v = rng.normal_vector(out.net->dim());
    return out;
  }();
  return s;
}

// Argument 0: the first layer's products skip X's zeros (input_products=auto); 1: dense GEMMs.
void BM_SpectrumPlainHvp(benchmark::State& state) {
  const Setup& s = setup();
  if (!s.error.empty()) return state.SkipWithError(s.error.c_str());
  const Objective& net = s.objective(state.range(0) == 1);
  state.SetLabel(state.range(0) == 1 ? "dense" : "sparse input");
  Vec hv;
  net.hessian_vector(s.theta, s.v, hv);  // builds the compressed input once, untimed
  for (auto _ : state) {
    net.hessian_vector(s.theta, s.v, hv);
    benchmark::DoNotOptimize(hv.data());
    benchmark::ClobberMemory();
  }
}

void BM_SpectrumBoundHvp(benchmark::State& state) {
  const Setup& s = setup();
  if (!s.error.empty()) return state.SkipWithError(s.error.c_str());
  const Objective& net = s.objective(state.range(0) == 1);
  state.SetLabel(state.range(0) == 1 ? "dense" : "sparse input");
  const analysis::HessianOperator op(net, s.theta);
  Vec hv(net.dim());
  for (auto _ : state) {
    op.apply(s.v, hv);
    benchmark::DoNotOptimize(hv.data());
    benchmark::ClobberMemory();
  }
}

void BM_SpectrumTop10(benchmark::State& state) {
  const Setup& s = setup();
  if (!s.error.empty()) return state.SkipWithError(s.error.c_str());
  const auto solver = state.range(0) == 0 ? analysis::KrylovSolver::krylov_schur : analysis::KrylovSolver::spectra;
  const bool dense = state.range(1) == 1;
  const Objective& net = s.objective(dense);
  state.SetLabel(analysis::krylov_solver_name(solver) + (dense ? ", dense" : ", sparse input"));
  net.value(s.theta);  // builds the compressed input (once per process, untimed)
  analysis::EigenResult r;
  for (auto _ : state) {
    const analysis::HessianOperator op(net, s.theta);  // binding (one forward pass) is timed
    const analysis::EigenOptions o = top10_eigen_options(solver);
    r = analysis::extreme_eigenpairs(op, o);
  }
  if (!r.converged) return state.SkipWithError("Lanczos did not converge");
  state.counters["hvps"] = static_cast<double>(r.products);
  state.counters["restarts"] = static_cast<double>(r.iterations);
  state.counters["max_residual"] = r.residuals.maxCoeff();
  state.counters["lambda_max"] = r.eigenvalues[0];
  state.counters["lambda_10"] = r.eigenvalues[9];
}

}  // namespace

BENCHMARK(BM_SpectrumPlainHvp)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_SpectrumBoundHvp)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->MinTime(2.0);
// {solver: 0 Krylov–Schur, 1 Spectra} × {0 sparse input, 1 dense}
BENCHMARK(BM_SpectrumTop10)->Args({0, 0})->Args({0, 1})->Args({1, 1})->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();

BENCHMARK_MAIN();
