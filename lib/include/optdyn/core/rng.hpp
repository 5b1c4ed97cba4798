#pragma once
// The one source of randomness. Seeded explicitly, passed explicitly; the same seed gives
// the same stream on every platform: the engine is std::mt19937_64 (bit-exact by the
// standard) and the distributions are written here rather than taken from <random>,
// whose normal/uniform distributions are implementation-defined.
#include <cstdint>
#include <random>
#include <span>

#include "optdyn/core/types.hpp"

namespace optdyn {

class StateArchive;

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}

  // An independent stream for (seed, stream id): splitmix64 of both, so that e.g. data and
  // initialisation drawn from one user seed do not share random numbers.
  static Rng derived(std::uint64_t seed, std::uint64_t stream);

  std::uint64_t bits() { return engine_(); }
  double uniform();                     // [0, 1), 53 random bits
  double uniform(double lo, double hi);  // [lo, hi)
  double normal();                      // standard normal, Box–Muller (both values used)
  Index below(Index n);                 // uniform integer in [0, n), unbiased
  bool rademacher_sign() { return (bits() >> 63) != 0; }

  Vec normal_vector(Index n);
  Mat normal_matrix(Index rows, Index cols);
  // Fisher–Yates shuffle.
  void shuffle(std::span<Index> values);

  // Saves or restores the complete state (core/state_archive.hpp): the engine exactly (its
  // standard text form, operator<< / >>) and the Box–Muller spare, so a restored Rng
  // continues the same stream.
  void archive(StateArchive& a);

 private:
  std::mt19937_64 engine_;
  bool has_spare_ = false;
  double spare_ = 0.0;
};

}  // namespace optdyn
