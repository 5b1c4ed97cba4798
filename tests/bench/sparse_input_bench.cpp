// The MLP's first-layer products with the Fashion-MNIST inputs X (784 × n, the first n
// training images, pixels / 255, ~50 % exact zeros), dense vs SparseInput
// (lib/src/objectives/sparse_input.hpp), one core:
//
//   BM_TimesLeftDense    Z = W X     Eigen's product (OpenBLAS dgemm when the build sets
//   BM_GradientDense     G = Y Xᵀ    EIGEN_USE_BLAS, OPTDYN_BLAS=ON; run with
//                                    OPENBLAS_NUM_THREADS=1 for one core)
//   BM_TimesLeftSparse   Z = W X     SparseInput::times_left
//   BM_GradientSparse    G = Y Xᵀ    SparseInput::gradient
//
// Arguments: h (rows of W, Y: the first hidden width) and n. Each product is 2·h·784·n
// flops dense; the counter GFLOPs reports that dense count per second for both, so the
// sparse kernels' figure is an "effective" rate. W, Y ~ N(0, 1), seeded.
// Measured (Zen 4, AVX-512, OPTDYN_BLAS=OFF, quiet machine): h = 256, n = 10,000:
// dense ~104 / 107 ms, sparse ~50 ms each.
//
// Without Fashion-MNIST (/usr/share/datasets/fashion-mnist or $OPTDYN_FASHION_MNIST) the
// benchmarks are skipped with an error message.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "../../lib/src/objectives/sparse_input.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/data/fashion_mnist.hpp"

namespace {

using namespace optdyn;

struct Setup {
  Mat x;
  std::unique_ptr<SparseInput> sparse;
  RowMat w;
  Mat y;
  std::string error;
};

// One setup per (h, n), built on first use.
const Setup& setup(Index h, Index n) {
  static std::map<std::pair<Index, Index>, Setup> cache;
  auto [it, fresh] = cache.try_emplace({h, n});
  Setup& s = it->second;
  if (!fresh) return s;
  const char* env = std::getenv("OPTDYN_FASHION_MNIST");
  FashionMnistOptions options;
  if (env) options.directory = env;
  if (!std::filesystem::exists(options.directory)) {
    s.error = "Fashion-MNIST not found in " + options.directory;
    return s;
  }
  options.n = n;
  s.x = load_fashion_mnist(options).inputs;
  s.sparse = std::make_unique<SparseInput>(s.x);
  Rng rng(1);
  s.w = Eigen::Map<const RowMat>(rng.normal_vector(h * s.x.rows()).data(), h, s.x.rows());
  s.y = Eigen::Map<const Mat>(rng.normal_vector(h * n).data(), h, n);
  return s;
}

void report(benchmark::State& state, const Setup& s) {
  const double flops = 2.0 * static_cast<double>(s.w.rows()) * static_cast<double>(s.x.rows()) *
                       static_cast<double>(s.x.cols());
  state.counters["GFLOPs"] = benchmark::Counter(flops * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["zero_fraction"] = s.sparse->zero_fraction();
}

void BM_TimesLeftDense(benchmark::State& state) {
  const Setup& s = setup(state.range(0), state.range(1));
  if (!s.error.empty()) return state.SkipWithError(s.error.c_str());
  Mat z(s.w.rows(), s.x.cols());
  for (auto _ : state) {
    z.noalias() = s.w * s.x;
    benchmark::DoNotOptimize(z.data());
    benchmark::ClobberMemory();
  }
  report(state, s);
}

void BM_TimesLeftSparse(benchmark::State& state) {
  const Setup& s = setup(state.range(0), state.range(1));
  if (!s.error.empty()) return state.SkipWithError(s.error.c_str());
  Mat z(s.w.rows(), s.x.cols());
  for (auto _ : state) {
    s.sparse->times_left(s.w, z);
    benchmark::DoNotOptimize(z.data());
    benchmark::ClobberMemory();
  }
  report(state, s);
}

void BM_GradientDense(benchmark::State& state) {
  const Setup& s = setup(state.range(0), state.range(1));
  if (!s.error.empty()) return state.SkipWithError(s.error.c_str());
  RowMat g(s.w.rows(), s.x.rows());
  Eigen::Map<RowMat> gm(g.data(), g.rows(), g.cols());  // as the MLP's gradient block
  for (auto _ : state) {
    gm.noalias() = s.y * s.x.transpose();
    benchmark::DoNotOptimize(g.data());
    benchmark::ClobberMemory();
  }
  report(state, s);
}

void BM_GradientSparse(benchmark::State& state) {
  const Setup& s = setup(state.range(0), state.range(1));
  if (!s.error.empty()) return state.SkipWithError(s.error.c_str());
  RowMat g(s.w.rows(), s.x.rows());
  for (auto _ : state) {
    s.sparse->gradient(s.y, Eigen::Map<RowMat>(g.data(), g.rows(), g.cols()));
    benchmark::DoNotOptimize(g.data());
    benchmark::ClobberMemory();
  }
  report(state, s);
}

void sizes(benchmark::internal::Benchmark* b) {
  b->Args({256, 10000})->Args({64, 1000})->Unit(benchmark::kMillisecond);
}

}  // namespace

BENCHMARK(BM_TimesLeftDense)->Apply(sizes);
BENCHMARK(BM_TimesLeftSparse)->Apply(sizes);
BENCHMARK(BM_GradientDense)->Apply(sizes);
BENCHMARK(BM_GradientSparse)->Apply(sizes);

BENCHMARK_MAIN();
