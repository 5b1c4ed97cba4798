// Projection onto a box after each update; see projection.hpp (Reddi et al. 2018, Algorithms 1–2).
#include "optdyn/optimizers/projection.hpp"

#include <utility>

namespace optdyn {
namespace {

class ProjectBox : public Modifier {
 public:
  ProjectBox(const ProjectBoxParams& p, std::string spec) : spec_(std::move(spec)), lo_(p.lo), hi_(p.hi) {}
  std::string spec() const override { return spec_; }
  bool constrains_iterate() const override { return true; }
  // θ_i ← min(max(θ_i, lo), hi).
  void constrain_iterate(Vec& theta, std::uint64_t) override { theta = theta.cwiseMax(lo_).cwiseMin(hi_); }

 private:
  std::string spec_;
  double lo_, hi_;
};

}  // namespace

const ParamTable<ProjectBoxParams>& ProjectBoxParams::table() {
  using P = ProjectBoxParams;
  static const auto t =
      ParamTable<P>("modifier", "project_box", "projection onto the box [lo, hi]^D after each update: θ_i ← clamp(θ_i, lo, hi)")
          .real("lo", &P::lo, Range::any(), "lower bound of every coordinate")
          .real("hi", &P::hi, Range::any(), "upper bound of every coordinate (>= lo)")
          .rule([](const P& p, const Spec& s) {
            if (p.hi < p.lo) s.reject("hi", s.text("hi") + " is below lo = " + s.text("lo"));
          });
  return t;
}

ModifierPtr make_project_box(const ProjectBoxParams& params) { return make_typed_modifier<ProjectBox>(params); }
RegistryEntry<ModifierPtr> project_box_entry() { return typed_modifier_entry<ProjectBox, ProjectBoxParams>(); }

}  // namespace optdyn
