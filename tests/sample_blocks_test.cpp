// Sums over samples by fixed blocks (core/sample_blocks.hpp, core/threads.hpp).
//  * The machinery: the block-order sum is the serial left fold bit for bit on 1, 2 and 3
//    threads (against an explicit loop); gather and for_each cover every block once; an
//    exception is the lowest failing block's on every thread count; bad thread counts.
//  * Every data objective that sums over samples — MLP (ce, mse, bce; dense and zero-skipping
//    inputs; one and two hidden layers; l2), logistic and softmax regression, deep linear,
//    least squares — built with blocks of 7 samples on n = 50 (8 blocks, the last of 1):
//    value, gradient, HVP (unbound and bound), Fisher products (true, empirical, sampled),
//    J v and Jᵀ u, per-sample gradients, K-FAC statistics and a minibatch of 3 blocks are
//    bit-identical (==) on 1, 2 and 3 threads, and agree with the same objective built as ONE
//    block (the unblocked computation, an independent reference for the block machinery) to
//    1e-12 relative.
#define BOOST_TEST_MODULE sample_blocks
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "optdyn/core/error.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/core/sample_blocks.hpp"
#include "optdyn/core/threads.hpp"
#include "optdyn/objectives/deep_linear.hpp"
#include "optdyn/objectives/least_squares.hpp"
#include "optdyn/objectives/logistic_regression.hpp"
#include "optdyn/objectives/mlp.hpp"
#include "optdyn/objectives/softmax_regression.hpp"
#include "support/mlp_testing.hpp"

using namespace optdyn;
using namespace optdyn::testing;

