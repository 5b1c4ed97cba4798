#include "optdyn/core/rng.hpp"

#include <cmath>
#include <numbers>
#include <sstream>
#include <utility>

#include "optdyn/core/state_archive.hpp"

namespace optdyn {
namespace {
// splitmix64 (Steele, Lea, Flood 2014): a bijective mixer used to derive stream seeds.
std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
}  // namespace

Rng Rng::derived(std::uint64_t seed, std::uint64_t stream) {
  return Rng(splitmix64(splitmix64(seed) ^ splitmix64(stream + 0x632be59bd9b4e019ULL)));
}

// Top 53 bits scaled by 2^-53: uniform on the dyadic grid of [0, 1).
double Rng::uniform() { return static_cast<double>(bits() >> 11) * 0x1.0p-53; }

double Rng::uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

// Box–Muller: for U1 ∈ (0,1], U2 ∈ [0,1), √(−2 ln U1)·(cos 2πU2, sin 2πU2) are two
// independent standard normals (Box & Muller 1958).
double Rng::normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  const double u1 = 1.0 - uniform();  // (0, 1]
  const double u2 = uniform();
  const double r = std::sqrt(-2.0 * std::log(u1));
  const double angle = 2.0 * std::numbers::pi * u2;
  spare_ = r * std::sin(angle);
  has_spare_ = true;
  return r * std::cos(angle);
}

// Rejection sampling on the top bits: unbiased for every n.
Index Rng::below(Index n) {
  const auto range = static_cast<std::uint64_t>(n);
  const std::uint64_t limit = ~std::uint64_t{0} - (~std::uint64_t{0} % range);
  std::uint64_t x;
  do x = bits();
  while (x >= limit);
  return static_cast<Index>(x % range);
}

Vec Rng::normal_vector(Index n) {
  Vec v(n);
  for (Index i = 0; i < n; ++i) v[i] = normal();
  return v;
}

// Filled column by column (column-major order), so the stream order is documented.
Mat Rng::normal_matrix(Index rows, Index cols) {
  Mat m(rows, cols);
  for (Index j = 0; j < cols; ++j)
    for (Index i = 0; i < rows; ++i) m(i, j) = normal();
  return m;
}

void Rng::shuffle(std::span<Index> values) {
  for (Index i = static_cast<Index>(values.size()) - 1; i > 0; --i)
    std::swap(values[i], values[below(i + 1)]);
}

// The engine's text form is specified by the standard ([rand.req.eng]): the state words in
// decimal, so it is exact and portable. A stored text that does not parse as a whole is refused.
void Rng::archive(StateArchive& a) {
  std::string engine;
  if (a.saving()) {
    std::ostringstream out;
    out << engine_;
    engine = out.str();
  }
  a.field("engine", engine);
  if (a.loading()) {
    std::istringstream in(engine);
    std::mt19937_64 loaded;
    in >> loaded;
    if (in.fail() || !(in >> std::ws).eof()) a.fail("engine", "is not the state of a mt19937_64 engine");
    engine_ = loaded;
  }
  a.field("has_spare", has_spare_);
  a.field("spare", spare_);
}

}  // namespace optdyn
