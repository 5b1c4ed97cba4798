// Objective benchmarks (issue 2, §6): MLP 784-256-10 tanh, n = 10,000 samples, double,
// softmax cross-entropy. Gradient (backprop) and Hessian-vector product (Pearlmutter's
// R-operator), beside plain Eigen GEMMs of the shapes the network uses, measured in the same
// binary so that "gradient ≥ 60% of the GEMM rate" is a like-for-like comparison.
//
// Data: the first 10,000 Fashion-MNIST training images through make_dataset when
// /usr/share/datasets/fashion-mnist (or $OPTDYN_FASHION_MNIST) is present, otherwise uniform
// random pixels of the same shape; the label of each benchmark says which. Dense GEMMs do not
// depend on the values, so both give the same flop count and speed.
//
// Flop counts (multiply and add counted separately; element-wise work — tanh, softmax,
// bias broadcasts — is not counted). With widths n_0..n_L, B samples, P = Σ_l n_{l+1} n_l
// (= 784·256 + 256·10 = 203,264) and P' = Σ_{l≥1} n_{l+1} n_l (= 2,560):
//   gradient = forward W_l a_l          2 B P
//            + weight gradients δ a_lᵀ  2 B P
//            + backprop W_lᵀ δ (l ≥ 1)  2 B P'          = 4BP + 2BP' ≈ 8.18 GFLOP
//   HVP      = forward                  2 B P
//            + R-forward V_l a_l        2 B P,  W_l R{a_l} (l ≥ 1)       2 B P'
//            + R{δ} a_lᵀ                2 B P,  δ R{a_l}ᵀ (l ≥ 1)        2 B P'
//            + W_lᵀδ, W_lᵀR{δ}, V_lᵀδ (l ≥ 1)                         3·2 B P'
//                                                    = 6BP + 10BP' ≈ 12.45 GFLOP
// The GEMM references: 256×784 · 784×10000 (the first layer's forward product, 2·256·784·B
// = 4.01 GFLOP) and 256×10000 · 10000×784 (its weight-gradient product, same count).
// Eigen runs single-threaded here (no OpenMP; OpenBLAS, when Eigen hands its products to it,
// is pinned to one thread), so all rates are one core's.
// Gradient and HVP run twice: argument 0 with the library's default (on Fashion-MNIST the
// first layer's products skip the half of X that is zero, sparse_input.hpp), argument 1 with
// dense GEMMs (input_products=dense). The GFLOP/s are DENSE-EQUIVALENT (the counts above
// over the time), so with the sparse input they can exceed the GEMM rate.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "optdyn/core/rng.hpp"
#include "optdyn/core/spec.hpp"
#include "optdyn/data/dataset.hpp"
#include "optdyn/objectives/mlp.hpp"
#include "optdyn/objectives/training_data.hpp"

