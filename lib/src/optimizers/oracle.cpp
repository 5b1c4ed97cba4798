#include "optdyn/optimizers/oracle.hpp"

namespace optdyn {

ObjectiveOracle::ObjectiveOracle(const Objective& f) : f_(f), rng_(0) {}

ObjectiveOracle::ObjectiveOracle(const Objective& f, Index batch_size, Sampling mode, std::uint64_t seed)
    : f_(f), rng_(Rng::derived(seed, kSamplerStream)) {
  if (batch_size != 0) sampler_.emplace(f.num_samples(), batch_size, mode);
  if (sampler_ && sampler_->full_batch()) sampler_.reset();
}

double ObjectiveOracle::evaluate(const Vec& theta, Vec& g) {
  last_ = sampler_ ? sampler_->next(rng_) : Batch{};
  samples_ += last_.empty() ? static_cast<std::uint64_t>(f_.num_samples()) : last_.size();
  if (last_.empty()) return f_.value_and_gradient(theta, g);
  return f_.batch_value_and_gradient(theta, last_, g);
}

}  // namespace optdyn
