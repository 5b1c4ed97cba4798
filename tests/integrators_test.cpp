// Integrators (issue 4), each against an independent result:
//  * euler with h = η on the gradient flow vs the gd optimizer's iterates;
//  * convergence orders on the Rosenbrock gradient flow vs a dopri5 reference at rtol 1e-13
//    (cross-checked against fehlberg78 and bulirsch_stoer);
//  * the gradient flow of a quadratic vs e^{−At}θ₀ from a dense eigendecomposition;
//  * stiff quadratics: explicit Euler's 2/L threshold, implicit Euler = (I + hA)^{−k}θ₀,
//    implicit midpoint = Cayley map ((I + hA/2)^{−1}(I − hA/2))^k θ₀; GMRES on a
//    non-symmetric linear flow vs (I − hB)^{−k}z₀;
//  * evaluation counts vs the stage counts of the Runge–Kutta pairs;
//  * Euler–Maruyama on an Ornstein–Uhlenbeck flow vs the stationary variance of the
//    discrete AR(1) recursion;
//  * statuses and bad input.
#define BOOST_TEST_MODULE integrators
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "optdyn/core/error.hpp"
#include "optdyn/flows/registry.hpp"
#include "optdyn/integrators/registry.hpp"
#include "optdyn/objectives/quadratic.hpp"
#include "optdyn/objectives/registry.hpp"
#include "optdyn/optimizers/oracle.hpp"
#include "optdyn/optimizers/registry.hpp"
#include "support/finite_differences.hpp"
#include "support/fits.hpp"
#include "support/input_errors.hpp"

using namespace optdyn;
using namespace optdyn::testing;

namespace optdyn {
// For BOOST_TEST's messages.
std::ostream& operator<<(std::ostream& out, IntegrationStatus status) { return out << to_string(status); }
}  // namespace optdyn

namespace {

struct Run {
  std::vector<double> times;
  std::vector<Vec> states;  // one per record time
  IntegrationResult result;
  Vec final_state;
};

Run integrate(const std::string& spec, const Flow& flow, const Vec& z0, std::vector<double> times,
              double t0 = 0.0) {
  IntegratorPtr integrator = make_integrator(spec);
  Run run;
  run.final_state = z0;
  run.result = integrator->integrate(flow, run.final_state, t0, times, [&](double t, const Vec& z) {
    run.times.push_back(t);
    run.states.push_back(z);
    return true;
  });
  return run;
}

Vec integrate_to(const std::string& spec, const Flow& flow, const Vec& z0, double T) {
  Run run = integrate(spec, flow, z0, {T});
  BOOST_TEST_REQUIRE(run.result.status == IntegrationStatus::ok, spec << ": " << run.result.message);
  return run.final_state;
}

// e^{−At}θ₀ for symmetric A, by its eigendecomposition (independent of every integrator).
Vec heat_semigroup(const Mat& A, const Vec& theta0, double t) {
  Eigen::SelfAdjointEigenSolver<Mat> eig(A);
  const Vec decay = (-t * eig.eigenvalues().array()).exp().matrix();
  return eig.eigenvectors() * decay.asDiagonal() * eig.eigenvectors().transpose() * theta0;
}

// dX = −λX dt + σ dW in one dimension: the gradient flow of f = ½λx² plus additive noise.
class OrnsteinUhlenbeck : public Flow {
 public:
  OrnsteinUhlenbeck(const Objective& f, double sigma) : Flow(f), sigma_(sigma) {}
  std::string spec() const override { return "test_ou"; }
  void derivative(const Vec& z, Vec& dzdt, double) const override { dzdt = -objective().gradient(z); }
  Index noise_dim() const override { return 1; }
  void diffusion_times(const Vec&, double, const Vec& xi, Vec& out) const override { out = sigma_ * xi; }

 private:
  double sigma_;
};

// ż = B z with a fixed non-symmetric B (a damped rotation): GMRES territory.
class LinearFlow : public Flow {
 public:
  LinearFlow(const Objective& f, Mat B) : Flow(f), B_(std::move(B)) {}
  std::string spec() const override { return "test_linear"; }
  void derivative(const Vec& z, Vec& dzdt, double) const override { dzdt = B_ * z; }
  void jacobian_vector(const Vec&, double, const Vec& v, Vec& Jv) const override { Jv = B_ * v; }

