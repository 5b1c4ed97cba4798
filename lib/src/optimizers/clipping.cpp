// Gradient clipping, composable with any optimizer (modifier.hpp).
//
//   clip_norm:max=c    g ← g · min(1, c/‖g‖₂)      (Pascanu, Mikolov & Bengio 2013; torch's
//                      clip_grad_norm_ divides by ‖g‖ + 1e-6 instead — we use the exact form)
//   clip_value:max=c   g_i ← min(max(g_i, −c), c)   (torch's clip_grad_value_)
#include <cmath>

#include "optdyn/optimizers/modifier.hpp"

namespace optdyn {
namespace {

class ClipNorm : public Modifier {
 public:
  explicit ClipNorm(const Spec& s) : spec_(s.canonical()), max_(s.positive("max")) {}
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
  explicit ClipValue(const Spec& s) : spec_(s.canonical()), max_(s.positive("max")) {}
  std::string spec() const override { return spec_; }
  bool transforms_gradient() const override { return true; }
  void transform_gradient(const Vec&, Vec& g, std::uint64_t) override { g = g.cwiseMax(-max_).cwiseMin(max_); }

 private:
  std::string spec_;
  double max_;
};

}  // namespace

std::vector<RegistryEntry<ModifierPtr>> clipping_entries() {
  return {
      {"clip_norm", "gradient clipping by norm: g ← g·min(1, max/‖g‖₂)",
       {{"max", "1", "largest allowed Euclidean norm of the gradient"}},
       [](const Spec& s) -> ModifierPtr { return std::make_unique<ClipNorm>(s); }},
      {"clip_value", "gradient clipping by value: g_i ← clamp(g_i, −max, max)",
       {{"max", "1", "largest allowed |g_i|"}},
       [](const Spec& s) -> ModifierPtr { return std::make_unique<ClipValue>(s); }},
  };
}

}  // namespace optdyn
