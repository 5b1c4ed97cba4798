#pragma once
// The third-derivative contraction ∇³F(θ)[u, v] ∈ R^D, component c = Σ_ab ∂³F/∂θ_c∂θ_a∂θ_b u_a v_b,
// i.e. ∇_θ(uᵀ∇²F(θ)v) with u, v held fixed (doc/references.md, "Central flows"). By the symmetry
// of third derivatives it is the directional derivative of one Hessian-vector product,
//
//   ∇³F[u, v] = d/dε ∇²F(θ + εv) u |_{ε=0},
//
// which we take as the fourth-order central difference of EXACT HVPs (the objectives give
// no third derivatives; doc/design.md, "Hessian-vector products"):
//
//   ∇³F[u, v] ≈ [8(H(θ+εv) − H(θ−εv)) − (H(θ+2εv) − H(θ−2εv))] u / (12ε),
//
// truncation error (ε⁴/30)·‖∂⁵_v(∇²F u)‖ (zero for a polynomial F of degree ≤ 6), rounding error
// about (3/2)·ε_mach·‖H u‖/ε. ε = ε_mach^{1/5}·(1 + ‖θ‖_∞)/‖v‖ (≈ 7.4e-4 for unit v and θ of
// order one) balances the two: the relative error is about 1e-12 on smooth objectives.
// Cost: 4 HVPs (at four points). Many u along one v share the four points: third_derivatives.
#include <vector>

#include "optdyn/core/types.hpp"
#include "optdyn/objectives/objective.hpp"

namespace optdyn {

// ∇³F(θ)[u, v] as above (4 HVPs). v ≠ 0.
Vec third_derivative(const Objective& f, const Vec& theta, const Vec& u, const Vec& v);

// The columns ∇³F(θ)[u_i, v] for every column u_i of `us` (4·cols HVPs at the four points θ ± εv,
// θ ± 2εv, each point bound once: Objective::bind).
Mat third_derivatives(const Objective& f, const Vec& theta, const Mat& us, const Vec& v);

// The difference step ε used along v (above).
double third_derivative_step(const Vec& theta, const Vec& v);

}  // namespace optdyn
