// L2 weight decay, composable with any optimizer (modifier.hpp):
//   weight_decay:wd=λ   g ← g + λθ   (the gradient of F + (λ/2)‖θ‖²; torch.optim's
//                       `weight_decay` argument, which is this coupled form for every
//                       optimizer here; decoupled AdamW-style decay is not this).
// θ is the point where the gradient was taken (the look-ahead point for Nesterov).
#include "optdyn/optimizers/weight_decay.hpp"

namespace optdyn {
namespace {

class WeightDecay : public Modifier {
 public:
  WeightDecay(const WeightDecayParams& p, std::string spec) : spec_(std::move(spec)), wd_(p.wd) {}
  std::string spec() const override { return spec_; }
  bool transforms_gradient() const override { return true; }
  void transform_gradient(const Vec& point, Vec& g, std::uint64_t) override { g += wd_ * point; }

 private:
  std::string spec_;
  double wd_;
};

}  // namespace

const ParamTable<WeightDecayParams>& WeightDecayParams::table() {
  static const auto t =
      ParamTable<WeightDecayParams>("modifier", "weight_decay", "L2 weight decay: g ← g + wd·θ (torch's coupled weight_decay)")
          .real("wd", &WeightDecayParams::wd, Range::closed(0.0, 1e300), "decay coefficient λ ≥ 0 (penalty (λ/2)‖θ‖²)");
  return t;
}

ModifierPtr make_weight_decay(const WeightDecayParams& params) { return make_typed_modifier<WeightDecay>(params); }

RegistryEntry<ModifierPtr> weight_decay_entry() { return typed_modifier_entry<WeightDecay, WeightDecayParams>(); }

}  // namespace optdyn