namespace {

constexpr Index kBlock = 7;   // samples per block of the blocked objectives
constexpr Index kSamples = 50;  // 8 blocks: 7 × 7 + 1
constexpr Index kOneBlock = Index{1} << 30;

// Objectives built while alive get `size` samples per block; the thread count is restored too.
struct ScopedBlocks {
  explicit ScopedBlocks(Index size) : saved_size(block_samples()), saved_threads(threads()) { set_block_samples(size); }
  ~ScopedBlocks() {
    set_block_samples(saved_size);
    set_threads(saved_threads);
  }
  Index saved_size;
  int saved_threads;
};

bool same(const Mat& a, const Mat& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() && (a.array() == b.array()).all();
}
bool close(const Mat& a, const Mat& b, double tol = 1e-12) {
  return a.rows() == b.rows() && a.cols() == b.cols() && (a - b).norm() <= tol * std::max(b.norm(), 1e-300);
}

// Every block-summed quantity of one objective, as a list of named matrices.
struct Results {
  std::vector<std::pair<std::string, Mat>> items;
  void add(std::string name, Mat m) { items.emplace_back(std::move(name), std::move(m)); }
  void add(std::string name, double x) { items.emplace_back(std::move(name), Mat::Constant(1, 1, x)); }
};

Results evaluate_all(const Objective& f, const Vec& theta, const Vec& v) {
  Results r;
  Vec g, hv;
  r.add("value", f.value(theta));
  r.add("value_and_gradient.value", f.value_and_gradient(theta, g));
  r.add("gradient", g);
  f.hessian_vector(theta, v, hv);
  r.add("hvp", hv);
  Vec bound, bound2;
  const BoundCurvature h = f.bind(theta);
  h.apply(v, bound);
  h.apply(theta, bound2);  // a second product at the same point
  r.add("bound_hvp", bound);
  r.add("bound_hvp_2", bound2);
  std::vector<Index> batch(20);  // 3 blocks of positions, out of order
  for (Index i = 0; i < 20; ++i) batch[static_cast<std::size_t>(i)] = (7 * i + 3) % f.num_samples();
  Vec bg, bh;
  r.add("batch_value", f.batch_value_and_gradient(theta, batch, bg));
  r.add("batch_gradient", bg);
  f.batch_hessian_vector(theta, batch, v, bh);
  r.add("batch_hvp", bh);
  if (const ProbabilisticAccess* p = f.probabilistic()) {
    for (FisherKind kind : {FisherKind::true_fisher, FisherKind::empirical, FisherKind::sampled}) {
      Rng rng(11);
      Vec fv;
      p->fisher(theta, {}, kind, &rng).apply(v, fv);
      r.add("fisher_" + std::to_string(static_cast<int>(kind)), fv);
      Rng rng2(11);
      Vec bf;
      p->fisher(theta, batch, kind, &rng2).apply(v, bf);
      r.add("batch_fisher_" + std::to_string(static_cast<int>(kind)), bf);
    }
    r.add("sample_gradients", p->sample_gradients(theta, {}));
    Rng rng(12);
    for (const DenseLayerStatistics& s : p->dense_layer_statistics(theta, {}, FisherKind::sampled, &rng)) {
      r.add("kfac_inputs", s.inputs);
      r.add("kfac_output_gradients", s.output_gradients);
    }
    for (const DenseLayerStatistics& s : p->dense_layer_statistics(theta, {}, FisherKind::true_fisher, nullptr))
      r.add("kfac_true_output_gradients", s.output_gradients);
  }
  if (const LeastSquaresAccess* ls = f.least_squares()) {
    Rng rng(13);
    const Vec u = rng.normal_vector(ls->num_residuals());
    r.add("residuals", ls->residuals(theta));
    r.add("jv", ls->jacobian_vector(theta, v));
    r.add("jtu", ls->jacobian_transpose_vector(theta, u));
  }
  if (f.dim() <= 60) r.add("hessian", f.hessian(theta));
  return r;
}

// `make` builds the objective (called under the block size in force). The blocked one on 1,
// 2, 3 threads must agree bitwise; with the one-block reference to 1e-12.
void check_objective(const std::string& name, const std::function<std::unique_ptr<Objective>()>& make) {
  BOOST_TEST_CONTEXT(name) {
    ScopedBlocks scope(kBlock);
    const std::unique_ptr<Objective> blocked = make();
    set_block_samples(kOneBlock);
    const std::unique_ptr<Objective> single = make();
    BOOST_REQUIRE(blocked->num_samples() > 2 * kBlock);
    Rng rng(7);
    const Vec theta = 0.5 * rng.normal_vector(blocked->dim()), v = rng.normal_vector(blocked->dim());
    set_threads(1);
    const Results reference = evaluate_all(*single, theta, v);
    const Results one = evaluate_all(*blocked, theta, v);
    BOOST_REQUIRE_EQUAL(one.items.size(), reference.items.size());
    int rounded = 0;  // sums whose bits the blocks changed: shows that the blocks are in use
    for (std::size_t i = 0; i < one.items.size(); ++i) {
      rounded += !same(one.items[i].second, reference.items[i].second);
      const auto& [what, value] = one.items[i];
      // Per-sample quantities (no sum) are exactly the unblocked ones; sums agree to rounding.
      BOOST_TEST(close(value, reference.items[i].second), what << ": blocked vs one block, |Δ|/|x| = "
                                                                  << (value - reference.items[i].second).norm() /
                                                                         std::max(reference.items[i].second.norm(), 1e-300));
    }
    BOOST_TEST(rounded > 0, "no sum differs from the one-block computation in any bit");
    for (int t : {2, 3}) {
      set_threads(t);
      const Results r = evaluate_all(*blocked, theta, v);
      BOOST_REQUIRE_EQUAL(r.items.size(), one.items.size());
      for (std::size_t i = 0; i < r.items.size(); ++i)
        BOOST_TEST(same(r.items[i].second, one.items[i].second), r.items[i].first << ": " << t << " threads vs 1");
    }
  }
}

std::unique_ptr<Objective> mlp(std::vector<Index> widths, Activation act, MlpLoss loss, double l2, bool sparse) {
  Dataset data = synthetic_data(widths.front(), widths.back(), kSamples, loss, 3);
  if (sparse) data.inputs = data.inputs.cwiseMax(0.0);  // half zeros, as image pixels
  MlpArchitecture arch{std::move(widths), act, loss, true, l2};
  arch.sparse_input = sparse;
  auto net = std::make_unique<Mlp>(std::move(arch), std::move(data), "mlp-blocks");
  BOOST_TEST(net->sparse_first_layer() == sparse);
  return net;
}

}  // namespace

