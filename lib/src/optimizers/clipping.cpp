// Gradient clipping, composable with any optimizer (modifier.hpp).
//
//   clip_norm:max=c    g ← g · min(1, c/‖g‖₂)      (Pascanu, Mikolov & Bengio 2013; torch's
//                      clip_grad_norm_ divides by ‖g‖ + 1e-6 instead — we use the exact form)
//   clip_value:max=c   g_i ← min(max(g_i, −c), c)   (torch's clip_grad_value_)
#include <cmath>

#include "optdyn/optimizers/clipping.hpp"

namespace optdyn {
namespace {

class ClipNorm : public Modifier {
 public:
  ClipNorm(const ClipNormParams& p, std::string spec) : spec_(std::move(spec)), max_(p.max) {}
  std::string spec() const override { return spec_; }
  bool transforms_gradient() const override { return true; }
  void transform_gradient(const Vec&, Vec& g, std::uint64_t) override {
    // stableNorm: a finite g whose Σ g_i² overflows (entries ~1e200) still has a finite norm,
    // so it is scaled down rather than multiplied by c/∞ = 0.
    const double norm = g.stableNorm();
    if (norm > max_) g *= max_ / norm;
  }

 private:
  std::string spec_;
  double max_;
};

class ClipValue : public Modifier {
 public:
  ClipValue(const ClipValueParams& p, std::string spec) : spec_(std::move(spec)), max_(p.max) {}
  std::string spec() const override { return spec_; }
  bool transforms_gradient() const override { return true; }
  void transform_gradient(const Vec&, Vec& g, std::uint64_t) override { g = g.cwiseMax(-max_).cwiseMin(max_); }

 private:
  std::string spec_;
  double max_;
};

}  // namespace

const ParamTable<ClipNormParams>& ClipNormParams::table() {
  static const auto t = ParamTable<ClipNormParams>("modifier", "clip_norm", "gradient clipping by norm: g ← g·min(1, max/‖g‖₂)")
                            .real("max", &ClipNormParams::max, Range::positive(), "largest allowed Euclidean norm of the gradient");
  return t;
}

const ParamTable<ClipValueParams>& ClipValueParams::table() {
  static const auto t =
      ParamTable<ClipValueParams>("modifier", "clip_value", "gradient clipping by value: g_i ← clamp(g_i, −max, max)")
          .real("max", &ClipValueParams::max, Range::positive(), "largest allowed |g_i|");
  return t;
}

ModifierPtr make_clip_norm(const ClipNormParams& params) { return make_typed_modifier<ClipNorm>(params); }
ModifierPtr make_clip_value(const ClipValueParams& params) { return make_typed_modifier<ClipValue>(params); }

std::vector<RegistryEntry<ModifierPtr>> clipping_entries() {
  return {typed_modifier_entry<ClipNorm, ClipNormParams>(), typed_modifier_entry<ClipValue, ClipValueParams>()};
}

}  // namespace optdyn
