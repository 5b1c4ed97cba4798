// rosenbrock4: odeint's 4th-order Rosenbrock method with embedded 3rd-order error estimate
// and a continuous extension (γ = 0.25, c₂ = 0.386, …: the pair of Numerical Recipes 3rd ed.
// §17.5.1, after Hairer & Wanner, Solving ODEs II, §IV.7), for small stiff problems.
//   (I/(γh) − J) g_i = F(z + Σ_j a_ij g_j, t + c_i h) + Σ_j (c_ij/h) g_j + γ_i h ∂F/∂t.
//
// Each trial step needs the dense Jacobian J = ∂F/∂z (Flow::jacobian) and ∂F/∂t
// (Flow::time_derivative) and LU-factorises I/(γh) − J: O(n³) per step. odeint implements it
// on uBLAS vectors and matrices only, so states are copied Eigen ↔ uBLAS at the boundary
// (cheap next to the factorisation). The error norm is odeint's rosenbrock4_controller's
// RMS norm √(mean_i (err_i / (atol + rtol·max(|z_old,i|, |z_i|)))²) ≤ 1.
// State dimensions above max_dim are refused: use implicit_euler / implicit_midpoint.
#include "ublas_cxx20.hpp"  // first: makes uBLAS compile in C++20

#include <boost/numeric/odeint/stepper/rosenbrock4.hpp>
#include <boost/numeric/odeint/stepper/rosenbrock4_controller.hpp>
#include <boost/numeric/ublas/matrix.hpp>
#include <boost/numeric/ublas/vector.hpp>
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <utility>

#include "driver.hpp"
#include "optdyn/core/error.hpp"
#include "optdyn/integrators/registry.hpp"
#include "optdyn/integrators/rosenbrock4.hpp"

namespace optdyn {
namespace {

namespace odeint = boost::numeric::odeint;
using UVec = boost::numeric::ublas::vector<double>;
using UMat = boost::numeric::ublas::matrix<double>;

void to_eigen(const UVec& in, Vec& out) {
  out.resize(static_cast<Index>(in.size()));
  for (std::size_t i = 0; i < in.size(); ++i) out[static_cast<Index>(i)] = in[i];
}
void to_ublas(const Vec& in, UVec& out) {
  out.resize(static_cast<std::size_t>(in.size()), false);
  for (Index i = 0; i < in.size(); ++i) out[static_cast<std::size_t>(i)] = in[i];
}

// Scratch Eigen vectors shared by the copies odeint makes of the functors below.
struct Scratch {
  Vec z, dzdt;
};

struct UblasSystem {
  const Flow* flow;
  std::uint64_t* count;
  Scratch* scratch;
  void operator()(const UVec& x, UVec& dxdt, double t) const {
    ++*count;
    to_eigen(x, scratch->z);
    flow->derivative(scratch->z, scratch->dzdt, t);
    to_ublas(scratch->dzdt, dxdt);
  }
};

struct UblasJacobian {
  const Flow* flow;
  std::uint64_t* count;
  Scratch* scratch;
  void operator()(const UVec& x, UMat& J, const double& t, UVec& dfdt) const {
    ++*count;
    to_eigen(x, scratch->z);
    const Mat jacobian = flow->jacobian(scratch->z, t);
    J.resize(x.size(), x.size(), false);
    for (std::size_t i = 0; i < x.size(); ++i)
      for (std::size_t j = 0; j < x.size(); ++j) J(i, j) = jacobian(static_cast<Index>(i), static_cast<Index>(j));
    to_ublas(flow->time_derivative(scratch->z, t), dfdt);
  }
};

// odeint's default_rosenbrock_coefficients (Boost 1.74, as Numerical Recipes' StepperRoss)
// have d4 = +0.0362: the ∂F/∂t weight of stage 4 must equal γ₄ = γ(1 + Σ_j c_4j g_j^t) where
// g^t are the stages of the clock equation ṫ = 1 (the method applied to the autonomous form
// of the system), which gives d4 = −0.0362. With the wrong sign the local error on a
// non-autonomous F is O(h²) (global order 1: ż = cos t is integrated to 2e-5 at rtol 1e-10);
// autonomous flows never see d_i. Shadowing the member fixes it (m_coef.d4 finds ours).
struct RosenbrockCoefficients : odeint::default_rosenbrock_coefficients<double> {
  const double d4 = -0.3620000000000023e-01;
};
using RosenbrockStepper = odeint::rosenbrock4<double, RosenbrockCoefficients>;

// rosenbrock4_controller with its step-size memory archived: the predictive (Gustafsson)
// control of an accepted step uses the previous accepted step and its error, and after a
// rejection the next step may not grow; the members are protected, so a subclass reaches them.
class RosenbrockController : public odeint::rosenbrock4_controller<RosenbrockStepper> {
 public:
  using rosenbrock4_controller::rosenbrock4_controller;
  void archive(StateArchive& a) {
    a.field("first_step", m_first_step);
    a.field("error_old", m_err_old);
    a.field("dt_old", m_dt_old);
    a.field("last_rejected", m_last_rejected);
  }
};

// A trial for AdaptiveIntegration: rosenbrock4_controller's try_step, then the continuous
// extension of the accepted step (prepare_dense_output + calc_state, as odeint's
// rosenbrock4_dense_output). A boundary holds z and the controller's memory: the stages of
// the last step serve only record times inside it, all observed by then.
class RosenbrockTrial {
 public:
  static constexpr bool dense = true;
  RosenbrockTrial(double atol, double rtol, const Flow& flow, IntegrationStats& stats)
      : controller_(atol, rtol),
        system_(UblasSystem{&flow, &stats.rhs_evaluations, scratch_.get()},
                UblasJacobian{&flow, &stats.jacobians, scratch_.get()}) {}