namespace {

using namespace optdyn;

constexpr Index kD = 784, kH = 256, kK = 10, kN = 10000;
constexpr double kP = double(kD) * kH + double(kH) * kK, kP1 = double(kH) * kK;
constexpr double kGradientFlops = 4.0 * kN * kP + 2.0 * kN * kP1;
constexpr double kHvpFlops = 6.0 * kN * kP + 10.0 * kN * kP1;
constexpr double kGemmFlops = 2.0 * kD * kH * kN;

struct Setup {
  std::unique_ptr<Mlp> net, dense_net;  // sparse_input on (the default) and off
  std::string source;
  Vec theta, v;
};

const Setup& setup() {
  static const Setup s = [] {
    Setup out;
    Dataset data;
    const char* env = std::getenv("OPTDYN_FASHION_MNIST");
    const std::string dir = env ? env : "/usr/share/datasets/fashion-mnist";
    if (std::filesystem::exists(dir)) {
      Spec spec = Spec::parse("mlp:data=fashion-mnist,n=" + std::to_string(kN) + ",path=" + dir, "objective");
      data = make_dataset(spec, kD, kK);
      out.source = "fashion-mnist";
    } else {
      Rng rng(1);
      data.inputs.resize(kD, kN);
      for (Index j = 0; j < kN; ++j)
        for (Index i = 0; i < kD; ++i) data.inputs(i, j) = rng.uniform();
      data.targets = Mat::Zero(kK, kN);
      for (Index j = 0; j < kN; ++j) {
        data.labels.push_back(static_cast<int>(rng.below(kK)));
        data.targets(data.labels.back(), j) = 1.0;
      }
      out.source = "random";
    }
    MlpArchitecture arch{{kD, kH, kK}, Activation::tanh, MlpLoss::cross_entropy, true, 0.0};
    out.net = std::make_unique<Mlp>(arch, data, "mlp:widths=784-256-10,act=tanh,loss=ce");
    arch.sparse_input = false;
    out.dense_net = std::make_unique<Mlp>(arch, std::move(data), "mlp:widths=784-256-10,act=tanh,loss=ce");
    Rng rng(2);
    out.theta = rng.normal_vector(out.net->dim()) * (1.0 / std::sqrt(double(kD)));
    out.v = rng.normal_vector(out.net->dim());
    return out;
  }();
  return s;
}

void set_rate(benchmark::State& state, double flops) {
  state.counters["GFLOP/s"] = benchmark::Counter(flops * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["GFLOP"] = flops * 1e-9;
}

// The network of argument 0 (default products) or 1 (dense), its compressed input built.
const Mlp& network(const benchmark::State& state) {
  const Setup& s = setup();
  const Mlp& net = state.range(0) == 1 ? *s.dense_net : *s.net;
  net.sparse_first_layer();
  return net;
}

std::string label(const Mlp& net) {
  return "784-256-10 tanh ce, n=10000, data=" + setup().source + (net.sparse_first_layer() ? ", sparse input" : ", dense");
}

void BM_MlpGradient(benchmark::State& state) {
  const Setup& s = setup();
  const Mlp& net = network(state);
  Vec g;
  for (auto _ : state) {
    benchmark::DoNotOptimize(net.value_and_gradient(s.theta, g));
    benchmark::ClobberMemory();
  }
  set_rate(state, kGradientFlops);
  state.SetLabel(label(net));
}

void BM_MlpHvp(benchmark::State& state) {
  const Setup& s = setup();
  const Mlp& net = network(state);
  Vec hv;
  for (auto _ : state) {
    net.hessian_vector(s.theta, s.v, hv);
    benchmark::DoNotOptimize(hv.data());
    benchmark::ClobberMemory();
  }
  set_rate(state, kHvpFlops);
  state.SetLabel(label(net));
}

void BM_MlpValue(benchmark::State& state) {
  const Setup& s = setup();
  for (auto _ : state) benchmark::DoNotOptimize(s.net->value(s.theta));
  set_rate(state, 2.0 * kN * kP);
  state.SetLabel("forward only");
}

// Minibatch of 128 samples: the gather plus the small GEMMs.
void BM_MlpMinibatchGradient(benchmark::State& state) {
  const Setup& s = setup();
  const Index b = state.range(0);
  std::vector<Index> batch(b);
  Rng rng(3);
  for (auto& i : batch) i = rng.below(kN);
  Vec g;
  for (auto _ : state) benchmark::DoNotOptimize(s.net->batch_value_and_gradient(s.theta, batch, g));
  set_rate(state, kGradientFlops * double(b) / kN);
}

// Reference: Eigen GEMM 256×784 · 784×10000 (first-layer forward shape).
void BM_EigenGemmForwardShape(benchmark::State& state) {
  Rng rng(4);
  const Mat w = rng.normal_matrix(kH, kD), x = rng.normal_matrix(kD, kN);
  Mat z(kH, kN);
  for (auto _ : state) {
    z.noalias() = w * x;
    benchmark::DoNotOptimize(z.data());
    benchmark::ClobberMemory();
  }
  set_rate(state, kGemmFlops);
  state.SetLabel("256x784 * 784x10000");
}

// Reference: Eigen GEMM 256×10000 · (784×10000)ᵀ (first-layer weight-gradient shape).
void BM_EigenGemmGradientShape(benchmark::State& state) {
  Rng rng(5);
  const Mat d = rng.normal_matrix(kH, kN), x = rng.normal_matrix(kD, kN);
  Mat g(kH, kD);
  for (auto _ : state) {
    g.noalias() = d * x.transpose();
    benchmark::DoNotOptimize(g.data());
    benchmark::ClobberMemory();
  }
  set_rate(state, kGemmFlops);
  state.SetLabel("256x10000 * 10000x784");
}

BENCHMARK(BM_EigenGemmForwardShape)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_EigenGemmGradientShape)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_MlpValue)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_MlpGradient)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_MlpHvp)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_MlpMinibatchGradient)->Arg(128)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