 private:
  Mat B_;
};

// ż = z², z(0) = 1: z = 1/(1 − t) blows up at t = 1.
class BlowUpFlow : public Flow {
 public:
  using Flow::Flow;
  std::string spec() const override { return "test_blowup"; }
  void derivative(const Vec& z, Vec& dzdt, double) const override { dzdt = z.array().square().matrix(); }
};

// ż = cos t (non-autonomous): z(T) = z(t₀) + sin T − sin t₀. Checks the time argument.
class CosineFlow : public Flow {
 public:
  using Flow::Flow;
  std::string spec() const override { return "test_cosine"; }
  bool autonomous() const override { return false; }
  void derivative(const Vec& z, Vec& dzdt, double t) const override { dzdt = Vec::Constant(z.size(), std::cos(t)); }
};

Vec rosenbrock_start() { return (Vec(2) << -1.2, 1.0).finished(); }

}  // namespace

// ---------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(euler_with_h_eta_is_gradient_descent) {
  // euler:h=η on θ̇ = −∇f takes θ ← θ − η∇f(θ): the gd map, at record times k·η.
  ObjectivePtr f = make_objective("rosenbrock:dim=6");
  FlowPtr flow = make_flow("gradient", *f);
  const double eta = 1.5e-4;
  const int steps = 300;
  Vec theta = Vec::LinSpaced(6, -1.2, 0.8);
  std::vector<double> times;
  for (int k = 1; k <= steps; ++k) times.push_back(k * eta);
  Run run = integrate("euler:h=1.5e-4", *flow, theta, times);
  BOOST_TEST(run.result.status == IntegrationStatus::ok);
  BOOST_TEST(run.result.stats.steps == std::uint64_t(steps));
  BOOST_TEST(run.result.stats.rhs_evaluations == std::uint64_t(steps));

  OptimizerPtr gd = make_optimizer("gd:lr=1.5e-4");
  gd->reset(6);
  ObjectiveOracle oracle(*f);
  double worst = 0;
  for (int k = 0; k < steps; ++k) {
    gd->step(theta, oracle);
    worst = std::max(worst, relative_error(run.states[k], theta));
  }
  BOOST_TEST_MESSAGE("euler vs gd: max relative difference " << worst);
  BOOST_TEST(worst <= 1e-14);
  // Record times off the h grid: steps are shortened to land on them, and the total count
  // is ⌈T/h⌉ per segment.
  Run off = integrate("euler:h=1e-4", *flow, theta, {2.5e-4, 5e-4});
  BOOST_TEST(off.result.stats.steps == 6u);
}

BOOST_AUTO_TEST_CASE(a_step_longer_than_the_segment_is_one_clipped_step) {
  // h far above the record interval: (t_next − t)/h ≈ 0 is not "zero whole steps" (the state
  // would never move, status ok); every segment is one step clipped to land on its record
  // time, as for h = 1e7, so h = 5e8 and h = 1e7 give the same path.
  ObjectivePtr f = make_objective("quadratic:eigs=1/0.5");
  FlowPtr flow = make_flow("gradient", *f);
  const Vec z0 = Vec::Ones(2);
  std::vector<double> times;
  for (int k = 1; k <= 100; ++k) times.push_back(0.1 * k);
  for (const std::string spec : {"euler:h=5e8", "rk4:h=1e9"}) {
    Run huge = integrate(spec, *flow, z0, times);
    Run moderate = integrate(spec.substr(0, spec.find('=') + 1) + "1e7", *flow, z0, times);
    BOOST_TEST(huge.result.status == IntegrationStatus::ok);
    BOOST_TEST(huge.result.stats.steps == 100u, spec << ": " << huge.result.stats.steps << " steps");
    BOOST_TEST(relative_error(huge.final_state, moderate.final_state) == 0.0);
    BOOST_TEST(huge.final_state.norm() < 0.5 * z0.norm(), spec << ": the state did not move");
  }
}

BOOST_AUTO_TEST_CASE(adaptive_references_agree) {
  // The reference of the order test, by three different adaptive methods.
  ObjectivePtr f = make_objective("rosenbrock:dim=2,a=1");
  FlowPtr flow = make_flow("gradient", *f);
  const Vec z0 = rosenbrock_start();
  const Vec ref = integrate_to("dopri5:rtol=1e-13,atol=1e-15,h0=1e-4", *flow, z0, 1.0);
  const Vec ref78 = integrate_to("fehlberg78:rtol=1e-13,atol=1e-15,h0=1e-4", *flow, z0, 1.0);
  const Vec refbs = integrate_to("bulirsch_stoer:rtol=1e-13,atol=1e-15,h0=1e-4", *flow, z0, 1.0);
  BOOST_TEST_MESSAGE("dopri5 vs fehlberg78 " << relative_error(ref, ref78) << ", vs bulirsch_stoer "
                                              << relative_error(ref, refbs));
  BOOST_TEST(relative_error(ref, ref78) < 1e-11);
  BOOST_TEST(relative_error(ref, refbs) < 1e-11);
}

