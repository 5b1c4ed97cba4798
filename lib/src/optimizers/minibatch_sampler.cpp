#include "optdyn/optimizers/minibatch_sampler.hpp"

#include <numeric>
#include <string>

#include "optdyn/core/budget.hpp"
#include "optdyn/core/error.hpp"

namespace optdyn {

Sampling parse_sampling(std::string_view text, std::string_view what) {
  if (text == "shuffle") return Sampling::shuffle;
  if (text == "replacement") return Sampling::replacement;
  if (text == "cyclic") return Sampling::cyclic;
  throw InputError(std::string(what) + ": '" + std::string(text) + "' is not one of shuffle, replacement, cyclic");
}

MinibatchSampler::MinibatchSampler(Index num_samples, Index batch_size, Sampling mode)
    : n_(num_samples), batch_(batch_size), mode_(mode) {
  if (batch_size < 0) throw InputError("batch: must be >= 0, got " + std::to_string(batch_size));
  if (batch_size > 0 && num_samples <= 0)
    throw InputError("batch: " + std::to_string(batch_size) + " requested but the objective is not a finite sum");
  // With replacement a batch may exceed n: its B indices are stored (and evaluated) each
  // step, so B is held to the memory budget (std::bad_alloc otherwise).
  if (mode_ == Sampling::replacement && static_cast<double>(batch_size) > kMaxDataDoubles)
    throw InputError("batch: " + std::to_string(batch_size) + " indices drawn with replacement need " +
                     gib_of_doubles(static_cast<double>(batch_size)) + ", more than the budget of " +
                     gib_of_doubles(kMaxDataDoubles));
  full_ = batch_ == 0 || (mode_ != Sampling::replacement && batch_ >= n_);
  if (!full_ && mode_ != Sampling::replacement) {
    order_.resize(static_cast<std::size_t>(n_));
    std::iota(order_.begin(), order_.end(), Index{0});
    position_ = n_;  // forces a (shuffled) epoch start on the first call
    if (mode_ == Sampling::cyclic) position_ = 0;
  }
}

void MinibatchSampler::archive(StateArchive& a) {
  a.constant("num_samples", n_);
  a.constant("batch_size", batch_);
  a.constant("mode", static_cast<std::int64_t>(mode_));
  const auto n = static_cast<std::size_t>(n_);
  a.field("order", order_, order_.size(), 0, n_ - 1);  // sized n (shuffle, cyclic) or 0 by the constructor
  a.field("position", position_, 0, n_);
  a.field("batch", batch_storage_, static_cast<std::size_t>(batch_), 0, n_ - 1);
  a.field("epochs", epochs_);
  a.field("drawn", drawn_);
  if (a.loading()) {
    if (order_.size() != (full_ || mode_ == Sampling::replacement ? 0 : n))
      a.fail("order", "has length " + std::to_string(order_.size()) + ", expected " + std::to_string(n));
    // A permutation: every sample once per epoch.
    std::vector<bool> seen(order_.size(), false);
    for (const Index i : order_) {
      if (seen[static_cast<std::size_t>(i)]) a.fail("order", "is not a permutation of 0..n-1");
      seen[static_cast<std::size_t>(i)] = true;
    }
  }
}

Batch MinibatchSampler::next(Rng& rng) {
  if (full_) {
    ++epochs_;
    return {};
  }
  if (mode_ == Sampling::replacement) {
    batch_storage_.resize(static_cast<std::size_t>(batch_));
    for (Index& i : batch_storage_) i = rng.below(n_);
    drawn_ += static_cast<std::uint64_t>(batch_);
    epochs_ = drawn_ / static_cast<std::uint64_t>(n_);
    return batch_storage_;
  }
  if (position_ >= n_) {
    if (mode_ == Sampling::shuffle) rng.shuffle(order_);
    position_ = 0;
  }
  const Index size = std::min(batch_, n_ - position_);
  Batch batch(order_.data() + position_, static_cast<std::size_t>(size));
  position_ += size;
  if (position_ >= n_) {
    ++epochs_;
    if (mode_ == Sampling::cyclic) position_ = 0;
  }
  return batch;
}

}  // namespace optdyn