// --- the machinery ---------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(partition_is_fixed_blocks_with_a_short_last_one) {
  const SampleBlocks p{50, 7};
  BOOST_TEST(p.count() == 8);
  BOOST_TEST(p.begin(7) == 49);
  BOOST_TEST(p.length(7) == 1);
  BOOST_TEST(p.length(0) == 7);
  BOOST_TEST((p.offsets(3) == std::vector<Index>{0, 21, 42, 63, 84, 105, 126, 147, 150}));
  BOOST_TEST((SampleBlocks{0, 7}.count() == 0));
  BOOST_TEST((SampleBlocks{7, 7}.count() == 1));
  BOOST_TEST(kDefaultBlockSamples == block_samples());
  BOOST_CHECK_THROW(set_block_samples(0), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(sum_is_the_left_fold_in_block_order_on_every_thread_count) {
  ScopedBlocks scope(kBlock);
  // Partials with wildly different magnitudes, so that any other order changes the bits.
  const Index blocks = 37, m = 1001;
  auto partial = [&](Index b, double* out) {
    Rng rng(static_cast<std::uint64_t>(100 + b));
    for (Index i = 0; i < m; ++i) out[i] = rng.normal() * std::pow(10.0, static_cast<double>((b * 7 + i) % 23) - 11.0);
  };
  Vec fold(m), p(m);
  partial(0, fold.data());
  for (Index b = 1; b < blocks; ++b) {
    partial(b, p.data());
    for (Index i = 0; i < m; ++i) fold[i] = fold[i] + p[i];
  }
  Vec reversed = Vec::Zero(m);
  for (Index b = blocks - 1; b >= 0; --b) {
    partial(b, p.data());
    reversed += p;
  }
  BOOST_TEST(!same(reversed, fold));  // the order matters for these partials
  for (int t : {1, 2, 3, 8}) {
    set_threads(t);
    Vec out(m);
    std::atomic<int> calls{0};
    sum_over_blocks(blocks, m, [&](Index b, double* buffer) {
      ++calls;
      partial(b, buffer);
    }, out.data());
    BOOST_TEST(same(out, fold), t << " threads");
    BOOST_TEST(calls.load() == blocks);
    const double s = sum_over_blocks(blocks, [&](Index b) { return std::pow(10.0, static_cast<double>(b % 17) - 8.0) / 3.0; });
    double serial = std::pow(10.0, -8.0) / 3.0;
    for (Index b = 1; b < blocks; ++b) serial = serial + std::pow(10.0, static_cast<double>(b % 17) - 8.0) / 3.0;
    BOOST_TEST(s == serial, t << " threads");
  }
  Vec empty = Vec::Constant(3, 5.0);
  sum_over_blocks(0, 3, [](Index, double*) {}, empty.data());
  BOOST_TEST(same(empty, Vec::Zero(3)));
}

BOOST_AUTO_TEST_CASE(gather_and_for_each_visit_every_block_once) {
  ScopedBlocks scope(kBlock);
  const SampleBlocks p{50, 7};
  for (int t : {1, 2, 3}) {
    set_threads(t);
    Vec out = Vec::Constant(100, -1.0);
    block_backend().gather(p.count(), p.offsets(2), [&](Index b, double* piece) {
      for (Index i = 0; i < 2 * p.length(b); ++i) piece[i] = static_cast<double>(2 * p.begin(b) + i);
    }, out.data());
    BOOST_TEST(same(out, Vec::LinSpaced(100, 0.0, 99.0)), t << " threads");
    std::vector<std::atomic<int>> seen(8);
    for_each_block(8, [&](Index b) { ++seen[static_cast<std::size_t>(b)]; });
    for (auto& s : seen) BOOST_TEST(s.load() == 1);
  }
}

BOOST_AUTO_TEST_CASE(the_lowest_failing_block_throws_on_every_thread_count) {
  ScopedBlocks scope(kBlock);
  for (int t : {1, 2, 3}) {
    set_threads(t);
    Vec out(4);
    try {
      sum_over_blocks(40, 4, [](Index b, double* p) {
        if (b == 9 || b == 23 || b == 5) throw std::runtime_error("block " + std::to_string(b));
        p[0] = p[1] = p[2] = p[3] = static_cast<double>(b);
      }, out.data());
      BOOST_TEST(false, "no exception");
    } catch (const std::runtime_error& e) {
      BOOST_TEST(std::string(e.what()) == "block 5", t << " threads");
    }
    try {
      parallel_for(30, [](Index task) {
        if (task % 11 == 7) throw std::runtime_error("task " + std::to_string(task));
      });
      BOOST_TEST(false, "no exception");
    } catch (const std::runtime_error& e) {
      BOOST_TEST(std::string(e.what()) == "task 7", t << " threads");
    }
  }
}

BOOST_AUTO_TEST_CASE(nested_parallel_for_runs_inline) {
  ScopedBlocks scope(kBlock);
  set_threads(3);
  std::vector<int> inner(12, 0);
  // Boost.Test's log is not thread-safe: the workers only record, the main thread checks.
  std::atomic<int> outside_region{0};
  parallel_for(4, [&](Index outer) {
    if (!in_parallel_region()) ++outside_region;
    parallel_for(3, [&](Index i) { ++inner[static_cast<std::size_t>(3 * outer + i)]; });
  });
  BOOST_TEST(outside_region.load() == 0);
  BOOST_TEST(std::accumulate(inner.begin(), inner.end(), 0) == 12);
  BOOST_TEST(!in_parallel_region());
}

BOOST_AUTO_TEST_CASE(thread_counts_are_checked) {
  BOOST_TEST(parse_threads("3", "--threads") == 3);
  BOOST_TEST(parse_threads("256", "--threads") == 256);
  for (const char* bad : {"0", "-1", "two", "", "3x", " 3", "257", "99999999999"}) {
    try {
      parse_threads(bad, "--threads");
      BOOST_TEST(false, "accepted '" << bad << "'");
    } catch (const InputError& e) {
      BOOST_TEST(std::string(e.what()).starts_with("--threads: '"), e.what());
    }
  }
  BOOST_CHECK_THROW(set_threads(0), std::invalid_argument);
  BOOST_CHECK_THROW(set_threads(kMaxThreads + 1), std::invalid_argument);
}

// --- the objectives --------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(mlp_sums_are_identical_on_1_2_3_threads) {
  for (MlpLoss loss : {MlpLoss::cross_entropy, MlpLoss::mse, MlpLoss::binary_cross_entropy})
    for (bool sparse : {false, true}) {
      const Index k = loss == MlpLoss::binary_cross_entropy ? 1 : 3;
      const std::string tag = std::string(mlp_loss_name(loss)) + (sparse ? "/sparse input" : "/dense input");
      check_objective("mlp 12-20-k " + tag, [&] { return mlp({12, 20, k}, Activation::tanh, loss, 0.0, sparse); });
      check_objective("mlp 12-16-6-k relu l2 " + tag,
                      [&] { return mlp({12, 16, 6, k}, Activation::relu, loss, 0.01, sparse); });
    }
  check_objective("mlp 12-k (one layer)", [] { return mlp({12, 3}, Activation::tanh, MlpLoss::mse, 0.0, false); });
}