BOOST_AUTO_TEST_CASE(convergence_orders) {
  // Error at T = 1 against h on the gradient flow of the 2-D Rosenbrock function (a = 1)
  // from (−1.2, 1); fitted log-log slope = the order within ±0.15.
  ObjectivePtr f = make_objective("rosenbrock:dim=2,a=1");
  FlowPtr flow = make_flow("gradient", *f);
  const Vec z0 = rosenbrock_start();
  const double T = 1.0;
  const Vec ref = integrate_to("dopri5:rtol=1e-13,atol=1e-15,h0=1e-4", *flow, z0, T);
  struct Case {
    std::string name;
    double order;
    std::vector<double> h;
  };
  const std::vector<Case> cases = {
      {"euler", 1, {1e-2, 5e-3, 2.5e-3, 1.25e-3}},
      {"rk4", 4, {2e-2, 1e-2, 5e-3, 2.5e-3}},
      {"adams_bashforth_moulton:order=2,h", 2, {1e-2, 5e-3, 2.5e-3, 1.25e-3}},
      {"adams_bashforth_moulton:order=4,h", 4, {1e-2, 5e-3, 2.5e-3, 1.25e-3}},
      {"implicit_euler", 1, {1e-2, 5e-3, 2.5e-3, 1.25e-3}},
      {"implicit_midpoint", 2, {2e-2, 1e-2, 5e-3, 2.5e-3}},
  };
  for (const auto& c : cases) {
    std::vector<double> errors;
    for (double h : c.h) {
      const std::string spec =
          (c.name.find(':') == std::string::npos ? c.name + ":h" : c.name) + "=" + std::to_string(h);
      errors.push_back(relative_error(integrate_to(spec, *flow, z0, T), ref));
    }
    const double slope = loglog_slope(c.h, errors);
    BOOST_TEST_MESSAGE(c.name << ": errors " << errors.front() << " .. " << errors.back() << ", slope " << slope);
    BOOST_TEST(std::abs(slope - c.order) < 0.15, c.name << " slope " << slope);
  }
}

BOOST_AUTO_TEST_CASE(small_mlp_orders) {
  // The same on the gradient flow of a small MLP (tanh, mse): rk4 4 and implicit midpoint 2.
  ObjectivePtr f = make_objective("mlp:data=gaussian,n=20,widths=4-5-2,act=tanh,loss=mse");
  FlowPtr flow = make_flow("gradient", *f);
  const Vec z0 = Vec::LinSpaced(f->dim(), -1.0, 1.0);
  const double T = 2.0;
  const Vec ref = integrate_to("dopri5:rtol=1e-13,atol=1e-15,h0=1e-3", *flow, z0, T);
  BOOST_TEST(relative_error(integrate_to("fehlberg78:rtol=1e-13,atol=1e-15,h0=1e-3", *flow, z0, T), ref) < 1e-11);
  const std::vector<double> hs = {0.1, 0.05, 0.025, 0.0125};
  for (const auto& [name, order] : std::vector<std::pair<std::string, double>>{{"rk4", 4}, {"implicit_midpoint", 2}}) {
    std::vector<double> errors;
    for (double h : hs)
      errors.push_back(relative_error(integrate_to(name + ":h=" + std::to_string(h), *flow, z0, T), ref));
    const double slope = loglog_slope(hs, errors);
    BOOST_TEST_MESSAGE("mlp " << name << ": errors " << errors.front() << " .. " << errors.back() << ", slope " << slope);
    BOOST_TEST(std::abs(slope - order) < 0.15, name << " slope " << slope);
  }
}

