#include "optdyn/analysis/critical_points/riemannian_newton.hpp"

#include <Eigen/QR>
#include <cmath>
#include <string>

#include "optdyn/core/error.hpp"
#include "optdyn/linalg/krylov.hpp"

namespace optdyn::analysis {
namespace {

std::string core_spec(const RiemannianNewtonParams& p) {
  return "riemannian_newton:lr=" + std::to_string(p.lr) + ",max_step=" + std::to_string(p.max_step) +
         ",dense_max=" + std::to_string(p.dense_max) + ",tol=" + std::to_string(p.tol) +
         ",max_iterations=" + std::to_string(p.max_iterations);
}

class RiemannianNewton final : public Optimizer {
 public:
  explicit RiemannianNewton(const RiemannianNewtonParams& p) : Optimizer(core_spec(p), p.lr), p_(p) {}

 protected:
  void reset_state(Index dim) override { step_.setZero(dim); }
  std::vector<OracleAccess> required_access() const override {
    return {dense() ? OracleAccess::hessian : OracleAccess::hessian_vector};
  }
  bool accepts_transformed_gradient() const override { return false; }

  void update(Vec& theta, const Vec& g, double eta, std::uint64_t) override {
    const double s = theta.norm();
    if (!(s > 0.0)) throw InputError("optimizer 'riemannian_newton': θ = 0 is not on a sphere");
    u_ = theta / s;
    const double shift = theta.dot(g) / (s * s);  // θ·∇F/s²: the sphere's curvature term
    const Vec grad = project(g);                  // grad F = P∇F
    step_ = dense() ? solve_dense(theta, grad, shift) : solve_minres(theta, grad, shift);
    step_ = project(step_);
    const double cap = p_.max_step * s;
    if (step_.norm() > cap) step_ *= cap / step_.norm();
    const Vec moved = theta + eta * step_;
    theta = (s / moved.norm()) * moved;  // the retraction back onto the sphere of radius s
  }

  void collect_state(std::vector<StateView>& out) const override { out.push_back({"step", &step_}); }

 private:
  bool dense() const { return dim() <= p_.dense_max; }
  Vec project(const Vec& v) const { return v - u_ * u_.dot(v); }

  // (P∇²F P − shift·P + uuᵀ) ξ = −grad F, from the dense Hessian.
  Vec solve_dense(const Vec& theta, const Vec& grad, double shift) {
    const Index d = theta.size();
    const Mat p = Mat::Identity(d, d) - u_ * u_.transpose();
    Mat a = p * oracle().hessian(theta) * p - shift * p + u_ * u_.transpose();
    a = 0.5 * (a + a.transpose());
    return a.completeOrthogonalDecomposition().solve(-grad);
  }

  // The same system by MINRES on Hessian-vector products.
  Vec solve_minres(const Vec& theta, const Vec& grad, double shift) {
    const FunctionOperator op(theta.size(), [&](const Vec& v, Vec& out) {
      const Vec tangent = project(v);
      oracle().hessian_vector(theta, tangent, out);
      out = project(out) - shift * tangent + u_ * u_.dot(v);
    });
    KrylovOptions options;
    options.tol = p_.tol;
    options.max_iterations = p_.max_iterations > 0 ? p_.max_iterations : 2 * theta.size();
    Vec xi = Vec::Zero(theta.size());
    minres(op, -grad, xi, options);
    return xi;
  }

  RiemannianNewtonParams p_;
  Vec u_, step_;
};

}  // namespace

OptimizerPtr make_riemannian_newton(const RiemannianNewtonParams& params) {
  const std::string who = "optimizer 'riemannian_newton': ";
  if (!(params.lr > 0.0)) throw InputError(who + "lr must be > 0");
  if (!(params.max_step > 0.0)) throw InputError(who + "max_step must be > 0");
  if (!(params.tol > 0.0 && params.tol <= 1.0)) throw InputError(who + "tol must be in (0, 1]");
  if (params.dense_max < 0 || params.max_iterations < 0)
    throw InputError(who + "dense_max and max_iterations must be >= 0");
  return std::make_unique<RiemannianNewton>(params);
}

}  // namespace optdyn::analysis
