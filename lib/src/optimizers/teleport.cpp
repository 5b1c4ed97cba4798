// Symmetry teleportation (Armenta et al. 2021, "Neural teleportation", arXiv:2012.01118; Zhao,
// Dehmamy, Walters & Yu 2022, "Symmetry teleportation for accelerated optimization", NeurIPS,
// Algorithm 1), composable with any optimizer (modifier.hpp, "moves the iterate"):
//
//   before step t ∈ {1, 1 + k, 1 + 2k, …}:  θ ← R(e^s)θ with s ≈ argmax_s ½‖∇F(R(e^s)θ)‖²,
//
// R the per-unit rescaling of the hidden units (objectives/mlp_rescaling.hpp), a symmetry of
// F for relu and linear units, so F is unchanged (to rounding) while the gradient grows and the
// next steps descend faster (Zhao et al. §4). The maximisation is `steps` steps of normalised
// gradient ascent on the log-scales s, composed one at a time (R(e^s)R(e^{s'}) = R(e^{s+s'})):
//   ∇_s ½‖∇F‖² at s = 0 is log_scale_gradient(θ, H∇F)   (the chain rule along the orbit; one HVP),
//   d = that gradient,  trial θ' = R(exp(ε d/‖d‖))θ,  ε = lr halved (at most 30 times) until
//   ‖∇F(θ')‖ > ‖∇F(θ)‖;  an ascent step that finds no such ε ends the teleport.
// So ‖∇F‖ never decreases. Each trial checks |F(θ') − F(θ)| ≤ 1e-8 |F(θ)|: a larger change means
// F is not rescaling-invariant (tanh, softplus) and is an InputError naming teleport.
// The optimizer's state (momentum, moments) is not transported; the gradients are of the batch
// the teleport draws (one oracle.gradient call, then the same batch). Cost per teleport: one
// gradient, then per ascent step one HVP and one gradient per trial. State `teleport_gain`:
// ‖∇F‖ after / before, of the last teleport (1 before the first).
#include "optdyn/optimizers/teleport.hpp"

#include <cmath>
#include <string>

#include "optdyn/core/error.hpp"
#include "optdyn/core/text.hpp"
#include "optdyn/objectives/mlp_rescaling.hpp"

namespace optdyn {
namespace {

constexpr int kMaxHalvings = 30;
constexpr double kLossTolerance = 1e-8;  // relative; a symmetry changes F by rounding only

// A point of the orbit with its loss and gradient (of the teleport's batch).
struct OrbitPoint {
  Vec theta, g;
  double loss = 0.0;
};

class Teleport final : public Modifier {
 public:
  Teleport(const TeleportParams& p, std::string spec) : spec_(std::move(spec)), params_(p) {}
  std::string spec() const override { return spec_; }
  void reset(Index) override { gain_ = Vec::Ones(1); }
  bool moves_iterate() const override { return true; }
  std::vector<OracleAccess> required_access() const override { return {OracleAccess::hessian_vector}; }

  void move_iterate(Vec& theta, Oracle& oracle, std::uint64_t t) override {
    if ((t - 1) % static_cast<std::uint64_t>(params_.every) != 0) return;
    const MlpLayout layout = MlpLayout::from_blocks(oracle.parameter_blocks(), "modifier 'teleport'");
    OrbitPoint current{theta, Vec(), 0.0};
    current.loss = oracle.gradient(theta, current.g);
    const double before = current.g.norm();
    for (std::int64_t i = 0; i < params_.steps; ++i)
      if (!ascend(layout, oracle, current)) break;
    theta = current.theta;
    gain_[0] = before > 0.0 ? current.g.norm() / before : 1.0;
  }

  void collect_state(std::vector<StateView>& out) const override { out.push_back({"teleport_gain", &gain_}); }
  void archive(StateArchive& a) override { a.field("teleport_gain", gain_); }

 private:
  // One normalised ascent step on ½‖∇F‖² along the orbit, backtracking on its length; false
  // when no trial increases ‖∇F‖ (or the direction is zero).
  bool ascend(const MlpLayout& layout, Oracle& oracle, OrbitPoint& current) const {
    Vec hg;
    oracle.hessian_vector(current.theta, current.g, hg);
    const Vec d = log_scale_gradient(layout, current.theta, hg);  // ∇_s ½‖∇F‖²
    const double norm = d.norm();
    if (!(norm > 0.0)) return false;
    double length = params_.lr;
    for (int halving = 0; halving <= kMaxHalvings; ++halving, length /= 2) {
      OrbitPoint trial{current.theta, Vec(), 0.0};
      scale_hidden_units(layout, trial.theta, (length / norm) * d);
      trial.loss = oracle.gradient_same_batch(trial.theta, trial.g);
      check_invariant(current.loss, trial.loss);
      if (trial.g.squaredNorm() > current.g.squaredNorm()) {
        current = std::move(trial);
        return true;
      }
    }
    return false;
  }

  void check_invariant(double before, double after) const {
    if (std::abs(after - before) > kLossTolerance * std::abs(before))
      throw InputError("modifier 'teleport': rescaling hidden units changed the loss from " + format_shortest(before) +
                       " to " + format_shortest(after) +
                       ": the objective is not invariant under it (teleport needs an MLP with relu or linear units)");
  }

  std::string spec_;
  TeleportParams params_;
  Vec gain_ = Vec::Ones(1);
};

}  // namespace

const ParamTable<TeleportParams>& TeleportParams::table() {
  using P = TeleportParams;
  static const auto t =
      ParamTable<P>("modifier", "teleport",
                    "symmetry teleportation: move θ along its rescaling orbit to increase ‖∇F‖ before every k-th step "
                    "(Zhao et al. 2022; MLPs with relu/linear units)")
          .integer("every", &P::every, 1, 1L << 62, "teleport before steps 1, 1 + every, …")
          .integer("steps", &P::steps, 1, 1L << 20, "gradient-ascent steps on the log-scales per teleport")
          .real("lr", &P::lr, Range::positive(), "length of an ascent step in log-scale space (halved until ‖∇F‖ grows)");
  return t;
}

ModifierPtr make_teleport(const TeleportParams& params) { return make_typed_modifier<Teleport>(params); }

RegistryEntry<ModifierPtr> teleport_entry() { return typed_modifier_entry<Teleport, TeleportParams>(); }

}  // namespace optdyn