BOOST_AUTO_TEST_CASE(eisenstat_walker_forcing_reaches_the_same_step_with_fewer_products) {
  // Inexact Newton with the Eisenstat–Walker forcing term solves the same implicit equation
  // (Newton stops at the same newton_tol), so the states agree to that tolerance; the loose
  // early Krylov solves cost fewer Jacobian-vector products than solving every system to
  // linear_tol. Small MLP gradient flow, implicit Euler and midpoint, h = 0.2 (large enough
  // that Newton takes several iterations per step).
  ObjectivePtr f = make_objective("mlp:data=gaussian,n=20,widths=4-5-2,act=tanh,loss=mse");
  FlowPtr flow = make_flow("gradient", *f);
  const Vec z0 = Vec::LinSpaced(f->dim(), -1.0, 1.0);
  for (const std::string method : {"implicit_euler", "implicit_midpoint"}) {
    const std::string base = method + ":h=0.2,newton_tol=1e-12,linear_tol=1e-10";
    const Run fixed = integrate(base, *flow, z0, {2.0});
    const Run adaptive = integrate(base + ",forcing=eisenstat_walker", *flow, z0, {2.0});
    BOOST_TEST_REQUIRE(fixed.result.status == IntegrationStatus::ok, fixed.result.message);
    BOOST_TEST_REQUIRE(adaptive.result.status == IntegrationStatus::ok, adaptive.result.message);
    BOOST_TEST(relative_error(adaptive.final_state, fixed.final_state) < 1e-9, method);
    BOOST_TEST_MESSAGE(method << ": Krylov products " << fixed.result.stats.linear_iterations << " (fixed) vs "
                              << adaptive.result.stats.linear_iterations << " (Eisenstat–Walker)");
    BOOST_TEST(adaptive.result.stats.linear_iterations < fixed.result.stats.linear_iterations, method);
  }
  BOOST_CHECK_THROW(make_integrator("implicit_euler:forcing=sometimes"), InputError);
}

BOOST_AUTO_TEST_CASE(time_dependent_flow_from_t0) {
  // Every integrator passes the right t to F from t₀ > 0 (rosenbrock4 also ∂F/∂t: with
  // odeint's original coefficient d4 its error here was 2e-5, see rosenbrock4.cpp).
  ObjectivePtr one = make_objective("quadratic:eigs=1");
  CosineFlow flow(*one);
  const double t0 = 0.5;
  const std::vector<double> times = {0.5, 1.7, 3.0};
  const Vec z0 = Vec::Constant(1, 0.25);
  const std::vector<std::pair<std::string, double>> cases = {
      {"euler:h=1e-3", 1e-3},          {"rk4:h=1e-2", 1e-9},
      {"adams_bashforth_moulton:h=1e-2", 1e-8},
      {"cash_karp54:rtol=1e-10", 1e-8}, {"dopri5:rtol=1e-10", 1e-8},
      {"fehlberg78:rtol=1e-10", 1e-8},  {"bulirsch_stoer:rtol=1e-10", 1e-8},
      {"rosenbrock4:rtol=1e-10", 1e-8}, {"implicit_euler:h=1e-3", 1e-3},
      {"implicit_midpoint:h=1e-2", 1e-5}, {"euler_maruyama:h=1e-3", 1e-3}};
  for (const auto& [spec, tolerance] : cases) {
    Run run = integrate(spec, flow, z0, times, t0);
    BOOST_TEST_REQUIRE(run.states.size() == times.size(), spec);
    double worst = 0;
    for (std::size_t i = 0; i < times.size(); ++i)
      worst = std::max(worst, std::abs(run.states[i][0] - (0.25 + std::sin(times[i]) - std::sin(t0))));
    BOOST_TEST_MESSAGE(spec << ": max error " << worst);
    BOOST_TEST(worst < tolerance, spec << " " << worst);
  }
}

BOOST_AUTO_TEST_CASE(multistep_restart_at_record_times) {
  // Record times off the h grid shorten a step and restart the Adams history (rk4 start):
  // the result stays 4th-order accurate.
  ObjectivePtr f = make_objective("rosenbrock:dim=2,a=1");
  FlowPtr flow = make_flow("gradient", *f);
  const Vec z0 = rosenbrock_start();
  const Vec ref = integrate_to("dopri5:rtol=1e-13,atol=1e-15,h0=1e-4", *flow, z0, 1.0);
  std::vector<double> off_grid;
  for (int k = 1; k <= 7; ++k) off_grid.push_back(k / 7.0);
  Run on = integrate("adams_bashforth_moulton:h=0.005", *flow, z0, {1.0});
  Run off = integrate("adams_bashforth_moulton:h=0.005", *flow, z0, off_grid);
  const double e_on = relative_error(on.final_state, ref), e_off = relative_error(off.final_state, ref);
  BOOST_TEST_MESSAGE("abm4 h=0.005: error " << e_on << " on the grid, " << e_off << " with 7 off-grid record times");
  BOOST_TEST(e_off < 5 * e_on);
  BOOST_TEST(off.result.stats.steps > on.result.stats.steps);
}

