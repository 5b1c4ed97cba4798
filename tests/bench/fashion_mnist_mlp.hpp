#pragma once
// The benchmarks' Fashion-MNIST network, shared by flow_bench and tracker_bench so that their
// rows measure the same problem: MLP 784-64-10 tanh, softmax cross-entropy, the first 1,000
// Fashion-MNIST training images, θ₀ = init:xavier,seed=1. When the data directory is absent,
// standard normal inputs with random labels (data=gaussian) of the same shape stand in;
// `source` says which, for the benchmark's label. Built once per process.
#include <filesystem>
#include <string>

#include "optdyn/data/fashion_mnist.hpp"
#include "optdyn/objectives/initial_point.hpp"
#include "optdyn/objectives/registry.hpp"

namespace optdyn {

struct BenchMlp {
  ObjectivePtr f;
  Vec theta0;
  std::string source;  // "fashion-mnist" or "random"
};

inline const BenchMlp& fashion_mnist_bench_mlp() {
  static const BenchMlp s = [] {
    BenchMlp out;
    const bool have_data = std::filesystem::exists(kFashionMnistDefaultDir);
    out.source = have_data ? "fashion-mnist" : "random";
    out.f = make_objective(have_data ? "mlp:data=fashion-mnist,n=1000,widths=784-64-10,act=tanh,loss=ce"
                                     : "mlp:data=gaussian,n=1000,widths=784-64-10,act=tanh,loss=ce,targets=labels");
    out.theta0 = initial_point("init:xavier,seed=1", *out.f);
    return out;
  }();
  return s;
}

}  // namespace optdyn
