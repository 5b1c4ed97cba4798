// Oracle and MinibatchSampler: each sample exactly once per epoch when shuffling; the
// size-weighted mean of the minibatch gradients over an epoch is the full gradient;
// with-replacement sampling and cyclic order; determinism for a seed; counters (one
// EvaluationCounts, named by count_fields).
#define BOOST_TEST_MODULE oracle
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string_view>

#include "optdyn/objectives/registry.hpp"
#include "optdyn/optimizers/minibatch_sampler.hpp"
#include "optdyn/optimizers/oracle.hpp"

using namespace optdyn;

BOOST_AUTO_TEST_CASE(shuffle_covers_each_sample_once_per_epoch) {
  for (const Index batch : {1, 3, 7, 9}) {
    MinibatchSampler sampler(10, batch, Sampling::shuffle);
    Rng rng(5);
    std::vector<Index> first_epoch_order;
    for (int epoch = 0; epoch < 4; ++epoch) {
      std::vector<int> seen(10, 0);
      std::vector<Index> order;
      Index drawn = 0;
      while (drawn < 10) {
        const Batch b = sampler.next(rng);
        BOOST_TEST(static_cast<Index>(b.size()) == std::min<Index>(batch, 10 - drawn));
        for (Index i : b) {
          ++seen[static_cast<std::size_t>(i)];
          order.push_back(i);
        }
        drawn += static_cast<Index>(b.size());
      }
      BOOST_TEST(std::all_of(seen.begin(), seen.end(), [](int c) { return c == 1; }), "batch " << batch);
      BOOST_TEST(sampler.epochs() == static_cast<std::uint64_t>(epoch + 1));
      if (epoch == 0) first_epoch_order = order;
      else if (batch == 1 && epoch == 1) BOOST_TEST((order != first_epoch_order));  // reshuffled
    }
  }
}

BOOST_AUTO_TEST_CASE(epoch_mean_of_minibatch_gradients_is_full_gradient) {
  ObjectivePtr f = make_objective("least_squares:n=23,dim=4,seed=2");
  BOOST_REQUIRE(f->num_samples() == 23);
  const Vec theta = Vec::LinSpaced(4, -1, 1);
  const Vec full = f->gradient(theta);
  for (const Index batch : {1, 5, 8}) {
    ObjectiveOracle oracle(*f, batch, Sampling::shuffle, 9);
    Vec sum = Vec::Zero(4), g;
    Index samples = 0;
    while (samples < 23) {
      oracle.gradient(theta, g);
      const Index size = static_cast<Index>(oracle.last_batch().size());
      sum += static_cast<double>(size) * g;  // batch gradients are means over the batch
      samples += size;
    }
    BOOST_TEST(samples == 23);
    BOOST_TEST((sum / 23.0 - full).norm() < 1e-12 * (1 + full.norm()), "batch " << batch);
    BOOST_TEST(oracle.samples() == 23u);
  }
}

BOOST_AUTO_TEST_CASE(replacement_and_cyclic) {
  MinibatchSampler r(5, 4, Sampling::replacement);
  Rng rng(1);
  std::map<Index, int> counts;
  for (int k = 0; k < 2500; ++k)
    for (Index i : r.next(rng)) ++counts[i];
  BOOST_TEST(counts.size() == 5u);
  for (const auto& [i, c] : counts) BOOST_TEST(std::abs(c - 2000) < 200, "sample " << i << " drawn " << c);
  BOOST_TEST(r.epochs() == 2000u);

  MinibatchSampler c(5, 2, Sampling::cyclic);
  std::vector<Index> seq;
  for (int k = 0; k < 6; ++k)
    for (Index i : c.next(rng)) seq.push_back(i);
  BOOST_TEST(seq == (std::vector<Index>{0, 1, 2, 3, 4, 0, 1, 2, 3, 4}));
}

