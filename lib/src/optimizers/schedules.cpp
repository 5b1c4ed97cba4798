// Learning-rate schedules, composable with any optimizer (modifier.hpp). Each multiplies the
// base lr of step t (t = 1, 2, …); with s = t − 1 the number of steps already taken:
//
//   constant                     1
//   robbins_monro:alpha=α,t0=τ   1/(1 + s/τ)^α,  α ∈ (½, 1]: Σ η_t = ∞, Σ η_t² < ∞
//                                (Robbins & Monro 1951); the first step uses lr itself
//   step_lr:every=K,gamma=γ      γ^⌊s/K⌋                        (torch StepLR)
//   cosine:t_max=T,min_factor=m  m + (1−m)(1 + cos(π·min(s,T)/T))/2  (Loshchilov & Hutter
//                                2017 without restarts; torch CosineAnnealingLR's closed form
//                                with eta_min = m·lr)
//   inverse_sqrt                 1/√t  (the α_t = α/√t of online convex analyses: Kingma & Ba
//                                Theorem 4.1, Reddi et al. 2018's counterexample)
//   warmup:steps=K               min(1, t/K)  (linear warm-up; compose with another schedule:
//                                `|warmup:steps=100|cosine:t_max=1000`, factors multiply)
#include <cmath>
#include <numbers>

#include "optdyn/optimizers/schedules.hpp"

namespace optdyn {
namespace {

class Schedule : public Modifier {
 public:
  explicit Schedule(std::string spec) : spec_(std::move(spec)) {}
  std::string spec() const override { return spec_; }

 private:
  std::string spec_;
};

class Constant : public Schedule {
 public:
  Constant(const ConstantParams&, std::string spec) : Schedule(std::move(spec)) {}
};

class RobbinsMonro : public Schedule {
 public:
  RobbinsMonro(const RobbinsMonroParams& p, std::string spec) : Schedule(std::move(spec)), alpha_(p.alpha), t0_(p.t0) {}
  double lr_factor(std::uint64_t t) const override {
    return 1.0 / std::pow(1.0 + static_cast<double>(t - 1) / t0_, alpha_);
  }

 private:
  double alpha_, t0_;
};

class StepLr : public Schedule {
 public:
  StepLr(const StepLrParams& p, std::string spec) : Schedule(std::move(spec)), every_(p.every), gamma_(p.gamma) {}
  double lr_factor(std::uint64_t t) const override {
    return std::pow(gamma_, static_cast<double>((t - 1) / static_cast<std::uint64_t>(every_)));
  }

 private:
  long every_;
  double gamma_;
};

class Cosine : public Schedule {
 public:
  Cosine(const CosineParams& p, std::string spec)
      : Schedule(std::move(spec)), t_max_(p.t_max.value_or(0)), min_(p.min_factor) {}
  double lr_factor(std::uint64_t t) const override {
    const double s = std::min(static_cast<double>(t - 1), static_cast<double>(t_max_));
    return min_ + (1.0 - min_) * 0.5 * (1.0 + std::cos(std::numbers::pi * s / static_cast<double>(t_max_)));
  }

 private:
  long t_max_;
  double min_;
};

class InverseSqrt : public Schedule {
 public:
  InverseSqrt(const InverseSqrtParams&, std::string spec) : Schedule(std::move(spec)) {}
  double lr_factor(std::uint64_t t) const override { return 1.0 / std::sqrt(static_cast<double>(t)); }
};

class Warmup : public Schedule {
 public:
  Warmup(const WarmupParams& p, std::string spec) : Schedule(std::move(spec)), steps_(p.steps) {}
  double lr_factor(std::uint64_t t) const override {
    return std::min(1.0, static_cast<double>(t) / static_cast<double>(steps_));
  }

 private:
  long steps_;
};

}  // namespace

const ParamTable<ConstantParams>& ConstantParams::table() {
  static const auto t = ParamTable<ConstantParams>("modifier", "constant", "constant learning rate (factor 1)");
  return t;
}

const ParamTable<RobbinsMonroParams>& RobbinsMonroParams::table() {
  using P = RobbinsMonroParams;
  static const auto t =
      ParamTable<P>("modifier", "robbins_monro", "lr·1/(1 + (t−1)/t0)^alpha, alpha in (1/2, 1] (Robbins–Monro)")
          .real("alpha", &P::alpha, Range::any(), "decay exponent, in (0.5, 1]")
          .real("t0", &P::t0, Range::positive(), "time scale (steps) of the decay")
          .rule([](const P& p, const Spec& s) {
            if (!(p.alpha > 0.5 && p.alpha <= 1.0)) s.reject("alpha", s.text("alpha") + " is outside (0.5, 1]");
          });
  return t;
}

const ParamTable<StepLrParams>& StepLrParams::table() {
  static const auto t = ParamTable<StepLrParams>("modifier", "step_lr", "lr·gamma^floor((t−1)/every) (torch StepLR)")
                            .integer("every", &StepLrParams::every, 1, 1L << 62, "steps between decays")
                            .real("gamma", &StepLrParams::gamma, Range::positive(), "decay factor");
  return t;
}

const ParamTable<CosineParams>& CosineParams::table() {
  static const auto t =
      ParamTable<CosineParams>("modifier", "cosine", "cosine annealing to min_factor·lr over t_max steps, then constant")
          .integer("t_max", &CosineParams::t_max, 1, 1L << 62, "length of the annealing (steps), required")
          .real("min_factor", &CosineParams::min_factor, Range::closed(0.0, 1.0), "final lr as a fraction of lr")
          .rule([](const CosineParams& p, const Spec& s) {
            if (!p.t_max) s.reject("t_max", "missing value (the number of steps)");
          });
  return t;
}

const ParamTable<InverseSqrtParams>& InverseSqrtParams::table() {
  static const auto t = ParamTable<InverseSqrtParams>("modifier", "inverse_sqrt", "lr/√t (online convex optimization)");
  return t;
}

const ParamTable<WarmupParams>& WarmupParams::table() {
  static const auto t = ParamTable<WarmupParams>("modifier", "warmup", "linear warm-up: lr·min(1, t/steps)")
                            .integer("steps", &WarmupParams::steps, 1, 1L << 62, "warm-up length (steps)");
  return t;
}

ModifierPtr make_constant(const ConstantParams& params) { return make_typed_modifier<Constant>(params); }
ModifierPtr make_robbins_monro(const RobbinsMonroParams& params) { return make_typed_modifier<RobbinsMonro>(params); }
ModifierPtr make_step_lr(const StepLrParams& params) { return make_typed_modifier<StepLr>(params); }
ModifierPtr make_cosine(const CosineParams& params) { return make_typed_modifier<Cosine>(params); }
ModifierPtr make_inverse_sqrt(const InverseSqrtParams& params) { return make_typed_modifier<InverseSqrt>(params); }
ModifierPtr make_warmup(const WarmupParams& params) { return make_typed_modifier<Warmup>(params); }

std::vector<RegistryEntry<ModifierPtr>> schedule_entries() {
  return {
      typed_modifier_entry<Constant, ConstantParams>(),       typed_modifier_entry<RobbinsMonro, RobbinsMonroParams>(),
      typed_modifier_entry<StepLr, StepLrParams>(),           typed_modifier_entry<Cosine, CosineParams>(),
      typed_modifier_entry<InverseSqrt, InverseSqrtParams>(), typed_modifier_entry<Warmup, WarmupParams>(),
  };
}

}  // namespace optdyn
