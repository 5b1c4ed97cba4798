// L2 weight decay, composable with any optimizer (modifier.hpp):
//   weight_decay:wd=λ   g ← g + λθ   (the gradient of F + (λ/2)‖θ‖²; torch.optim's
//                       `weight_decay` argument, which is this coupled form for every
//                       optimizer here; decoupled AdamW-style decay is not this).
// θ is the point where the gradient was taken (the look-ahead point for Nesterov).
#include "optdyn/optimizers/modifier.hpp"

namespace optdyn {
namespace {

class WeightDecay : public Modifier {
 public:
  explicit WeightDecay(const Spec& s) : spec_(s.canonical()), wd_(s.real("wd", 0.0, 1e300)) {}
  std::string spec() const override { return spec_; }
  bool transforms_gradient() const override { return true; }
  void transform_gradient(const Vec& point, Vec& g, std::uint64_t) override { g += wd_ * point; }

 private:
  std::string spec_;
  double wd_;
};

}  // namespace

RegistryEntry<ModifierPtr> weight_decay_entry() {
  return {"weight_decay", "L2 weight decay: g ← g + wd·θ (torch's coupled weight_decay)",
          {{"wd", "0", "decay coefficient λ ≥ 0 (penalty (λ/2)‖θ‖²)"}},
          [](const Spec& s) -> ModifierPtr { return std::make_unique<WeightDecay>(s); }};
}

}  // namespace optdyn