BOOST_AUTO_TEST_CASE(full_batch_and_determinism) {
  MinibatchSampler full(10, 0, Sampling::shuffle);
  Rng rng(0);
  BOOST_TEST(full.full_batch());
  BOOST_TEST(full.next(rng).empty());
  BOOST_TEST(MinibatchSampler(10, 10, Sampling::shuffle).full_batch());
  BOOST_TEST(!MinibatchSampler(10, 10, Sampling::replacement).full_batch());
  // A replacement batch beyond the memory budget is bad input, not std::bad_alloc; without
  // replacement a batch >= n is the full batch (nothing stored).
  BOOST_CHECK_THROW(MinibatchSampler(10, Index{1} << 30, Sampling::replacement), InputError);
  BOOST_TEST(MinibatchSampler(10, Index{1} << 30, Sampling::shuffle).full_batch());

  ObjectivePtr f = make_objective("least_squares:n=12,dim=3,seed=4");
  auto sequence = [&](std::uint64_t seed) {
    ObjectiveOracle o(*f, 3, Sampling::shuffle, seed);
    std::vector<Index> s;
    Vec g;
    for (int k = 0; k < 8; ++k) {
      o.gradient(Vec::Zero(3), g);
      s.insert(s.end(), o.last_batch().begin(), o.last_batch().end());
    }
    return s;
  };
  BOOST_TEST(sequence(3) == sequence(3));
  BOOST_TEST(sequence(3) != sequence(4));
  BOOST_CHECK_THROW(MinibatchSampler(0, 2, Sampling::shuffle), InputError);
  BOOST_CHECK_THROW(parse_sampling("random", "--sampling"), InputError);
}

// One EvaluationCounts per counting layer: the oracle's counts() holds every counter its
// accessors read (samples included), count_fields names them in the order a report asks for
// (run's status file, saddle_escape's CSV), and the arithmetic is field by field.
BOOST_AUTO_TEST_CASE(evaluation_counts_one_struct_named_by_count_fields) {
  ObjectivePtr f = make_objective("least_squares:dim=3,n=8");
  ObjectiveOracle o(*f);
  const Vec x = Vec::Ones(3);
  Vec g, hv;
  o.gradient(x, g);
  o.gradient_same_batch(x, g);
  o.value(x);
  o.hessian_vector(x, x, hv);
  o.hessian(x);
  o.jacobian_vector(x, x);
  const EvaluationCounts& c = o.counts();
  BOOST_TEST(c.gradients == 2u);
  BOOST_TEST(c.values == 1u);
  BOOST_TEST(c.hvps == 1u);
  BOOST_TEST(c.hessians == 1u);
  BOOST_TEST(c.jacobian_products == 1u);
  BOOST_TEST(c.samples == o.samples());
  BOOST_TEST(c.samples == 5u * 8u);  // gradient, gradient, value, HVP, Hessian: n samples each
  BOOST_TEST(o.calls() == c.gradients);

  const std::string_view names[] = {"hvps", "gradients", "samples", "fisher_products"};
  const auto fields = count_fields(c, names);
  BOOST_REQUIRE(fields.size() == 4u);
  BOOST_TEST(fields[0].first == "hvps");
  BOOST_TEST(fields[0].second == 1u);
  BOOST_TEST(fields[1].first == "gradients");
  BOOST_TEST(fields[1].second == 2u);
  BOOST_TEST(fields[2].second == 40u);
  BOOST_TEST(fields[3].second == 0u);
  const std::string_view unknown[] = {"evals"};
  BOOST_CHECK_THROW(count_fields(c, unknown), std::invalid_argument);

  const EvaluationCounts twice = c + c;
  BOOST_TEST(twice.gradients == 4u);
  BOOST_TEST(twice.jacobian_products == 2u);
  BOOST_TEST((twice - c).samples == c.samples);
  // The objective's own counters are the same struct: values, gradients, hvps, samples.
  BOOST_TEST(f->counters().gradients == 2u);
  BOOST_TEST(f->counters().hessians == 0u);  // the objective does not count dense Hessians
}
