// L-BFGS (Nocedal 1980; Liu & Nocedal 1989; Nocedal & Wright Alg. 7.4–7.5; seed 000
// "limited memory: store m ≈ 10 last Δx, Δg … two loop recursion"): the BFGS inverse update
// (bfgs.cpp, N&W eq. 6.17) applied implicitly from the m most recent pairs
// s_i = θ_{i+1} − θ_i, y_i = g_{i+1} − g_i to H₀ₖ = γ_k I, γ_k = s_{k−1}ᵀy_{k−1}/y_{k−1}ᵀy_{k−1}
// (N&W eq. 7.20). Two-loop recursion (N&W Alg. 7.4) for p = −H_k g:
//
//   q = g;  for i = k−1 … k−m:  a_i = ρ_i s_iᵀq,  q ← q − a_i y_i
//   r = γ_k q;  for i = k−m … k−1:  b = ρ_i y_iᵀr,  r ← r + s_i (a_i − b);   p = −r
//
// The shared step: quasi_newton.hpp. Choices as in bfgs.cpp: a pair with yᵀs ≤ skip·‖s‖‖y‖ is not stored; the first step is
// p = −g with α₀ = 1/‖g‖, later α₀ = 1; strong Wolfe c₁ = 1e-4, c₂ = 0.9; a non-descent p
// or a failed search clears the memory. O(mD) memory and flops per step.
// State: "direction" (the last p), "s" and "y" (the newest stored pair).
#include <deque>

#include "optdyn/optimizers/lbfgs.hpp"
#include "optdyn/optimizers/registry.hpp"
#include "quasi_newton.hpp"

namespace optdyn {
namespace {

class Lbfgs final : public QuasiNewton {
 public:
  Lbfgs(const LbfgsParams& p, std::string spec)
      : QuasiNewton(p, std::move(spec)), memory_(static_cast<std::size_t>(p.m)) {}

 protected:
  void reset_curvature(Index dim) override {
    pairs_.clear();
    s_newest_.setZero(dim);
    y_newest_.setZero(dim);
  }
  void forget() override { pairs_.clear(); }
  void absorb(const Vec& s, const Vec& y, double ys) override {
    s_newest_ = s;
    y_newest_ = y;
    if (pairs_.size() == memory_) pairs_.pop_front();
    pairs_.push_back({s, y, 1.0 / ys});
  }

  // N&W Alg. 7.4: r = H_k g by the two-loop recursion, H₀ₖ = γ_k I (eq. 7.20).
  void inverse_times(const Vec& g, Vec& r) const override {
    Vec q = g;
    std::vector<double> a(pairs_.size());
    for (std::size_t i = pairs_.size(); i-- > 0;) {
      a[i] = pairs_[i].rho * pairs_[i].s.dot(q);
      q.noalias() -= a[i] * pairs_[i].y;
    }
    const double gamma = pairs_.empty() ? 1.0 : pairs_.back().s.dot(pairs_.back().y) / pairs_.back().y.squaredNorm();
    r = gamma * q;
    for (std::size_t i = 0; i < pairs_.size(); ++i) {
      const double b = pairs_[i].rho * pairs_[i].y.dot(r);
      r.noalias() += (a[i] - b) * pairs_[i].s;
    }
  }

  // The whole history (all stored pairs, oldest first), not only the newest pair.
  void archive_curvature(StateArchive& a) override {
    auto count = static_cast<std::int64_t>(pairs_.size());
    a.field("pairs", count, 0, static_cast<std::int64_t>(memory_));
    if (a.loading()) pairs_.resize(static_cast<std::size_t>(count));
    for (std::size_t i = 0; i < pairs_.size(); ++i)
      a.scope("pair." + std::to_string(i), [&] {
        a.field("s", pairs_[i].s, dim());
        a.field("y", pairs_[i].y, dim());
        a.field("rho", pairs_[i].rho);
      });
    a.field("s", s_newest_, dim());
    a.field("y", y_newest_, dim());
  }

  void collect_state(std::vector<StateView>& out) const override {
    out.push_back({"direction", &direction()});
    out.push_back({"s", &s_newest_});
    out.push_back({"y", &y_newest_});
  }

 private:
  struct Pair {
    Vec s, y;
    double rho;
  };

  std::size_t memory_;
  std::deque<Pair> pairs_;
  Vec s_newest_, y_newest_;
};

}  // namespace

const ParamTable<LbfgsParams>& LbfgsParams::table() {
  static const auto t =
      ParamTable<LbfgsParams>(
          "optimizer", "lbfgs",
          "L-BFGS two-loop recursion with memory m, H₀ = (sᵀy/yᵀy)I, strong-Wolfe search (N&W Alg. 7.4; seed 000)")
          .integer("m", &LbfgsParams::m, 1, 100000, "memory: number of (s, y) pairs")
          .with([](ParamTable<LbfgsParams>& u) { wolfe_keys(u); })
          .real("skip", &LbfgsParams::skip, Range::closed(0.0, 1.0), "do not store a pair with yᵀs ≤ skip·‖s‖‖y‖");
  return t;
}

OptimizerPtr make_lbfgs(const LbfgsParams& params) { return make_typed_optimizer<Lbfgs>(params); }

OptimizerEntry lbfgs_entry() { return typed_optimizer_entry<Lbfgs, LbfgsParams>(); }

}  // namespace optdyn
