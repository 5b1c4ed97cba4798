#pragma once
// Modifier: a piece that composes with any optimizer (optax's gradient transformations and
// schedules; doc/design.md "Style anchors"). An optimizer step is
//
//   t ← t + 1;  g ← oracle gradient at the optimizer's query point p (usually θ)
//   for each modifier, in spec order:  g ← m.transform_gradient(p, g, t)   (clipping, L2 decay)
//   η_t = lr · Π_m m.lr_factor(t)                                         (schedules)
//   core update: θ ← θ + Δ(g, η_t, state)
//   for each modifier:  m.after_step(θ, t)                                (iterate averaging)
//
// Spec syntax: modifiers follow the core optimizer separated by '|', e.g.
//   `adam:lr=1e-3|clip_norm:max=1|cosine:t_max=1000|average:start=100`.
// Every hook has a do-nothing default, so a modifier overrides only what it changes; a
// modifier that does not transform gradients costs nothing in the hot loop.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "optdyn/core/registry.hpp"
#include "optdyn/core/types.hpp"

namespace optdyn {

// A named state vector of an optimizer or modifier (e.g. "m", "v", "theta_avg").
struct StateView {
  std::string name;
  const Vec* value;
};

class Modifier {
 public:
  virtual ~Modifier() = default;
  virtual std::string spec() const = 0;
  virtual void reset(Index dim) {}
  // Changes g in place. `point` is where g was evaluated; t counts steps from 1.
  virtual void transform_gradient(const Vec& point, Vec& g, std::uint64_t t) {}
  virtual bool transforms_gradient() const { return false; }
  // Multiplies the learning rate of step t (t counts from 1).
  virtual double lr_factor(std::uint64_t t) const { return 1.0; }
  virtual void after_step(const Vec& theta, std::uint64_t t) {}
  virtual void collect_state(std::vector<StateView>& out) const {}
};

using ModifierPtr = std::unique_ptr<Modifier>;
using ModifierRegistry = Registry<ModifierPtr>;

const ModifierRegistry& modifier_registry();

// One file per modifier kind (lib/src/optimizers/<file>.cpp):
std::vector<RegistryEntry<ModifierPtr>> clipping_entries();      // clip_norm, clip_value
std::vector<RegistryEntry<ModifierPtr>> schedule_entries();      // robbins_monro, step_lr, cosine, warmup
RegistryEntry<ModifierPtr> weight_decay_entry();                  // weight_decay
RegistryEntry<ModifierPtr> averaging_entry();                     // average

}  // namespace optdyn
