// BFGS (Broyden, Fletcher, Goldfarb, Shanno 1970; Nocedal & Wright Alg. 6.1) with the
// inverse-Hessian update (N&W eq. 6.17):
//
//   H_{k+1} = (I − ρ s yᵀ) H_k (I − ρ y sᵀ) + ρ s sᵀ,   ρ = 1/(yᵀs),
//   s = θ_{k+1} − θ_k,  y = g_{k+1} − g_k;   p_k = −H_k g_k,  θ ← θ + α_k p_k.
//
// Seed 000 writes the update with the two outer factors transposed,
// (I − y sᵀ/yᵀs) H (I − s yᵀ/yᵀs) + s sᵀ/yᵀs; that matrix does not satisfy the secant
// condition H_{k+1} y = s which the seed itself states (the factor next to y must annihilate
// it: (I − ρ y sᵀ) y = 0), so this file follows N&W 6.17 (tests/bfgs_test.cpp checks
// H_{k+1} y = s). Applied as H ← H − ρ(s (Hy)ᵀ + (Hy) sᵀ) + (ρ² yᵀHy + ρ) s sᵀ, O(D²).
//
// The shared step (pair test, descent check, line search, first trial): quasi_newton.hpp.
// Choices: H₀ = I for the first step; with initial_scaling=true, H₀ is replaced by
// (yᵀs / yᵀy) I just before the first update (N&W eq. 6.20). The update is skipped when
// yᵀs ≤ skip·‖s‖‖y‖ (curvature condition numerically violated; N&W §6.1 "skip the
// update"). If p is not a descent direction (gᵀp ≥ 0, only after rounding trouble) H is
// reset to I. Line search: strong Wolfe (c₁ = 1e-4, c₂ = 0.9), first trial α₀ = 1 — except
// at the very first step, α₀ = 1/‖g‖ (H₀ = I carries no scale; LBFGS++ does the same) —
// or exact_quadratic (the exact minimiser along p on a quadratic, one HVP: with exact line
// searches BFGS terminates on a strongly convex quadratic in ≤ D steps with H_D = A⁻¹ —
// quadratic termination of the Broyden class, Fletcher, Practical Methods of Optimization,
// 2nd ed., §3.4; its iterates are then those of CG). A failed search moves to its best sufficient-decrease point, if any,
// and resets H to I.
// State: "inverse_hessian" (H, D² entries column-major), "direction" (the last p).
// Cost: O(D²) memory and flops per step, one gradient per line-search trial (the gradient
// at the accepted point is reused by the next step). No schedules, no gradient modifiers.
#include <cmath>

#include "optdyn/core/budget.hpp"
#include "optdyn/optimizers/bfgs.hpp"
#include "optdyn/optimizers/registry.hpp"
#include "quasi_newton.hpp"

namespace optdyn {
namespace {

class Bfgs final : public QuasiNewton {
 public:
  Bfgs(const BfgsParams& p, std::string spec) : QuasiNewton(p, std::move(spec)), scaling_(p.initial_scaling) {}

 protected:
  void reset_curvature(Index dim) override {
    // H is dense D × D (8D² bytes, O(D²) per step): within the data budget, else lbfgs.
    check_doubles(static_cast<double>(dim) * static_cast<double>(dim), "optimizer 'bfgs': ", "dimension",
                  "the dense inverse Hessian (use lbfgs)");
    h_storage_.setZero(dim * dim);
    forget();
    updated_ = false;
  }
  void forget() override { inverse_hessian().setIdentity(); }
  void inverse_times(const Vec& g, Vec& hg) const override {
    hg.noalias() = Eigen::Map<const Mat>(h_storage_.data(), dim(), dim()) * g;
  }
  // N&W eq. 6.17 (after the optional initial scaling N&W 6.20).
  void absorb(const Vec& s, const Vec& y, double ys) override {
    auto h = inverse_hessian();
    if (!updated_ && scaling_) h = (ys / y.squaredNorm()) * Mat::Identity(dim(), dim());
    updated_ = true;
    const double rho = 1.0 / ys;
    const Vec hy = h * y;
    const double yhy = y.dot(hy);
    h.noalias() -= rho * (s * hy.transpose() + hy * s.transpose());
    h.noalias() += (rho * rho * yhy + rho) * (s * s.transpose());
  }

  void archive_curvature(StateArchive& a) override {
    a.field("inverse_hessian", h_storage_, dim() * dim());
    a.field("updated", updated_);
  }

  void collect_state(std::vector<StateView>& out) const override {
    out.push_back({"inverse_hessian", &h_storage_});
    out.push_back({"direction", &direction()});
  }

 private:
  Eigen::Map<Mat> inverse_hessian() { return {h_storage_.data(), dim(), dim()}; }

  bool scaling_;
  Vec h_storage_;
  bool updated_ = false;
};

}  // namespace

const ParamTable<BfgsParams>& BfgsParams::table() {
  static const auto t =
      ParamTable<BfgsParams>(
          "optimizer", "bfgs",
          "BFGS, inverse update H ← (I−ρsyᵀ)H(I−ρysᵀ) + ρssᵀ, strong-Wolfe search (N&W Alg. 6.1, eq. 6.17; seed 000)")
          .with([](ParamTable<BfgsParams>& u) { wolfe_keys(u); })
          .flag("initial_scaling", &BfgsParams::initial_scaling, "H₀ = (yᵀs/yᵀy) I before the first update (N&W 6.20)")
          .real("skip", &BfgsParams::skip, Range::closed(0.0, 1.0), "skip the update when yᵀs ≤ skip·‖s‖‖y‖");
  return t;
}

OptimizerPtr make_bfgs(const BfgsParams& params) { return make_typed_optimizer<Bfgs>(params); }

OptimizerEntry bfgs_entry() { return typed_optimizer_entry<Bfgs, BfgsParams>(); }

}  // namespace optdyn
