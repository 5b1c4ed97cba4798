#pragma once
// Fused element-wise updates over long vectors.
//
// An update such as Adam's (m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; θ ← θ − c m/(√v c₂ + ε))
// is several Eigen expressions. Each expression alone is free of temporaries, but run over
// the whole vector they would stream θ, g, m, v from memory several times. for_each_chunk
// runs all of them on one cache-sized segment before moving on, so each vector crosses the
// memory bus once per step (read, and written if it changes) — the minimum traffic — while
// each line stays a vectorised Eigen expression.
#include <algorithm>

#include "optdyn/core/types.hpp"

namespace optdyn {

// 2048 doubles = 16 KiB per vector: four or five vectors fit in L2 with room to spare.
inline constexpr Index kUpdateChunk = 2048;

// Calls body(start, length) for consecutive segments covering [0, n).
template <class Body>
inline void for_each_chunk(Index n, Body&& body) {
  for (Index start = 0; start < n; start += kUpdateChunk) body(start, std::min(kUpdateChunk, n - start));
}

}  // namespace optdyn
