#pragma once
// Reddi, Kale & Kumar's online convex counterexample to Adam (ICLR 2018, "On the convergence
// of Adam and beyond", Section 3, the problem of Theorem 1):
//
//   f_t(x) = C x   for t mod 3 = 1,      f_t(x) = −x   otherwise,      x ∈ [−1, 1],  C > 2,
//
// as a finite sum of n = 3 linear functions f_0 = Cx, f_1 = f_2 = −x (sample i = (t − 1) mod 3),
// so that the online sequence f_1, f_2, … is what the cyclic minibatch sampler with B = 1
// hands out (optimizers/minibatch_sampler.hpp). F = (1/3)Σ f_i = (C − 2)x/3, minimised over
// the box at x* = −1; the box is the `project_box` modifier's (optimizers/projection.hpp).
//
// Regret (Reddi et al. eq. (1)): R_T = Σ_{t≤T} f_t(x_t) − min_{x∈[−1,1]} Σ_{t≤T} f_t(x).
// With S_T = Σ_{t≤T} s_t, s_t = C or −1 the slope of f_t, the minimum is −|S_T| (at x = −sign S_T),
// so R_T = Σ_t s_t x_t + |S_T|. A path that stays at x = +1 (where Adam goes) has
// R_T = S_T + |S_T| = 2(C − 2)T/3 for T a multiple of 3: average regret 2(C − 2)/3, not → 0.
// Reddi et al.'s Theorem 1 uses β₁ = 0, β₂ = 1/(1 + C²), α_t = α/√t with α < √(1 − β₂).
#include <memory>
#include <span>
#include <string>

#include "optdyn/core/params.hpp"
#include "optdyn/core/registry.hpp"
#include "optdyn/objectives/objective.hpp"

namespace optdyn {

struct ReddiOnlineParams {
  double c = 3;  // C > 2
  static const ParamTable<ReddiOnlineParams>& table();
};

class ReddiOnline final : public Objective {
 public:
  ReddiOnline(double c, std::string spec) : c_(c), spec_(std::move(spec)) {}
  Index dim() const override { return 1; }
  std::string spec() const override { return spec_; }
  Index num_samples() const override { return 3; }
  double c() const { return c_; }
  // s_t, the slope of f_t (t counts from 1): C when t mod 3 = 1, −1 otherwise.
  double slope(std::uint64_t t) const { return t % 3 == 1 ? c_ : -1.0; }
  // R_T for the points x_1, …, x_T played at t = 1, …, T: Σ s_t x_t + |Σ s_t|.
  double regret(std::span<const double> points) const;

 protected:
  double evaluate(const Vec& theta, Batch batch, Vec* gradient) const override;
  void evaluate_hvp(const Vec& theta, Batch batch, const Vec& v, Vec& out) const override;

 private:
  double c_;
  std::string spec_;
};

std::unique_ptr<ReddiOnline> make_reddi_online(const ReddiOnlineParams& params = {});
RegistryEntry<ObjectivePtr> reddi_online_entry();

}  // namespace optdyn
