// Threads for sums over samples (issue 14, item 4): the top-10 Hessian eigenpairs of the MLP
// 784-256-10 tanh, softmax cross-entropy, on the first 10,000 Fashion-MNIST training images
// (pixels / 255), double, at `init:gaussian,seed=0`, on 1 and 2 threads (core/threads.hpp;
// argument 0 of each benchmark is the thread count). The sums over samples run by sample
// blocks of 1024 (core/sample_blocks.hpp: ten blocks, added in block order), so every
// result is bit-identical for every thread count: the benchmarks check it (lambda_max and
// the eigenvalues' bits against the one-thread run; a mismatch is an error).
//
//   BM_ThreadsTop10/T     Krylov–Schur, k = 10, ncv = 21, tol = 1e-7 relative, the
//                         zero-skipping first layer (the default input_products=auto); the
//                         binding (one forward pass) is timed, as in spectrum_bench.
//   BM_ThreadsBoundHvp/T  one HVP of the bound Hessian (Objective::bind).
//   BM_ThreadsGradient/T  one full-batch value and gradient.
// Baselines from the same run, what the machine itself gains from a second thread:
//   BM_GemmRate/T         T independent GEMMs 256×784 · 784×5000 (the first layer's forward
//                         shape on half the data each), one per thread, OpenBLAS on one thread
//                         inside each (as the blocks run it): GFLOP/s of the machine.
//   BM_TriadBandwidth/T   a STREAM-style triad a = b + s·c over 2·10⁷ doubles split in T
//                         parts (24 bytes per element): GB/s of the machine.
// OPTDYN_BENCH_BLOCK=S builds the network with S samples per block instead (to compare sizes).
//
// Without Fashion-MNIST (/usr/share/datasets/fashion-mnist or $OPTDYN_FASHION_MNIST) the
// network benchmarks are skipped with an error message; the baselines still run.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "optdyn/analysis/hessian_eigen.hpp"
#include "optdyn/analysis/hessian_operator.hpp"
#include "top10_options.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/core/sample_blocks.hpp"
#include "optdyn/core/threads.hpp"
#include "optdyn/objectives/initial_point.hpp"
#include "optdyn/objectives/registry.hpp"

namespace {

using namespace optdyn;

struct Setup {
  ObjectivePtr net;
  Vec theta, v;
  std::string error;
  Index block = 0;
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
    if (const char* block = std::getenv("OPTDYN_BENCH_BLOCK")) set_block_samples(std::stol(block));
    out.block = block_samples();
    out.net = make_objective("mlp:data=fashion-mnist,n=10000,widths=784-256-10,act=tanh,loss=ce,path=" + dir);
    set_block_samples(kDefaultBlockSamples);
    out.theta = initial_point("init:gaussian,seed=0", *out.net);
    Rng rng(2);
    out.v = rng.normal_vector(out.net->dim());
    out.net->value(out.theta);  // builds the compressed input blocks once, untimed
    return out;
  }();
  return s;
}

// Sets the thread count of argument 0 for the benchmark's duration.
struct Threads {
  explicit Threads(const benchmark::State& state) : saved(threads()) {
    set_threads(static_cast<int>(state.range(0)));
  }
  ~Threads() { set_threads(saved); }
  int saved;
};

std::string label(const Setup& s) {
  return std::to_string(threads()) + " thread(s), blocks of " + std::to_string(s.block);
}

// Results of the one-thread runs, to check that more threads give the same bits.
struct Reference {
  bool set = false;
  Vec values;
};
Reference& reference(const std::string& name) {
  static std::map<std::string, Reference> refs;
  return refs[name];
}
// False (and the benchmark marked as an error) when `values` differ from the first run's.
bool check_bits(benchmark::State& state, const std::string& name, const Vec& values) {
  Reference& r = reference(name);
  if (!r.set) {
    r.set = true;
    r.values = values;
    return true;
  }
  if (r.values.size() == values.size() && (r.values.array() == values.array()).all()) return true;
  state.SkipWithError("the result differs from the first thread count's in some bit");
  return false;
}