BOOST_AUTO_TEST_CASE(quadratic_gradient_flow_is_the_matrix_exponential) {
  ObjectivePtr f = make_objective("quadratic:dim=8,kappa=100,lmax=2,seed=4");
  const Mat A = dynamic_cast<const Quadratic&>(*f).matrix();
  FlowPtr flow = make_flow("gradient", *f);
  const Vec theta0 = Vec::LinSpaced(8, -1.0, 1.5);
  const std::vector<double> times = {0.0, 0.3, 1.0, 2.5, 2.5, 6.0};
  for (const std::string spec :
       {"cash_karp54", "dopri5", "fehlberg78", "bulirsch_stoer", "rosenbrock4"}) {
    Run run = integrate(spec + ":rtol=1e-12,atol=1e-14", *flow, theta0, times);
    BOOST_TEST(run.result.status == IntegrationStatus::ok, spec);
    BOOST_TEST_REQUIRE(run.states.size() == times.size());
    double worst = 0;
    for (std::size_t i = 0; i < times.size(); ++i) {
      BOOST_TEST(run.times[i] == times[i]);
      worst = std::max(worst, relative_error(run.states[i], heat_semigroup(A, theta0, times[i])));
    }
    BOOST_TEST_MESSAGE(spec << ": max relative error " << worst << ", steps " << run.result.stats.steps
                            << ", rejected " << run.result.stats.rejected);
    BOOST_TEST(worst < 1e-10, spec << " " << worst);
    BOOST_TEST(run.result.t_reached == 6.0);
    BOOST_TEST(relative_error(run.final_state, heat_semigroup(A, theta0, 6.0)) < 1e-10);
    if (spec == "rosenbrock4") BOOST_TEST(run.result.stats.jacobians > 0u);
  }
}

BOOST_AUTO_TEST_CASE(stiff_quadratic_explicit_threshold) {
  // κ = 10⁶, L = 1: explicit Euler's factor on the top eigenvector is |1 − hL|, > 1 iff h > 2/L.
  ObjectivePtr f = make_objective("quadratic:dim=6,kappa=1e6,lmax=1,seed=2");
  const Mat A = dynamic_cast<const Quadratic&>(*f).matrix();
  FlowPtr flow = make_flow("gradient", *f);
  const Vec theta0 = Vec::LinSpaced(6, 1.0, -0.5);
  Run unstable = integrate("euler:h=2.5", *flow, theta0, {2.5 * 3000});
  BOOST_TEST(unstable.result.status == IntegrationStatus::diverged);
  BOOST_TEST(unstable.result.t_reached < 2.5 * 3000);
  BOOST_TEST(!unstable.result.message.empty());

  const int k = 3000;
  Run stable = integrate("euler:h=1.9", *flow, theta0, {1.9 * k});
  BOOST_TEST(stable.result.status == IntegrationStatus::ok);
  const Mat M = Mat::Identity(6, 6) - 1.9 * A;
  Vec expected = theta0;
  for (int i = 0; i < k; ++i) expected = M * expected;
  BOOST_TEST((stable.final_state - expected).norm() < 1e-10 * theta0.norm());
  BOOST_TEST(stable.final_state.norm() < theta0.norm());
}

BOOST_AUTO_TEST_CASE(stiff_quadratic_implicit_methods) {
  // Implicit Euler: (I + hA)^{−k}θ₀; implicit midpoint: ((I + hA/2)^{−1}(I − hA/2))^k θ₀,
  // for every h (here far beyond 2/L), by dense LU.
  ObjectivePtr f = make_objective("quadratic:dim=6,kappa=1e6,lmax=1,seed=2");
  const Mat A = dynamic_cast<const Quadratic&>(*f).matrix();
  const Mat I = Mat::Identity(6, 6);
  FlowPtr flow = make_flow("gradient", *f);
  const Vec theta0 = Vec::LinSpaced(6, 1.0, -0.5);
  const int k = 20;
  for (const double h : {1.0, 100.0}) {
    Vec euler = theta0, midpoint = theta0;
    for (int i = 0; i < k; ++i) {
      euler = (I + h * A).partialPivLu().solve(euler);
      midpoint = (I + 0.5 * h * A).partialPivLu().solve((I - 0.5 * h * A) * midpoint);
    }
    for (const std::string solver : {"auto", "minres", "gmres", "cg"}) {
      const std::string options = "h=" + std::to_string(h) + ",solver=" + solver;
      Run ie = integrate("implicit_euler:" + options, *flow, theta0, {k * h});
      Run im = integrate("implicit_midpoint:" + options, *flow, theta0, {k * h});
      BOOST_TEST(ie.result.status == IntegrationStatus::ok, ie.result.message);
      BOOST_TEST(im.result.status == IntegrationStatus::ok, im.result.message);
      BOOST_TEST((ie.final_state - euler).norm() < 1e-10 * theta0.norm(), "implicit_euler " << options);
      BOOST_TEST((im.final_state - midpoint).norm() < 1e-10 * theta0.norm(), "implicit_midpoint " << options);
      BOOST_TEST(ie.result.stats.steps == std::uint64_t(k));
      BOOST_TEST(ie.result.stats.newton_iterations >= std::uint64_t(k));
      BOOST_TEST(ie.result.stats.linear_iterations == ie.result.stats.jacobian_products);
      BOOST_TEST_MESSAGE(options << ": implicit Euler " << ie.result.stats.newton_iterations << " Newton, "
                                 << ie.result.stats.linear_iterations << " Krylov products");
    }
  }
}

