#pragma once
// Optimizer: a discrete map θ_{t+1} = Φ(θ_t, state_t, g_t) with inspectable state
// (DESIGN.md, "Core concepts").
//
//   auto opt = make_optimizer("adam:lr=1e-3|clip_norm:max=1");
//   opt->reset(f.dim());
//   ObjectiveOracle oracle(f);
//   for (int k = 0; k < K; ++k) opt->step(theta, oracle);
//   const Vec& m = opt->state("m");
//
// The base class runs the one step loop shared by every optimizer (see modifier.hpp for the
// order of operations); a concrete optimizer writes only its update, as one fused pass over
// memory (chunked.hpp), and names its state vectors. Conventions:
//  * t counts steps from 1 (the first step has t = 1), as in every paper and torch.optim.
//  * States start at zero after reset(dim) unless an optimizer documents otherwise.
//  * `lr` is the base learning rate; the core receives η_t = lr × (schedule factors).
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "optdyn/core/registry.hpp"
#include "optdyn/core/types.hpp"
#include "optdyn/optimizers/modifier.hpp"
#include "optdyn/optimizers/oracle.hpp"

namespace optdyn {

class Optimizer {
 public:
  virtual ~Optimizer() = default;

  // Zeroes every state vector and the step counter; sizes the state for dimension `dim`.
  void reset(Index dim);
  // One step: θ ← Φ(θ). Calls the oracle once (or as many times as the method needs).
  void step(Vec& theta, Oracle& oracle);

  std::uint64_t steps() const { return t_; }
  Index dim() const { return dim_; }
  // The resolved spec: `core:key=value,...` then `|modifier:...` for each modifier.
  std::string spec() const;
  // Named state vectors of the core, then of the modifiers (e.g. "average").
  std::vector<StateView> state() const;
  // One state vector by name; InputError naming the known ones otherwise.
  const Vec& state(std::string_view name) const;
  // The gradient the last step used, after modifiers (clipping, weight decay).
  const Vec& last_gradient() const { return g_; }
  // The learning rate of the last step, after schedules.
  double last_lr() const { return last_lr_; }

  void add_modifier(ModifierPtr modifier);

 protected:
  explicit Optimizer(std::string core_spec, double lr) : core_spec_(std::move(core_spec)), lr_(lr) {}

  // Sizes and zeroes the state.
  virtual void reset_state(Index dim) = 0;
  // The core update with the (modified) gradient g evaluated at query_point(θ), step size
  // η = η_t and t ≥ 1.
  virtual void update(Vec& theta, const Vec& g, double eta, std::uint64_t t) = 0;
  virtual void collect_state(std::vector<StateView>& out) const = 0;
  // Where the gradient of this step is taken; look-ahead methods (Nesterov) override.
  virtual const Vec& query_point(const Vec& theta, double eta) { return theta; }

 private:
  std::string core_spec_;
  double lr_;
  std::vector<ModifierPtr> modifiers_;
  Vec g_;
  Index dim_ = -1;
  std::uint64_t t_ = 0;
  double last_lr_ = 0.0;
};

using OptimizerPtr = std::unique_ptr<Optimizer>;

// A registry entry for an optimizer class constructible from its resolved Spec.
template <class T>
RegistryEntry<OptimizerPtr> optimizer_entry(std::string name, std::string help, std::vector<ParamInfo> params) {
  return {std::move(name), std::move(help), std::move(params),
          [](const Spec& s) -> OptimizerPtr { return std::make_unique<T>(s); }};
}

}  // namespace optdyn