  void start(const Vec& z, double t) {
    to_ublas(z, x_);
    x_next_.resize(x_.size(), false);  // odeint writes into it without resizing
    state_ = z;
    t_ = t;
  }
  bool try_step(double& t, double& dt) {
    const double t_start = t, dt_start = dt;
    if (controller_.try_step(system_, x_, t, x_next_, dt) != odeint::success) return false;
    if (!std::all_of(x_next_.begin(), x_next_.end(), [](double v) { return std::isfinite(v); })) {
      t = t_start;  // driver.hpp, kNonFiniteShrink
      dt = integrators::kNonFiniteShrink * dt_start;
      return false;
    }
    controller_.stepper().prepare_dense_output();
    x_.swap(x_next_);  // x_next_ now holds the state at the start of the step
    to_eigen(x_, state_);
    t_old_ = t_start;
    t_ = t;
    return true;
  }
  const Vec& state() const { return state_; }
  void interpolate(double t, Vec& out) {
    UVec x(x_.size());
    controller_.stepper().calc_state(t, x, x_next_, t_old_, x_, t_);
    to_eigen(x, out);
  }
  void archive(StateArchive& a, Index dim) {
    a.field("z", state_, dim);
    a.scope("controller", [&] { controller_.archive(a); });
    if (!a.loading()) return;
    to_ublas(state_, x_);
    x_next_.resize(x_.size(), false);
  }

 private:
  std::unique_ptr<Scratch> scratch_ = std::make_unique<Scratch>();  // before system_, which points to it
  RosenbrockController controller_;
  std::pair<UblasSystem, UblasJacobian> system_;
  UVec x_, x_next_;
  Vec state_;
  double t_old_ = 0.0, t_ = 0.0;
};

class Rosenbrock4 final : public Integrator {
 public:
  Rosenbrock4(const Rosenbrock4Params& p, std::string spec)
      : spec_(std::move(spec)),
        rtol_(p.control.rtol),
        atol_(p.control.atol),
        max_dim_(p.max_dim),
        control_(integrators::adaptive_control(p.control)) {}
  std::string spec() const override { return spec_; }

  std::unique_ptr<Integration> start(const Flow& flow, const Vec& z, double t0,
                                     std::span<const double> record_times) override {
    integrators::check_inputs(spec_, false, flow, z, t0, record_times);
    if (flow.state_dim() > max_dim_)
      throw InputError("integrator '" + spec_ + "': key 'max_dim': state dimension " +
                       std::to_string(flow.state_dim()) + " exceeds " + std::to_string(max_dim_) +
                       " (dense Jacobian and LU per step); use implicit_euler or implicit_midpoint");
    return integrators::adaptive_integration(z, t0, record_times, control_, [this, &flow](IntegrationStats& stats) {
      return RosenbrockTrial(atol_, rtol_, flow, stats);
    });
  }

 private:
  std::string spec_;
  double rtol_, atol_;
  long max_dim_;
  integrators::AdaptiveControl control_;
};

}  // namespace

const ParamTable<Rosenbrock4Params>& Rosenbrock4Params::table() {
  using P = Rosenbrock4Params;
  static const auto t =
      ParamTable<P>("integrator", "rosenbrock4",
                    "adaptive Rosenbrock 4(3), L-stable, dense Jacobian + LU per step, dense output (odeint, small stiff problems)")
          .embed(&P::control, AdaptiveStepParams::table())
          .integer("max_dim", &P::max_dim, 1, 20000, "largest state dimension accepted (1..20000)");
  return t;
}

IntegratorPtr make_rosenbrock4(const Rosenbrock4Params& p) { return make_typed_integrator<Rosenbrock4>(p); }

IntegratorEntry rosenbrock4_entry() { return typed_integrator_entry<Rosenbrock4, Rosenbrock4Params>(); }

}  // namespace optdyn
