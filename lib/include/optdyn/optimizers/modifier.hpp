#pragma once
// Modifier: a piece that composes with any optimizer (optax's gradient transformations and
// schedules; doc/design.md "Style anchors"). An optimizer step is
//
//   t ← t + 1;  for each modifier that moves the iterate:  m.move_iterate(θ, oracle, t)
//                                                          (teleportation along a symmetry orbit)
//   g ← oracle gradient at the optimizer's query point p (usually θ)
//   for each modifier, in spec order:  g ← m.transform_gradient(p, g, t)   (clipping, L2 decay)
//   η_t = lr · Π_m m.lr_factor(t)                                         (schedules)
//   core update: θ ← θ + Δ(g, η_t, state)
//   for each modifier that constrains θ:  m.constrain_iterate(θ, t)        (projection onto a set)
//   for each modifier:  m.after_step(θ, t)                                (iterate averaging)
//
// Spec syntax: modifiers follow the core optimizer separated by '|', e.g.
//   `adam:lr=1e-3|clip_norm:max=1|cosine:t_max=1000|average:start=100`.
// Every hook has a do-nothing default, so a modifier overrides only what it changes; a
// modifier that does not transform gradients costs nothing in the hot loop.
//
// Typed composition (core/params.hpp; one header per kind: clipping.hpp, weight_decay.hpp,
// schedules.hpp, averaging.hpp):
//   OptimizerPtr opt = make_adam({.lr = 1e-3});
//   opt->add_modifier(make_clip_norm({.max = 1}));
//   opt->add_modifier(make_cosine({.t_max = 1000}));
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "optdyn/core/params.hpp"
#include "optdyn/core/registry.hpp"
#include "optdyn/core/state_archive.hpp"
#include "optdyn/core/types.hpp"
#include "optdyn/optimizers/oracle.hpp"

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
  // Maps θ back onto a feasible set right after the core update (projection.hpp: projected
  // online gradient methods). Called only when constrains_iterate().
  virtual bool constrains_iterate() const { return false; }
  virtual void constrain_iterate(Vec& theta, std::uint64_t t) {}
  // Moves θ before step t's gradient is taken (teleport.hpp), querying `oracle` as it needs;
  // the optimizer's state is left as it is. Called only when moves_iterate().
  virtual bool moves_iterate() const { return false; }
  virtual void move_iterate(Vec& theta, Oracle& oracle, std::uint64_t t) {}
  // What move_iterate asks of the oracle beyond gradients (Optimizer::check_oracle checks it).
  virtual std::vector<OracleAccess> required_access() const { return {}; }
  virtual void collect_state(std::vector<StateView>& out) const {}
  // Saves or restores the modifier's state (Optimizer::archive); stateless modifiers
  // (clipping, weight decay, schedules — functions of t only) archive nothing.
  virtual void archive(StateArchive& a) {}
};

using ModifierPtr = std::unique_ptr<Modifier>;
using ModifierRegistry = Registry<ModifierPtr>;
using ModifierEntry = ModifierRegistry::Entry;

const ModifierRegistry& modifier_registry();

// The registry entry of a modifier class T built as T(const P&, std::string spec) from its
// parameter struct P (core/params.hpp): the spec text is the user's resolved spec.
template <class T, class P>
RegistryEntry<ModifierPtr> typed_modifier_entry() {
  return P::table().template entry<ModifierPtr>(
      [](const P& p, std::string spec) -> ModifierPtr { return std::make_unique<T>(p, std::move(spec)); });
}

// The typed factory behind make_clip_norm(...) and friends: the table's checks, then
// T(p, to_spec(p)).
template <class T, class P>
ModifierPtr make_typed_modifier(const P& p) {
  P::table().check(p);
  return std::make_unique<T>(p, P::table().to_spec(p));
}

}  // namespace optdyn
