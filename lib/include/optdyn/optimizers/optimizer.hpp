#pragma once
// Optimizer: a discrete map θ_{t+1} = Φ(θ_t, state_t, g_t) with inspectable state
// (doc/design.md, "Core concepts").
//
//   auto opt = make_optimizer("adam:lr=1e-3|clip_norm:max=1");   // registry.hpp
//   // or typed (adam.hpp, clipping.hpp):
//   //   auto opt = make_adam({.lr = 1e-3});  opt->add_modifier(make_clip_norm({.max = 1}));
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
//
// Methods that need more than the step's gradient (curvature-based methods: Newton, BFGS,
// line searches, …) use the oracle of the current step through the protected `oracle()`
// inside `update` — the step loop stays here, once. They declare what they need
// (`required_access`, checked every step: an InputError naming the optimizer when the oracle
// lacks it), whether a gradient modifier may change the g they see
// (`accepts_transformed_gradient`: not when a line search evaluates F along a direction
// built from g, nor when the method relies on g = ∇F as BFGS's secant pairs do), and whether
// they have a step size that schedules can scale (`uses_step_size`). Both are checked when a
// modifier is added, so `bfgs|cosine:t_max=100` is a bad spec (exit 2), never a silent no-op.
// A method that has already evaluated the gradient at its new iterate (the last trial of a
// Wolfe line search) hands it over (`hand_over_gradient`); on a deterministic oracle the
// next step reuses it instead of asking the oracle again, so evals counts each gradient once.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "optdyn/core/params.hpp"
#include "optdyn/core/registry.hpp"
#include "optdyn/core/state_archive.hpp"
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
  // DivergenceError (core/error.hpp) when the step's loss or gradient, or θ after the update,
  // is not finite, or when the method meets a non-finite value inside (line search, solve);
  // the message names where. θ is then unspecified.
  void step(Vec& theta, Oracle& oracle);
  // InputError naming this optimizer when `oracle` lacks an access it needs (step() checks
  // the same every step; front ends call this first, before writing any output).
  void check_oracle(const Oracle& oracle) const;

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
  // The nominal step size η of the spec: its `lr` key, schedules not applied (delta-bar-delta:
  // the initial rate ε₀); nullopt for a method that chooses its own step (line searches,
  // Levenberg–Marquardt, linear CG). The curvature tracker's tracker_threshold=auto is 1.5/η.
  std::optional<double> base_step_size() const { return base_step_size_; }

  void add_modifier(ModifierPtr modifier);

  // Saves or restores the complete state (checkpoint/resume; core/state_archive.hpp): the
  // spec and dimension (on load they must match: a checkpoint of another optimizer or
  // dimension is an InputError naming the field), the step counter, last lr, loss and
  // gradient, a pending gradient hand-over, the method's state (archive_state) and every
  // modifier's. Call reset(dim) first. A restored hand-over is bound to the first oracle
  // the next step uses — restore that oracle's counts (Oracle::archive) so that the
  // evaluation counts continue exactly as in the uninterrupted run.
  void archive(StateArchive& a);

 protected:
  // A method with step size `lr`: the core receives η_t = lr × (schedule factors), and
  // base_step_size() is lr.
  Optimizer(std::string core_spec, double lr) : Optimizer(std::move(core_spec), lr, lr) {}
  // `lr` as above; base_step_size() reports `nominal` instead: nullopt for a method that
  // chooses its own step (lr = 1), a rate of its own for one that adapts it (delta-bar-delta).
  Optimizer(std::string core_spec, double lr, std::optional<double> nominal)
      : core_spec_(std::move(core_spec)), lr_(lr), base_step_size_(nominal) {}

  // Sizes and zeroes the state.
  virtual void reset_state(Index dim) = 0;
  // The core update with the (modified) gradient g evaluated at query_point(θ), step size
  // η = η_t and t ≥ 1.
  virtual void update(Vec& theta, const Vec& g, double eta, std::uint64_t t) = 0;
  virtual void collect_state(std::vector<StateView>& out) const = 0;
  // The method's state beyond the base class (archive): by default the vectors collect_state
  // names, at their current lengths. A method with more state (scalars, counters, matrices,
  // histories, RNGs, vectors whose length changes) overrides it and archives everything.
  virtual void archive_state(StateArchive& a);
  // Where the gradient of this step is taken; look-ahead methods (Nesterov) override.
  virtual const Vec& query_point(const Vec& theta, double eta) { return theta; }

  // --- for methods that use the oracle beyond the step's gradient -------------------------
  // What the method asks of the oracle (values, HVPs, …); checked at every step.
  virtual std::vector<OracleAccess> required_access() const { return {}; }
  // False: adding a modifier that transforms gradients (clipping, weight decay) is an error.
  virtual bool accepts_transformed_gradient() const { return true; }
  // False: the method chooses its own step (line search, exact CG step); schedules are errors.
  virtual bool uses_step_size() const { return true; }
  // The oracle of the step in progress; only valid inside update().
  Oracle& oracle() const;
  // The loss the oracle returned with this step's gradient (same batch), before modifiers.
  double current_loss() const { return loss_; }
  // The optimizer's name (the spec before ':'), for error messages.
  std::string name() const;
  // `g` (and the loss) of the same oracle at `theta`, which will be the next step's θ.
  void hand_over_gradient(const Vec& theta, const Vec& g, double loss);

 private:
  bool take_handed_over_gradient(const Vec& point, const Oracle& oracle);

  std::string core_spec_;
  double lr_;
  std::optional<double> base_step_size_;
  std::vector<ModifierPtr> modifiers_;
  Vec g_;
  Index dim_ = -1;
  std::uint64_t t_ = 0;
  double last_lr_ = 0.0;
  double loss_ = 0.0;
  Oracle* oracle_ = nullptr;
  struct HandOver {
    const Oracle* oracle = nullptr;
    std::uint64_t calls = 0;
    Vec theta, g;
    double loss = 0.0;
    // Restored from a checkpoint: the oracle is the one of the next step (whose counts were
    // restored alongside), not the address saved in a previous process.
    bool any_oracle = false;
  } hand_over_;
};

using OptimizerPtr = std::unique_ptr<Optimizer>;

// The registry entry of an optimizer class T built as T(const P&, std::string spec) from its
// parameter struct P (core/params.hpp): the spec text is the user's resolved spec.
template <class T, class P>
RegistryEntry<OptimizerPtr> typed_optimizer_entry() {
  return P::table().template entry<OptimizerPtr>(
      [](const P& p, std::string spec) -> OptimizerPtr { return std::make_unique<T>(p, std::move(spec)); });
}

// The typed factory behind make_adam(...) and friends: the table's checks, then T(p, to_spec(p)).
template <class T, class P>
OptimizerPtr make_typed_optimizer(const P& p) {
  P::table().check(p);
  return std::make_unique<T>(p, P::table().to_spec(p));
}

}  // namespace optdyn
