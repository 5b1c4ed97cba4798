#pragma once
// Minibatch sampler: which samples of a finite sum F = (1/n) Σ_i L(x_i, θ) the next
// stochastic gradient averages over.
//
//   shuffle      epochs: a fresh Fisher–Yates permutation of 0..n−1 per epoch, cut into
//                consecutive batches of B; the last batch of an epoch holds the n mod B
//                leftovers (PyTorch DataLoader with drop_last=False), so every sample is used
//                exactly once per epoch.
//   replacement  each batch: B indices drawn independently and uniformly from 0..n−1.
//   cyclic       0, 1, …, n−1, 0, 1, … in order, no randomness: online/adversarial sequences
//                such as Reddi, Kale & Kumar's counterexample (f_t depends on t mod 3).
//
// B = 0 or B ≥ n (shuffle/cyclic) means the full batch: next() returns the empty Batch,
// which Objective reads as "all samples". The Rng is passed to next() explicitly; the sampler
// itself holds no randomness, so one seeded Rng decides the whole sequence.
#include <string_view>
#include <vector>

#include "optdyn/core/rng.hpp"
#include "optdyn/core/state_archive.hpp"
#include "optdyn/core/types.hpp"

namespace optdyn {

enum class Sampling { shuffle, replacement, cyclic };

// "shuffle" | "replacement" | "cyclic"; InputError naming `what` otherwise.
Sampling parse_sampling(std::string_view text, std::string_view what);

class MinibatchSampler {
 public:
  MinibatchSampler(Index num_samples, Index batch_size, Sampling mode);

  // The next batch (valid until the next call). Empty = full batch.
  Batch next(Rng& rng);

  bool full_batch() const { return full_; }
  Index batch_size() const { return batch_; }
  Index num_samples() const { return n_; }
  // Completed epochs (shuffle/cyclic: passes over the data; replacement: samples drawn / n,
  // rounded down).
  std::uint64_t epochs() const { return epochs_; }

  // Saves or restores the position in the stream (permutation, cursor, epochs, the last
  // batch drawn with replacement); n, B and the mode must match on load. The Rng is the
  // caller's (ObjectiveOracle archives it).
  void archive(StateArchive& a);

 private:
  Index n_;
  Index batch_;
  Sampling mode_;
  bool full_;
  std::vector<Index> order_;  // shuffle: current permutation; cyclic: 0..n−1
  Index position_ = 0;        // next unused position in order_
  std::vector<Index> batch_storage_;
  std::uint64_t epochs_ = 0;
  std::uint64_t drawn_ = 0;
};

}  // namespace optdyn
