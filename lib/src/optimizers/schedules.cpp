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

#include "optdyn/core/error.hpp"
#include "optdyn/optimizers/modifier.hpp"

namespace optdyn {
namespace {

class Schedule : public Modifier {
 public:
  explicit Schedule(const Spec& s) : spec_(s.canonical()) {}
  std::string spec() const override { return spec_; }

 private:
  std::string spec_;
};

class Constant : public Schedule {
 public:
  using Schedule::Schedule;
};

class RobbinsMonro : public Schedule {
 public:
  explicit RobbinsMonro(const Spec& s) : Schedule(s), alpha_(s.real("alpha")), t0_(s.positive("t0")) {
    if (!(alpha_ > 0.5 && alpha_ <= 1.0))
      throw InputError("modifier 'robbins_monro': key 'alpha': " + s.text("alpha") + " is outside (0.5, 1]");
  }
  double lr_factor(std::uint64_t t) const override {
    return 1.0 / std::pow(1.0 + static_cast<double>(t - 1) / t0_, alpha_);
  }

 private:
  double alpha_, t0_;
};

class StepLr : public Schedule {
 public:
  explicit StepLr(const Spec& s) : Schedule(s), every_(s.integer("every", 1, 1L << 62)), gamma_(s.positive("gamma")) {}
  double lr_factor(std::uint64_t t) const override {
    return std::pow(gamma_, static_cast<double>((t - 1) / static_cast<std::uint64_t>(every_)));
  }

 private:
  long every_;
  double gamma_;
};

class Cosine : public Schedule {
 public:
  explicit Cosine(const Spec& s)
      : Schedule(s), t_max_(s.has("t_max") ? s.integer("t_max", 1, 1L << 62) : 0), min_(s.real("min_factor", 0.0, 1.0)) {
    if (!s.has("t_max")) throw InputError("modifier 'cosine': key 't_max': missing value (the number of steps)");
  }
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
  using Schedule::Schedule;
  double lr_factor(std::uint64_t t) const override { return 1.0 / std::sqrt(static_cast<double>(t)); }
};

class Warmup : public Schedule {
 public:
  explicit Warmup(const Spec& s) : Schedule(s), steps_(s.integer("steps", 1, 1L << 62)) {}
  double lr_factor(std::uint64_t t) const override {
    return std::min(1.0, static_cast<double>(t) / static_cast<double>(steps_));
  }

 private:
  long steps_;
};

template <class T>
RegistryEntry<ModifierPtr> entry(std::string name, std::string help, std::vector<ParamInfo> params) {
  return {std::move(name), std::move(help), std::move(params),
          [](const Spec& s) -> ModifierPtr { return std::make_unique<T>(s); }};
}

}  // namespace

std::vector<RegistryEntry<ModifierPtr>> schedule_entries() {
  return {
      entry<Constant>("constant", "constant learning rate (factor 1)", {}),
      entry<RobbinsMonro>("robbins_monro", "lr·1/(1 + (t−1)/t0)^alpha, alpha in (1/2, 1] (Robbins–Monro)",
                          {{"alpha", "1", "decay exponent, in (0.5, 1]"},
                           {"t0", "1", "time scale (steps) of the decay"}}),
      entry<StepLr>("step_lr", "lr·gamma^floor((t−1)/every) (torch StepLR)",
                    {{"every", "1000", "steps between decays"}, {"gamma", "0.1", "decay factor"}}),
      entry<Cosine>("cosine", "cosine annealing to min_factor·lr over t_max steps, then constant",
                    {{"t_max", "", "length of the annealing (steps), required"},
                     {"min_factor", "0", "final lr as a fraction of lr, in [0, 1]"}}),
      entry<InverseSqrt>("inverse_sqrt", "lr/√t (online convex optimization)", {}),
      entry<Warmup>("warmup", "linear warm-up: lr·min(1, t/steps)", {{"steps", "100", "warm-up length (steps)"}}),
  };
}

}  // namespace optdyn
