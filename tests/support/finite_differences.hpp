#pragma once
// Independent references for derivative tests: central differences of values and of
// gradients. Used only in tests (every library derivative is exact).
#include <cstdint>

#include "optdyn/core/types.hpp"
#include "optdyn/objectives/objective.hpp"

namespace optdyn::testing {

// ∂F/∂θ_i ≈ (F(θ + h e_i) − F(θ − h e_i)) / 2h, error O(h²).
Vec central_difference_gradient(const Objective& f, const Vec& theta, double h = 1e-5);
// ∇²F v ≈ (∇F(θ + h v) − ∇F(θ − h v)) / 2h.
Vec central_difference_hvp(const Objective& f, const Vec& theta, const Vec& v, double h = 1e-5);
// ‖a − b‖ / max(‖b‖, floor): relative error with a floor for vectors near zero.
double relative_error(const Vec& a, const Vec& b, double floor = 1e-12);
// A seeded standard-normal point scaled by `scale`.
Vec random_point(Index dim, std::uint64_t seed, double scale = 1.0);

}  // namespace optdyn::testing