BOOST_AUTO_TEST_CASE(gmres_on_a_nonsymmetric_flow) {
  ObjectivePtr f = make_objective("quadratic:dim=3");
  Mat B(3, 3);
  B << -0.5, 2.0, 0.0, -2.0, -0.5, 0.3, 0.1, 0.0, -1.0;
  LinearFlow flow(*f, B);
  const Vec z0 = (Vec(3) << 1.0, -1.0, 0.5).finished();
  const double h = 0.25;
  Vec expected = z0;
  for (int i = 0; i < 8; ++i) expected = (Mat::Identity(3, 3) - h * B).partialPivLu().solve(expected);
  Run run = integrate("implicit_euler:h=0.25", flow, z0, {2.0});
  BOOST_TEST(run.result.status == IntegrationStatus::ok);
  BOOST_TEST((run.final_state - expected).norm() < 1e-10);
  expect_input_error([&] { integrate("implicit_euler:h=0.25,solver=minres", flow, z0, {2.0}); },
                     {"key 'solver'", "test_linear"});
}

BOOST_AUTO_TEST_CASE(adaptive_statistics) {
  // A large first step at tight tolerance forces rejections. Evaluation counts follow the
  // stage counts: dopri5 (FSAL) 1 + 6 per trial; cash_karp54 6 per accepted step and 5 per
  // rejected one (F at the step's start is reused); fehlberg78 13 and 12.
  ObjectivePtr f = make_objective("rosenbrock:dim=2,a=1");
  FlowPtr flow = make_flow("gradient", *f);
  const Vec z0 = rosenbrock_start();
  const std::vector<double> times = {0.1, 0.5, 1.0};
  const auto dopri = integrate("dopri5:rtol=1e-10,atol=1e-12,h0=1", *flow, z0, times).result.stats;
  BOOST_TEST(dopri.rejected > 0u);
  BOOST_TEST(dopri.rhs_evaluations == 1 + 6 * (dopri.steps + dopri.rejected));
  const auto ck = integrate("cash_karp54:rtol=1e-10,atol=1e-12,h0=1", *flow, z0, times).result.stats;
  BOOST_TEST(ck.rejected > 0u);
  BOOST_TEST(ck.rhs_evaluations == 6 * ck.steps + 5 * ck.rejected);
  const auto rkf = integrate("fehlberg78:rtol=1e-10,atol=1e-12,h0=1", *flow, z0, times).result.stats;
  BOOST_TEST(rkf.rejected > 0u);
  BOOST_TEST(rkf.rhs_evaluations == 13 * rkf.steps + 12 * rkf.rejected);
  const auto bs = integrate("bulirsch_stoer:rtol=1e-10,atol=1e-12,h0=1", *flow, z0, times).result;
  BOOST_TEST(bs.status == IntegrationStatus::ok);
  BOOST_TEST(bs.stats.rhs_evaluations > bs.stats.steps);
  BOOST_TEST_MESSAGE("dopri5 " << dopri.steps << "/" << dopri.rejected << ", cash_karp54 " << ck.steps << "/"
                               << ck.rejected << ", fehlberg78 " << rkf.steps << "/" << rkf.rejected);
}

BOOST_AUTO_TEST_CASE(overflowing_trial_steps_are_rejected_not_accepted) {
  // A first trial of h0 = 1e6 on the Rosenbrock gradient flow overflows (stage states grow
  // like h·∇f, then ∇f ~ x³ of those...): the error estimate is NaN, which odeint's checkers
  // would accept. The trials reject it and shrink the step; the run then agrees with a
  // reference started from a sensible h0.
  ObjectivePtr f = make_objective("rosenbrock:dim=2,a=1");
  FlowPtr flow = make_flow("gradient", *f);
  const Vec z0 = rosenbrock_start();
  const Vec reference = integrate_to("fehlberg78:rtol=1e-12,atol=1e-14,h0=1e-4", *flow, z0, 0.5);
  for (const char* method : {"dopri5", "cash_karp54", "fehlberg78", "bulirsch_stoer", "rosenbrock4"}) {
    const std::string spec = std::string(method) + ":rtol=1e-10,atol=1e-12,h0=1e6";
    const Run run = integrate(spec, *flow, z0, {0.5});
    BOOST_TEST_REQUIRE(run.result.status == IntegrationStatus::ok, spec << ": " << run.result.message);
    BOOST_TEST(run.result.stats.rejected > 0u, spec);
    BOOST_TEST(relative_error(run.final_state, reference) < 1e-8, spec);
  }
}

