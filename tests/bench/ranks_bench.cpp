// Ranks for sums over samples (issue 14, item 4): threads_bench's problem — the top-10 Hessian
// eigenpairs of the MLP 784-256-10 tanh, softmax cross-entropy, on the first 10,000
// Fashion-MNIST training images, at `init:gaussian,seed=0`, ten sample blocks of 1024 — in
// one process or as one rank of `mpirun -np P ranks_bench` (harness/data_parallel.hpp: the
// MPI block backend, rank 0 prints). Not a Google Benchmark: every rank must run the same
// sequence of sums, so the repetitions are fixed. Rank 0 prints
//
//   top10     wall seconds of the binding (one forward pass) and Krylov–Schur (k = 10,
//             ncv = 21, tol = 1e-7 relative), each of 3 runs, and the best;
//   hvp       one product of the bound Hessian, mean of 20;
//   exchange  one sum over the ten blocks whose partials cost nothing (fill does not write):
//             on ranks the check-in, MPI_Allgatherv of 10 × D doubles and the fold — what the
//             ranks add to every product; in one process the fold alone; mean of 20;
//   bits      λ_max … λ_10 as hexfloats: the same text for every P and thread count.
//
// Threads per rank: OPTDYN_THREADS (default 1). Without Fashion-MNIST
// (/usr/share/datasets/fashion-mnist or $OPTDYN_FASHION_MNIST) it says so and exits 77.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "harness/command_line.hpp"
#include "harness/data_parallel.hpp"
#include "optdyn/analysis/hessian_eigen.hpp"
#include "optdyn/analysis/hessian_operator.hpp"
#include "top10_options.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/core/sample_blocks.hpp"
#include "optdyn/objectives/initial_point.hpp"
#include "optdyn/objectives/registry.hpp"

namespace {

using namespace optdyn;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Mean wall seconds of `repeat` calls of f.
template <class F>
double mean_seconds(int repeat, F&& f) {
  const auto start = Clock::now();
  for (int i = 0; i < repeat; ++i) f();
  return seconds_since(start) / repeat;
}

analysis::EigenResult top10(const Objective& net, const Vec& theta) {
  const analysis::HessianOperator op(net, theta);
  const analysis::EigenOptions o = top10_eigen_options();
  return analysis::extreme_eigenpairs(op, o);
}

int bench(const std::string& dir) {
  const ObjectivePtr net = make_objective("mlp:data=fashion-mnist,n=10000,widths=784-256-10,act=tanh,loss=ce,path=" + dir);
  const Vec theta = initial_point("init:gaussian,seed=0", *net);
  net->value(theta);  // builds the compressed input blocks once, untimed
  std::printf("ranks %d, threads per rank from OPTDYN_THREADS, D = %ld, n = %ld\n", harness::data_parallel_ranks(),
              static_cast<long>(net->dim()), static_cast<long>(net->num_samples()));
  double best = 1e300;
  analysis::EigenResult r;
  for (int run = 0; run < 3; ++run) {
    const auto start = Clock::now();
    r = top10(*net, theta);
    const double s = seconds_since(start);
    best = std::min(best, s);
    std::printf("top10     run %d: %.3f s (%ld HVPs)\n", run + 1, s, static_cast<long>(r.products));
  }
  std::printf("top10     best: %.3f s\n", best);
  const analysis::HessianOperator op(*net, theta);
  Rng rng(2);
  const Vec v = rng.normal_vector(net->dim());
  Vec hv(net->dim());
  std::printf("hvp       %.2f ms\n", 1e3 * mean_seconds(20, [&] { op.apply(v, hv); }));
  Vec sum(net->dim());
  const Index blocks = SampleBlocks{net->num_samples(), kDefaultBlockSamples}.count();
  std::printf("exchange  %.2f ms (%ld blocks x %ld doubles)\n",
              1e3 * mean_seconds(20, [&] { sum_over_blocks(blocks, net->dim(), [](Index, double*) {}, sum.data()); }),
              static_cast<long>(blocks), static_cast<long>(net->dim()));
  std::printf("bits     ");
  for (Index i = 0; i < r.eigenvalues.size(); ++i) std::printf(" %a", r.eigenvalues[i]);
  std::printf("\n");
  return r.converged ? 0 : 1;
}

}  // namespace

int main() {
  const char* env = std::getenv("OPTDYN_FASHION_MNIST");
  const std::string dir = env ? env : "/usr/share/datasets/fashion-mnist";
  if (!std::filesystem::exists(dir)) {
    std::printf("Fashion-MNIST not found in %s\n", dir.c_str());
    return 77;
  }
  return optdyn::harness::run_data_parallel([&] { return optdyn::harness::run_guarded([&] { return bench(dir); }); });
}
