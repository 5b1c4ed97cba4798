// Linear conjugate gradients as a discrete map (Hestenes & Stiefel 1952; Nocedal & Wright
// Alg. 5.2; seed 000 "Classical second order: conjugated gradients", H-conjugate v_i): each
// step is one CG iteration on ∇²F δ = −∇F, i.e. on A θ = b for F = ½θᵀAθ − bᵀθ with A
// applied by Hessian-vector products. In N&W's notation r = Aθ − b = ∇F(θ) = g:
//
//   p₁ = −g₁;   p_k = −g_k + β_k p_{k−1},   β_k = g_kᵀg_k / g_{k−1}ᵀg_{k−1}
//   α_k = g_kᵀg_k / p_kᵀAp_k,   θ ← θ + α_k p_k                         (one HVP per step)
//
// State: "p" (the last direction p_k) and "r" (the residual r_k = g_k of the last step,
// needed for β). The residual is the oracle's gradient at the new θ, not the recurrence
// r_{k+1} = r_k + αAp_k (equal in exact arithmetic on a quadratic; one gradient per step is
// what the step loop evaluates anyway). On a quadratic with SPD A it reaches the minimiser in
// at most D steps (N&W Thm 5.1) with A-conjugate directions p_iᵀAp_j = 0 (Thm 5.3). On a
// non-quadratic F, A is the Hessian at each iterate (no line search, no restart): use
// nonlinear_cg there. pᵀAp ≤ 0 (A not positive definite along p) is an InputError: the
// linear CG map is undefined. g = 0: no step. No step size, so no schedules; the exactness
// needs g = ∇F, so no gradient modifiers.
#include <string>

#include "optdyn/core/error.hpp"
#include "optdyn/optimizers/linear_cg.hpp"
#include "optdyn/optimizers/registry.hpp"

namespace optdyn {
namespace {

class LinearCg final : public Optimizer {
 public:
  LinearCg(const LinearCgParams&, std::string spec) : Optimizer(std::move(spec), 1.0, std::nullopt) {}

 protected:
  void reset_state(Index dim) override {
    p_.setZero(dim);
    r_.setZero(dim);
  }
  std::vector<OracleAccess> required_access() const override { return {OracleAccess::hessian_vector, OracleAccess::full_batch}; }
  bool accepts_transformed_gradient() const override { return false; }
  bool uses_step_size() const override { return false; }

  void update(Vec& theta, const Vec& g, double, std::uint64_t t) override {
    const double gg = g.squaredNorm();
    if (gg == 0.0) return;
    const double rr = r_.squaredNorm();
    const double beta = t == 1 || rr == 0.0 ? 0.0 : gg / rr;
    p_ = -g + beta * p_;
    oracle().hessian_vector(theta, p_, ap_);
    const double pap = p_.dot(ap_);
    if (!(pap > 0.0))
      throw InputError("optimizer 'linear_cg': pᵀ∇²F p = " + std::to_string(pap) +
                       " ≤ 0 at step " + std::to_string(t) + ": linear CG needs a positive definite Hessian");
    theta.noalias() += (gg / pap) * p_;
    r_ = g;
  }

  void collect_state(std::vector<StateView>& out) const override {
    out.push_back({"p", &p_});
    out.push_back({"r", &r_});
  }

 private:
  Vec p_, r_, ap_;
};

}  // namespace

const ParamTable<LinearCgParams>& LinearCgParams::table() {
  static const auto t = ParamTable<LinearCgParams>(
      "optimizer", "linear_cg",
      "linear CG on ∇²F δ = −∇F, one iteration per step, A by HVPs (Hestenes–Stiefel; N&W Alg. 5.2)");
  return t;
}

OptimizerPtr make_linear_cg(const LinearCgParams& params) { return make_typed_optimizer<LinearCg>(params); }

OptimizerEntry linear_cg_entry() { return typed_optimizer_entry<LinearCg, LinearCgParams>(); }

}  // namespace optdyn