void BM_ThreadsTop10(benchmark::State& state) {
  const Setup& s = setup();
  if (!s.error.empty()) return state.SkipWithError(s.error.c_str());
  Threads threads_for(state);
  analysis::EigenResult r;
  for (auto _ : state) {
    const analysis::HessianOperator op(*s.net, s.theta);  // binding (one forward pass) is timed
    const analysis::EigenOptions o = top10_eigen_options();
    r = analysis::extreme_eigenpairs(op, o);
  }
  if (!r.converged) return state.SkipWithError("Lanczos did not converge");
  if (!check_bits(state, "top10", r.eigenvalues)) return;
  state.counters["hvps"] = static_cast<double>(r.products);
  state.counters["max_residual"] = r.residuals.maxCoeff();
  state.counters["lambda_max"] = r.eigenvalues[0];
  state.counters["lambda_10"] = r.eigenvalues[9];
  state.SetLabel(label(s));
}

void BM_ThreadsBoundHvp(benchmark::State& state) {
  const Setup& s = setup();
  if (!s.error.empty()) return state.SkipWithError(s.error.c_str());
  Threads threads_for(state);
  const analysis::HessianOperator op(*s.net, s.theta);
  Vec hv(s.net->dim());
  for (auto _ : state) {
    op.apply(s.v, hv);
    benchmark::DoNotOptimize(hv.data());
    benchmark::ClobberMemory();
  }
  if (!check_bits(state, "hvp", hv)) return;
  state.SetLabel(label(s));
}

void BM_ThreadsGradient(benchmark::State& state) {
  const Setup& s = setup();
  if (!s.error.empty()) return state.SkipWithError(s.error.c_str());
  Threads threads_for(state);
  Vec g;
  for (auto _ : state) {
    benchmark::DoNotOptimize(s.net->value_and_gradient(s.theta, g));
    benchmark::ClobberMemory();
  }
  if (!check_bits(state, "gradient", g)) return;
  state.SetLabel(label(s));
}

// T independent GEMMs, one per thread: 256×784 · 784×5000 each.
void BM_GemmRate(benchmark::State& state) {
  const int t = static_cast<int>(state.range(0));
  constexpr Index h = 256, d = 784, n = 5000;
  Rng rng(4);
  const Mat w = rng.normal_matrix(h, d);
  std::vector<Mat> x, z(static_cast<std::size_t>(t), Mat(h, n));
  for (int i = 0; i < t; ++i) x.push_back(rng.normal_matrix(d, n));
  for (auto _ : state) {
    parallel_for(t, [&](Index i) { z[static_cast<std::size_t>(i)].noalias() = w * x[static_cast<std::size_t>(i)]; }, t);
    benchmark::ClobberMemory();
  }
  state.counters["GFLOP/s"] =
      benchmark::Counter(2.0 * h * d * n * t * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel(std::to_string(t) + " x (256x784 * 784x5000), one per thread");
}

// a = b + s·c over 2·10⁷ doubles, split into T contiguous parts.
void BM_TriadBandwidth(benchmark::State& state) {
  const int t = static_cast<int>(state.range(0));
  constexpr Index n = 20'000'000;
  Vec a = Vec::Zero(n), b = Vec::Constant(n, 1.0), c = Vec::Constant(n, 2.0);
  const double scale = 0.5;
  const Index part = (n + t - 1) / t;
  for (auto _ : state) {
    parallel_for(t, [&](Index i) {
      const Index begin = i * part, length = std::min(part, n - begin);
      a.segment(begin, length) = b.segment(begin, length) + scale * c.segment(begin, length);
    }, t);
    benchmark::DoNotOptimize(a.data());
    benchmark::ClobberMemory();
  }
  state.counters["GB/s"] = benchmark::Counter(24.0 * n * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

}  // namespace

BENCHMARK(BM_GemmRate)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->MinTime(2.0)->UseRealTime();
BENCHMARK(BM_TriadBandwidth)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->MinTime(1.0)->UseRealTime();
BENCHMARK(BM_ThreadsGradient)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->MinTime(2.0)->UseRealTime();
BENCHMARK(BM_ThreadsBoundHvp)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->MinTime(2.0)->UseRealTime();
BENCHMARK(BM_ThreadsTop10)->Arg(1)->Arg(2)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();

BENCHMARK_MAIN();