BOOST_AUTO_TEST_CASE(regressions_and_deep_linear_are_identical_on_1_2_3_threads) {
  check_objective("logistic_regression", [] {
    LogisticRegressionParams p;
    p.dim = 9;
    p.data.n = kSamples;
    return std::unique_ptr<Objective>(make_logistic_regression(p));
  });
  check_objective("softmax_regression", [] {
    SoftmaxRegressionParams p;
    p.dim = 8;
    p.classes = 4;
    p.data = {.source = DataSource::gaussian, .n = kSamples, .targets = DataParams::Targets::labels};
    return std::unique_ptr<Objective>(make_softmax_regression(p));
  });
  check_objective("deep_linear", [] {
    DeepLinearParams p;
    p.widths = {6, 5, 4};
    p.data = {.source = DataSource::gaussian, .n = kSamples};
    return std::unique_ptr<Objective>(make_deep_linear(p));
  });
  check_objective("least_squares", [] {
    LeastSquaresParams p;
    p.n = kSamples;
    p.dim = 6;
    p.noise = 0.1;
    return std::unique_ptr<Objective>(make_least_squares(p));
  });
}

// Blocks are a property of the objective, fixed when it is built; the default keeps problems
// of up to kDefaultBlockSamples samples in one block.
BOOST_AUTO_TEST_CASE(block_size_is_fixed_at_construction) {
  ScopedBlocks scope(kBlock);
  const std::unique_ptr<Objective> net = mlp({12, 20, 3}, Activation::tanh, MlpLoss::mse, 0.0, false);
  set_block_samples(kDefaultBlockSamples);
  BOOST_TEST(dynamic_cast<const Mlp&>(*net).samples_per_block() == kBlock);
  LeastSquaresParams p;
  p.n = 30;
  BOOST_TEST(make_least_squares(p)->samples_per_block() == kDefaultBlockSamples);
}
