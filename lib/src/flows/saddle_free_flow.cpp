// Saddle-free Newton flow θ̇ = −|∇²f(θ)|⁻¹∇f(θ) (Dauphin, Pascanu, Gulcehre, Cho, Ganguli &
// Bengio 2014, "Identifying and attacking the saddle point problem", eq. (9) in continuous
// time): |H| = Q|Λ|Qᵀ from the dense eigendecomposition H = QΛQᵀ, with `damping` added to
// every |λ| (their damping): d = Q diag(1/(|λ_i| + damping)) Qᵀ∇f. Along each eigendirection
// of a quadratic the coordinate x_i = q_iᵀ(θ − θ*) obeys ẋ_i = −sign(λ_i)|λ_i|x_i/(|λ_i| + damping):
// saddles repel in their negative directions. Cost: a dense Hessian (D HVPs or the
// objective's closed form) and an O(D³) eigendecomposition per evaluation, so D is capped
// by `max_dim` (InputError). A zero |λ| + damping throws FlowEvaluationError (the flow is
// undefined there). Jacobian products: Flow's default forward difference.
#include <Eigen/Eigenvalues>
#include <limits>
#include <stdexcept>

#include "optdyn/core/error.hpp"
#include "optdyn/flows/registry.hpp"
#include "optdyn/flows/saddle_free_flow.hpp"

namespace optdyn {
namespace {

class SaddleFreeFlow : public Flow {
 public:
  SaddleFreeFlow(const SaddleFreeFlowParams& p, std::string spec, const Objective& f)
      : Flow(f), spec_(std::move(spec)), damping_(p.damping) {
    const long max_dim = p.max_dim;  // a dense D×D eigendecomposition per evaluation
    if (f.dim() > max_dim)
      throw InputError("flow 'saddle_free': key 'max_dim': the objective has dimension " + std::to_string(f.dim()) +
                       " > max_dim = " + std::to_string(max_dim) + " (dense eigendecomposition per evaluation)");
  }
  std::string spec() const override { return spec_; }

  void derivative(const Vec& z, Vec& dzdt, double) const override {
    Vec g;
    objective().value_and_gradient(z, g);
    Eigen::SelfAdjointEigenSolver<Mat> eig(objective().hessian(z));
    const Vec scale = eig.eigenvalues().cwiseAbs().array() + damping_;
    if (scale.minCoeff() <= 0.0)
      throw FlowEvaluationError("flow '" + spec_ + "': |∇²f| + damping is singular (a zero eigenvalue and damping = 0)");
    const Mat& q = eig.eigenvectors();
    dzdt = -(q * (q.transpose() * g).cwiseQuotient(scale));
  }

 private:
  std::string spec_;
  double damping_;
};

}  // namespace

const ParamTable<SaddleFreeFlowParams>& SaddleFreeFlowParams::table() {
  using P = SaddleFreeFlowParams;
  static const auto t =
      ParamTable<P>("flow", "saddle_free", "saddle-free Newton flow θ̇ = −|∇²f|⁻¹∇f (Dauphin et al. 2014; dense, small D)")
          .real("damping", &P::damping, Range::closed(0.0, std::numeric_limits<double>::max()), "added to every |λ| (≥ 0)")
          .integer("max_dim", &P::max_dim, 1, 5000, "largest dimension D accepted (dense O(D³) per evaluation)");
  return t;
}

FlowPtr make_saddle_free_flow(const Objective& f, const SaddleFreeFlowParams& p) { return make_typed_flow<SaddleFreeFlow>(f, p); }

FlowEntry saddle_free_flow_entry() { return typed_flow_entry<SaddleFreeFlow, SaddleFreeFlowParams>(); }

}  // namespace optdyn