BOOST_AUTO_TEST_CASE(a_field_that_fails_stops_with_solver_failed) {
  // The saddle-free flow −(|H| + 0·I)⁻¹∇f of a quadratic with a zero eigenvalue cannot be
  // evaluated (FlowEvaluationError): every integrator reports solver_failed, not a crash.
  ObjectivePtr f = make_objective("quadratic:eigs=1/0,rotate=false");
  FlowPtr flow = make_flow("saddle_free:damping=0", *f);
  const Vec z0 = Vec::Ones(2);
  for (const char* spec : {"rk4:h=0.1", "dopri5", "rosenbrock4", "implicit_euler:h=0.1"}) {
    const Run run = integrate(spec, *flow, z0, {0.0, 1.0});
    BOOST_TEST((run.result.status == IntegrationStatus::solver_failed), spec);
    BOOST_TEST(run.result.message.find("singular") != std::string::npos, spec << ": " << run.result.message);
    BOOST_TEST(run.final_state == z0, spec);  // nothing was accepted
  }
}

BOOST_AUTO_TEST_CASE(statuses) {
  ObjectivePtr f = make_objective("rosenbrock:dim=2,a=1");
  FlowPtr flow = make_flow("gradient", *f);
  const Vec z0 = rosenbrock_start();
  // The observer stops the run at the second record time; z is the state there.
  for (const std::string spec : {"rk4:h=0.01", "dopri5", "cash_karp54", "implicit_midpoint"}) {
    IntegratorPtr integ = make_integrator(spec);
    Vec z = z0, seen;
    int calls = 0;
    const std::vector<double> times = {0.1, 0.25, 0.5};
    const auto r = integ->integrate(*flow, z, 0.0, times, [&](double, const Vec& state) {
      seen = state;
      return ++calls < 2;
    });
    BOOST_TEST(r.status == IntegrationStatus::stopped_by_observer, spec);
    BOOST_TEST(calls == 2);
    BOOST_TEST(r.t_reached == 0.25);
    BOOST_TEST((z - seen).norm() == 0.0);
    BOOST_TEST(std::string(to_string(r.status)) == "stopped_by_observer");
  }
  Run capped = integrate("dopri5:max_steps=5", *flow, z0, {100.0});
  BOOST_TEST(capped.result.status == IntegrationStatus::max_steps);
  BOOST_TEST(capped.result.stats.steps == 5u);
  BOOST_TEST(capped.result.t_reached < 100.0);

  ObjectivePtr one = make_objective("quadratic:eigs=1");
  BlowUpFlow blowup(*one);
  Run underflow = integrate("dopri5:min_step=1e-6", blowup, Vec::Ones(1), {2.0});
  BOOST_TEST(underflow.result.status == IntegrationStatus::step_size_underflow, underflow.result.message);
  BOOST_TEST(underflow.result.t_reached < 1.0);
  BOOST_TEST(underflow.result.t_reached > 0.99);
  // Implicit Euler on ż = z² with h = 1 from z = 1: u = 1 + u² has no real root.
  Run failed = integrate("implicit_euler:h=1,max_newton=30", blowup, Vec::Ones(1), {1.0});
  BOOST_TEST(failed.result.status == IntegrationStatus::solver_failed);
  BOOST_TEST(!failed.result.message.empty());
  BOOST_TEST(failed.final_state[0] == 1.0);
}

