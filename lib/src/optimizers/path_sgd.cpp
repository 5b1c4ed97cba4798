// Path-SGD (Neyshabur, Salakhutdinov & Srebro 2015, "Path-SGD: path-normalized optimization
// in deep neural networks", NeurIPS, the Path-SGD update; seed 004's steepest descent
// in a rescaling-invariant geometry):
//
//   θ_e ← θ_e − η g_e / γ_e(θ),   γ_e = Σ_{paths through e} Π_{e' ≠ e on the path} w_{e'}²,
//
// the steepest-descent step with respect to the diagonal of the squared ℓ₂ path norm's
// second-order expansion (γ_e = ½ ∂²φ²/∂w_e², objectives/mlp_path_norm.hpp). Biases are edges
// from a bias unit of output 1. Equivariance: under a rescaling of unit u by α (incoming
// ×α, outgoing ×1/α), an incoming edge has g_e → g_e/α and γ_e → γ_e/α², so its step scales by
// α exactly as the weight did (outgoing edges: 1/α) — the map commutes with the symmetry
// (tests/path_sgd_test.cpp), unlike GD, whose step scales by 1/α. Permutations and sign flips
// commute too (γ uses squared weights). An edge with γ_e = 0 (no path through it carries
// weight) does not move. The layout comes from the oracle's parameter blocks: MLP objectives
// only (an InputError naming path_sgd otherwise); the step is defined for every activation,
// the invariance holds for relu and linear. State: `scaling` γ of the last step.
#include "optdyn/objectives/mlp_path_norm.hpp"
#include "optdyn/optimizers/path_sgd.hpp"
#include "optdyn/optimizers/registry.hpp"

namespace optdyn {
namespace {

class PathSgd final : public Optimizer {
 public:
  PathSgd(const PathSgdParams& p, std::string spec) : Optimizer(std::move(spec), p.lr) {}

 protected:
  void reset_state(Index dim) override { scaling_.setZero(dim); }
  void update(Vec& theta, const Vec& g, double eta, std::uint64_t) override {
    const MlpLayout layout = MlpLayout::from_blocks(oracle().parameter_blocks(), "optimizer 'path_sgd'");
    scaling_ = path_scaling(layout, theta);
    theta.array() -= eta * (scaling_.array() > 0.0).select(g.array() / scaling_.array(), 0.0);
  }
  void collect_state(std::vector<StateView>& out) const override { out.push_back({"scaling", &scaling_}); }

 private:
  Vec scaling_;
};

}  // namespace

const ParamTable<PathSgdParams>& PathSgdParams::table() {
  static const auto t = ParamTable<PathSgdParams>(
                            "optimizer", "path_sgd",
                            "Path-SGD: θ_e −= lr·g_e/γ_e, γ_e the path-norm scaling (Neyshabur et al. 2015; MLPs)")
                            .real("lr", &PathSgdParams::lr, Range::positive(), "step size η");
  return t;
}

OptimizerPtr make_path_sgd(const PathSgdParams& params) { return make_typed_optimizer<PathSgd>(params); }

OptimizerEntry path_sgd_entry() { return typed_optimizer_entry<PathSgd, PathSgdParams>(); }

}  // namespace optdyn