BOOST_AUTO_TEST_CASE(euler_maruyama_ornstein_uhlenbeck) {
  // X_{n+1} = (1 − hλ)X_n + σ√h ξ_n: stationary mean 0 and variance σ²h/(1 − (1 − hλ)²).
  const double lambda = 1.0, sigma = 0.5, h = 0.1;
  ObjectivePtr f = make_objective("quadratic:eigs=1");
  OrnsteinUhlenbeck ou(*f, sigma);
  const int burn_in = 1000, samples = 300000;
  std::vector<double> times;
  for (int k = 1; k <= burn_in + samples; ++k) times.push_back(k * h);
  Run a = integrate("euler_maruyama:h=0.1,seed=7", ou, Vec::Zero(1), times);
  Run b = integrate("euler_maruyama:h=0.1,seed=7", ou, Vec::Zero(1), times);
  Run c = integrate("euler_maruyama:h=0.1,seed=8", ou, Vec::Zero(1), times);
  BOOST_TEST_REQUIRE(a.states.size() == times.size());
  bool identical = true, differs = false;
  for (std::size_t i = 0; i < times.size(); ++i) {
    identical = identical && a.states[i][0] == b.states[i][0];
    differs = differs || a.states[i][0] != c.states[i][0];
  }
  BOOST_TEST(identical);
  BOOST_TEST(differs);
  double mean = 0, second = 0;
  for (int k = burn_in; k < burn_in + samples; ++k) {
    mean += a.states[k][0] / samples;
    second += a.states[k][0] * a.states[k][0] / samples;
  }
  const double variance = second - mean * mean;
  const double rho = 1 - h * lambda;
  const double expected = sigma * sigma * h / (1 - rho * rho);
  // Standard error of the mean of an AR(1) sample: √(var (1 + ρ)/((1 − ρ) n)).
  const double mean_error = std::sqrt(expected * (1 + rho) / ((1 - rho) * samples));
  BOOST_TEST_MESSAGE("OU: variance " << variance << " vs " << expected << ", mean " << mean << " (s.e. "
                                     << mean_error << ")");
  BOOST_TEST(std::abs(variance / expected - 1) < 0.05);
  BOOST_TEST(std::abs(mean) < 4 * mean_error);
  BOOST_TEST(make_integrator("euler_maruyama")->stochastic());
  BOOST_TEST(!make_integrator("euler")->stochastic());

  // On an ODE flow Euler–Maruyama is explicit Euler.
  ObjectivePtr r = make_objective("rosenbrock:dim=3");
  FlowPtr flow = make_flow("gradient", *r);
  const Vec z0 = Vec::LinSpaced(3, -1.0, 0.5);
  const Vec em = integrate_to("euler_maruyama:h=1e-3", *flow, z0, 0.05);
  const Vec eu = integrate_to("euler:h=1e-3", *flow, z0, 0.05);
  BOOST_TEST((em - eu).norm() == 0.0);
}

BOOST_AUTO_TEST_CASE(bad_input) {
  ObjectivePtr f = make_objective("quadratic:dim=3");
  FlowPtr flow = make_flow("gradient", *f);
  const Vec z0 = Vec::Ones(3);
  ObjectivePtr one = make_objective("quadratic:eigs=1");
  OrnsteinUhlenbeck ou(*one, 1.0);
  expect_input_error([&] { integrate("dopri5", ou, Vec::Zero(1), {1.0}); }, {"test_ou", "euler_maruyama"});
  expect_input_error([&] { integrate("implicit_euler", ou, Vec::Zero(1), {1.0}); }, {"test_ou"});
  expect_input_error([&] { integrate("rk4", *flow, z0, {1.0, 0.5}); }, {"record time 1"});
  expect_input_error([&] { integrate("dopri5", *flow, z0, {0.5}, 1.0); }, {"record time 0", "start time"});
  expect_input_error([&] { integrate("euler", *flow, Vec::Ones(4), {1.0}); }, {"4 entries"});
  expect_input_error([&] { integrate("rosenbrock4:max_dim=2", *flow, z0, {1.0}); }, {"key 'max_dim'"});
  expect_input_error([] { make_integrator("dopri5:rtoll=1e-6"); }, {"rtoll"});
  expect_input_error([] { make_integrator("rk4:h=-1"); }, {"key 'h'"});
  expect_input_error([] { make_integrator("rk4:h=0"); }, {"key 'h'"});
  expect_input_error([] { make_integrator("dopri5:atol=-1"); }, {"key 'atol'"});
  expect_input_error([] { make_integrator("adams_bashforth_moulton:order=9"); }, {"key 'order'"});
  expect_input_error([] { make_integrator("implicit_euler:solver=lu"); }, {"key 'solver'"});
  expect_input_error([] { make_integrator("euler_maruyama:seed=-1"); }, {"key 'seed'"});
  expect_input_error([] { make_integrator("leapfrog"); }, {"leapfrog"});
  // Every entry documents its keys.
  for (const auto& e : integrator_registry().entries()) {
    BOOST_TEST(!e.help.empty());
    for (const auto& p : e.params) BOOST_TEST(!p.help.empty(), e.name << "." << p.key);
    BOOST_TEST(make_integrator(e.name)->spec().rfind(e.name + ":", 0) == 0u, e.name);
  }
  BOOST_TEST(describe_integrators().find("dopri5") != std::string::npos);
}
