// continuous_limit (issue 4): the stated maps and refusals, and — the point of the map —
// that each discrete optimizer follows its flow at the claimed order, measured against
// flows integrated by dopri5 at tight tolerance (or closed forms): fitted slopes of the gap
// at a fixed time T against the step size.
#define BOOST_TEST_MODULE continuous_limit
#include <boost/test/unit_test.hpp>

#include <Eigen/Eigenvalues>

#include <cmath>
#include <iostream>
#include <string>
#include <variant>
#include <vector>

#include "optdyn/core/error.hpp"
#include "optdyn/core/spec.hpp"
#include "optdyn/core/text.hpp"
#include "optdyn/flows/flow_params.hpp"
#include "optdyn/flows/registry.hpp"
#include "optdyn/integrators/registry.hpp"
#include "optdyn/limits/continuous_limit.hpp"
#include "optdyn/objectives/quadratic.hpp"
#include "optdyn/objectives/least_squares.hpp"
#include "optdyn/objectives/registry.hpp"
#include "optdyn/optimizers/registry.hpp"
#include "support/fits.hpp"

using namespace optdyn;

namespace {

const char* kReference = "dopri5:rtol=1e-12,atol=1e-14";

// The flow's θ at each of `times` (≥ start time), integrated from θ₀.
std::vector<Vec> flow_path(const std::string& flow_spec, const Objective& f, const Vec& theta0,
                           const std::vector<double>& times, const char* integrator = kReference) {
  FlowPtr flow = make_flow(flow_spec, f);
  IntegratorPtr integ = make_integrator(integrator);
  Vec z = flow->initial_state(theta0);
  std::vector<Vec> out;
  const IntegrationResult r = integ->integrate(*flow, z, flow->start_time(), times, [&](double, const Vec& state) {
    out.push_back(flow->parameters(state));
    return true;
  });
  BOOST_REQUIRE(r.status == IntegrationStatus::ok);
  return out;
}

// θ₀..θ_steps of the optimizer on the full-batch objective.
std::vector<Vec> iterates(const std::string& optimizer, const Objective& f, const Vec& theta0, int steps) {
  OptimizerPtr opt = make_optimizer(optimizer);
  opt->reset(f.dim());
  ObjectiveOracle oracle(f);
  std::vector<Vec> out{theta0};
  Vec theta = theta0;
  for (int k = 0; k < steps; ++k) {
    opt->step(theta, oracle);
    out.push_back(theta);
  }
  return out;
}

using optdyn::testing::loglog_slope;

double key(const std::string& spec, const char* name) { return Spec::parse(spec, "flow").real(name); }

}  // namespace

BOOST_AUTO_TEST_CASE(gradient_descent_maps_to_gradient_flow) {
  for (const char* spec : {"gd:lr=0.05", "sgd:lr=0.05", "gd:lr=0.05|constant"}) {
    const ContinuousLimit c = continuous_limit(spec);
    BOOST_TEST(c.flow == "gradient", spec);
    BOOST_TEST(c.time_per_step == 0.05);
    BOOST_TEST(c.modified_flow == "modified_gd:h=0.05");
    BOOST_TEST(c.time_at_step(4) == 0.2);
  }
  BOOST_TEST(continuous_limit("gd:lr=0.05|constant").optimizer == "gd:lr=0.05|constant");
}

BOOST_AUTO_TEST_CASE(momentum_maps_to_heavy_ball) {
  const double eta = 0.02, mu = 0.9;
  for (const char* spec : {"momentum:lr=0.02,mu=0.9", "sgd:lr=0.02,momentum=0.9"}) {
    const ContinuousLimit c = continuous_limit(spec);
    BOOST_TEST(Spec::parse(c.flow, "flow").name() == "heavy_ball");
    BOOST_TEST(key(c.flow, "mass") == eta * (1 + mu) / 2);
    BOOST_TEST(key(c.flow, "friction") == 1 - mu);
    BOOST_TEST(key(c.flow, "v0") == 1 / (1 + mu));
    BOOST_TEST(c.time_per_step == eta);
    BOOST_TEST(c.modified_flow.empty());
  }
  const ContinuousLimit ema = continuous_limit("momentum:lr=0.02,mu=0.9,convention=ema");
  BOOST_TEST(key(ema.flow, "mass") == eta * (1 + mu) / (2 * (1 - mu)));
  BOOST_TEST(key(ema.flow, "friction") == 1.0);
  BOOST_TEST(std::abs(key(ema.flow, "v0") - (1 - mu) / (1 + mu)) < 1e-16);
  BOOST_TEST(ema.time_per_step == eta);
}

BOOST_AUTO_TEST_CASE(nesterov_maps_to_shi_et_al_and_to_su_boyd_candes) {
  const double s = 0.04, alpha = 0.8, root = (1 - alpha) / (1 + alpha);
  const ContinuousLimit c = continuous_limit("nesterov:lr=0.04,mu=0.8");
  BOOST_TEST(Spec::parse(c.flow, "flow").name() == "nag_sc_high_res");
  BOOST_TEST(key(c.flow, "s") == s);
  BOOST_TEST(std::abs(key(c.flow, "mu") - root * root / s) < 1e-15);
  BOOST_TEST(key(c.flow, "t0") == std::sqrt(s));
  BOOST_TEST(c.time_per_step == std::sqrt(s));
  const ContinuousLimit torch = continuous_limit("sgd:lr=0.04,momentum=0.8,nesterov=true");
  BOOST_TEST(key(torch.flow, "t0") == 0.0);
  const ContinuousLimit sbc = continuous_limit("nesterov:lr=0.04,schedule=sbc,r=4");
  BOOST_TEST(Spec::parse(sbc.flow, "flow").name() == "nesterov_ode");
  BOOST_TEST(key(sbc.flow, "r") == 4.0);
  BOOST_TEST(key(sbc.flow, "t0") < sbc.time_per_step);
  BOOST_TEST(sbc.time_per_step == std::sqrt(s));
}

BOOST_AUTO_TEST_CASE(adaptive_methods_map_to_barakat_bianchi) {
  const ContinuousLimit adam = continuous_limit("adam:lr=0.001,beta1=0.9,beta2=0.999,eps=1e-8");
  BOOST_TEST(Spec::parse(adam.flow, "flow").name() == "adam_ode");
  BOOST_TEST(std::abs(key(adam.flow, "a") - 100) < 1e-12);
  BOOST_TEST(std::abs(key(adam.flow, "b") - 1) < 1e-12);
  BOOST_TEST(key(adam.flow, "eps") == 1e-8);
  BOOST_TEST(Spec::parse(adam.flow, "flow").boolean("bias_correction"));
  BOOST_TEST(key(adam.flow, "t0") <= 1e-2 * 0.001);
  BOOST_TEST(adam.time_per_step == 0.001);
  const ContinuousLimit seed = continuous_limit("rmsprop:lr=0.01,alpha=0.9");
  BOOST_TEST(Spec::parse(seed.flow, "flow").name() == "rmsprop_ode");
  BOOST_TEST(std::abs(key(seed.flow, "b") - 10) < 1e-12);
  BOOST_TEST(Spec::parse(seed.flow, "flow").boolean("eps_in_root"));
  BOOST_TEST(!Spec::parse(continuous_limit("rmsprop:convention=torch").flow, "flow").boolean("eps_in_root"));
}

BOOST_AUTO_TEST_CASE(refusals_name_what_has_no_limit) {
  auto message = [](const char* spec) -> std::string {
    try {
      continuous_limit(spec);
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  };
  BOOST_TEST(message("gd:lr=0.1|cosine:t_max=10").find("'cosine'") != std::string::npos);
  BOOST_TEST(message("gd|clip_norm:max=1").find("'clip_norm'") != std::string::npos);
  for (const char* name : {"adagrad", "adadelta", "adamax", "nadam", "amsgrad", "delta_bar_delta", "sign", "normalized_gd"})
    BOOST_TEST(message(name).find(std::string("'") + name + "'") != std::string::npos, name);
  for (const char* spec : {"momentum:convention=bias_corrected", "adam:convention=efficient",
                           "sgd:momentum=0.9,dampening=0.1", "rmsprop:centered=true", "rmsprop:momentum=0.5"})
    BOOST_TEST(message(spec).find("no limit implemented") != std::string::npos, spec << ": " << message(spec));
  BOOST_CHECK_THROW(continuous_limit("nonsense"), InputError);
  BOOST_CHECK_THROW(continuous_limit("gd:lr=-1"), InputError);
  BOOST_CHECK_THROW(continuous_limit("gd|constant:x=1"), InputError);
}

BOOST_AUTO_TEST_CASE(newton_and_saddle_free_newton_are_euler_steps_of_their_flows) {
  // θ_{k+1} = θ_k − η(∇²f + εI)⁻¹∇f and θ_{k+1} = θ_k − η(|∇²f| + λI)⁻¹∇f are Euler steps of
  // the Newton and saddle-free flows with h = η: the maps (dense solves) and euler:h=η on the
  // flows (MINRES / dense eigendecomposition) agree to the solvers' accuracy. On the saddle
  // x² − y² + ... the indefinite case is covered (damped Newton with ε below |λmin| too).
  ObjectivePtr rosen = make_objective("rosenbrock:dim=3,a=1");
  ObjectivePtr saddle = make_objective("quadratic:eigs=2/-0.5/1,rotate=true,seed=3");
  const Vec theta_r = (Vec(3) << 0.8, 0.7, 0.4).finished();
  const Vec theta_s = (Vec(3) << 0.3, -0.2, 0.5).finished();
  struct Case {
    const Objective* f;
    const Vec* theta0;
    std::string optimizer, flow;
  };
  const std::vector<Case> cases = {
      {rosen.get(), &theta_r, "newton:lr=0.2,solver=dense", "newton:damping=0"},
      {saddle.get(), &theta_s, "newton:lr=0.2,solver=dense", "newton:damping=0"},
      {rosen.get(), &theta_r, "damped_newton:lr=0.2,damping=0.3,solver=dense", "newton:damping=0.3"},
      {saddle.get(), &theta_s, "damped_newton:lr=0.2,damping=0.3,solver=dense", "newton:damping=0.3"},
      {saddle.get(), &theta_s, "saddle_free_newton:lr=0.2,damping=0.1,damping_search=false", "saddle_free:damping=0.1"},
      {rosen.get(), &theta_r, "saddle_free_newton:lr=0.2,damping=0.1,damping_search=false", "saddle_free:damping=0.1"},
  };
  for (const Case& c : cases) {
    const ContinuousLimit limit = continuous_limit(c.optimizer);
    BOOST_TEST(limit.flow.rfind(c.flow, 0) == 0, c.optimizer << " -> " << limit.flow);
    BOOST_TEST(limit.time_per_step == 0.2);
    BOOST_TEST(limit.modified_flow.empty());
    const std::vector<Vec> xs = iterates(c.optimizer, *c.f, *c.theta0, 10);
    std::vector<double> ts;
    for (int k = 1; k <= 10; ++k) ts.push_back(limit.time_at_step(k));
    const std::vector<Vec> euler = flow_path(limit.flow, *c.f, *c.theta0, ts, "euler:h=0.2");
    for (int k = 1; k <= 10; ++k)
      BOOST_TEST((xs[k] - euler[k - 1]).norm() <= 1e-8 * (1 + xs[k].norm()), c.optimizer << " step " << k);
  }
  auto refused = [](const char* spec) {
    try {
      continuous_limit(spec);
    } catch (const InputError& e) {
      return std::string(e.what()).find("no limit") != std::string::npos ||
             std::string(e.what()).find("fixed damping") != std::string::npos;
    }
    return false;
  };
  BOOST_TEST(refused("newton:line_search=backtracking"));
  BOOST_TEST(refused("saddle_free_newton:mode=krylov,damping_search=false"));
  BOOST_TEST(refused("saddle_free_newton"));  // damping_search=true by default
  BOOST_TEST(refused("saddle_free_newton:damping_search=false,refresh=3"));
}

BOOST_AUTO_TEST_CASE(stochastic_limit_of_minibatch_sgd) {
  const ContinuousLimit c = stochastic_limit("sgd:lr=0.1", 8);
  BOOST_TEST(c.flow == "sgd_sde:lr=0.1,batch=8,order=1,noise=per_sample,sigma=1,sampling=replacement");
  BOOST_TEST(c.modified_flow == "sgd_sde:lr=0.1,batch=8,order=2,noise=per_sample,sigma=1,sampling=replacement");
  BOOST_TEST(c.time_per_step == 0.1);
  BOOST_TEST(stochastic_limit("gd:lr=0.1", 8, Sampling::shuffle).flow.find("sampling=without") != std::string::npos);
  BOOST_CHECK_THROW(stochastic_limit("gd", 8, Sampling::cyclic), InputError);
  BOOST_CHECK_THROW(stochastic_limit("gd", 0), InputError);
  BOOST_CHECK_THROW(stochastic_limit("momentum", 8), InputError);
  BOOST_CHECK_THROW(stochastic_limit("gd|warmup", 8), InputError);
}

// f = λx²/2: GD is x_k = (1 − hλ)^k x₀ = e^{−ρ t_k}x₀ exactly, ρ = −ln(1 − hλ)/h = λ(1 + hλ/2 +
// (hλ)²/3 + …). The modified flow's field is −λ(1 + hλ/2)x (read from the flow), so its rate
// misses ρ by λ(hλ)²/3 + O(h³): O(h²); gradient flow's rate λ misses it by O(h).
BOOST_AUTO_TEST_CASE(modified_flow_rate_on_a_one_dimensional_quadratic) {
  const double lambda = 2.0;
  ObjectivePtr f = make_objective("quadratic:eigs=2,rotate=false");
  std::vector<double> hs, modified_gaps, gradient_gaps;
  for (double h : {0.04, 0.02, 0.01, 0.005}) {
    const ContinuousLimit c = continuous_limit("gd:lr=" + format_number(h));
    FlowPtr flow = make_flow(c.modified_flow, *f);
    Vec dx;
    flow->derivative(Vec::Ones(1), dx, 0);
    const double rate = -dx[0], rho = -std::log1p(-h * lambda) / h;
    BOOST_TEST(std::abs(rate - lambda * (1 + h * lambda / 2)) < 1e-12);
    hs.push_back(h);
    modified_gaps.push_back(std::abs(rho - rate));
    gradient_gaps.push_back(std::abs(rho - lambda));
    BOOST_TEST(std::abs(rho - rate) / (lambda * h * h * lambda * lambda / 3) - 1 < 0.1, "h " << h);
  }
  BOOST_TEST(std::abs(loglog_slope(hs, modified_gaps) - 2) < 0.1);
  BOOST_TEST(std::abs(loglog_slope(hs, gradient_gaps) - 1) < 0.1);
}

// On Rosenbrock (nonlinear), GD at T = 1 against gradient flow (gap O(η)) and the modified
// flow (gap O(η²)), both by dopri5 at rtol 1e-12.
BOOST_AUTO_TEST_CASE(gd_follows_gradient_flow_to_first_and_modified_flow_to_second_order) {
  ObjectivePtr f = make_objective("rosenbrock:dim=3,a=5");
  const Vec theta0 = Vec::LinSpaced(3, -0.6, 0.4);
  const double T = 1.0;
  std::vector<double> etas, gf_gaps, mod_gaps;
  for (int n : {100, 200, 400, 800}) {
    const double eta = T / n;
    const ContinuousLimit c = continuous_limit("gd:lr=" + format_number(eta));
    const Vec theta = iterates(c.optimizer, *f, theta0, n).back();
    etas.push_back(eta);
    gf_gaps.push_back((theta - flow_path(c.flow, *f, theta0, {T}).back()).norm());
    mod_gaps.push_back((theta - flow_path(c.modified_flow, *f, theta0, {T}).back()).norm());
  }
  const double s1 = loglog_slope(etas, gf_gaps), s2 = loglog_slope(etas, mod_gaps);
  std::cout << "GD vs gradient flow slope " << s1 << ", vs modified flow slope " << s2 << " (gaps at η = 1/800: "
            << gf_gaps.back() << ", " << mod_gaps.back() << ")\n";
  BOOST_TEST(std::abs(s1 - 1) < 0.15);
  BOOST_TEST(std::abs(s2 - 2) < 0.15);
}

// Classic momentum against the heavy-ball ODE of its map (m = η(1+μ)/2, γ = 1−μ,
// Ẋ(0) = −∇f/(1+μ)) and against the rescaled gradient flow (1−μ)Ẋ = −∇f: at T = 1 the gap
// to the heavy-ball ODE is O(η²), to the rescaled gradient flow O(η). Rosenbrock, dopri5.
BOOST_AUTO_TEST_CASE(momentum_follows_heavy_ball_to_second_order) {
  ObjectivePtr f = make_objective("rosenbrock:dim=3,a=5");
  const Vec theta0 = Vec::LinSpaced(3, -0.6, 0.4);
  const double T = 1.0, mu = 0.5;
  std::vector<double> etas, hb_gaps, gf_gaps;
  for (int n : {400, 800, 1600, 3200}) {
    const double eta = T / n;
    const ContinuousLimit c = continuous_limit("momentum:lr=" + format_number(eta) + ",mu=0.5");
    const Vec theta = iterates(c.optimizer, *f, theta0, n).back();
    etas.push_back(eta);
    hb_gaps.push_back((theta - flow_path(c.flow, *f, theta0, {T}).back()).norm());
    gf_gaps.push_back((theta - flow_path("gradient", *f, theta0, {T / (1 - mu)}).back()).norm());
  }
  const double s_hb = loglog_slope(etas, hb_gaps), s_gf = loglog_slope(etas, gf_gaps);
  std::cout << "momentum (μ = 0.5) vs heavy-ball ODE slope " << s_hb << ", vs rescaled gradient flow slope " << s_gf
            << " (gaps at η = 1/3200: " << hb_gaps.back() << ", " << gf_gaps.back() << ")\n";
  BOOST_TEST(std::abs(s_hb - 2) < 0.2);
  BOOST_TEST(std::abs(s_gf - 1) < 0.2);
  BOOST_TEST(hb_gaps.back() < gf_gaps.back() / 10);
}

// Sutskever's Nesterov with μ_sc fixed (α = (1−√(μs))/(1+√(μs))) against Shi et al.'s NAG-SC
// ODE at T = 2 on Rosenbrock. The map (continuous_limit.cpp) starts the ODE at t₀ = √s for
// Sutskever's θ_k = y_k and at 0 for torch's look-ahead iterate x_k, with the matched initial
// velocity: the gap shrinks like s (slope > 0.6 over s = 1/400 … 1/25600, tending to 1),
// each alignment beats the other one, and the paper's initial velocity leaves a gap ≥ 5×
// larger (O(√s)).
BOOST_AUTO_TEST_CASE(nesterov_follows_the_high_resolution_ode) {
  ObjectivePtr f = make_objective("rosenbrock:dim=3,a=5");
  const Vec theta0 = Vec::LinSpaced(3, -0.6, 0.4);
  const double T = 2.0, mu_sc = 0.5;
  std::vector<double> ss, gaps, torch_gaps;
  double paper_gap = 0;
  for (int n : {40, 80, 160, 320}) {
    const double s = (T / n) * (T / n), root = std::sqrt(mu_sc * s), alpha = (1 - root) / (1 + root);
    const std::string sutskever = "nesterov:lr=" + format_number(s) + ",mu=" + format_number(alpha);
    const std::string torch = "sgd:lr=" + format_number(s) + ",momentum=" + format_number(alpha) + ",nesterov=true";
    const ContinuousLimit c = continuous_limit(sutskever), ct = continuous_limit(torch);
    BOOST_TEST(std::abs(key(c.flow, "mu") - mu_sc) < 1e-9);
    const double t = c.time_at_step(n);
    BOOST_TEST(std::abs(ct.time_at_step(n) - t) < 1e-15);
    const Vec theta = iterates(sutskever, *f, theta0, n).back(), x = iterates(torch, *f, theta0, n).back();
    const Vec X_shifted = flow_path(c.flow, *f, theta0, {t}).back(), X = flow_path(ct.flow, *f, theta0, {t}).back();
    gaps.push_back((theta - X_shifted).norm());
    torch_gaps.push_back((x - X).norm());
    BOOST_TEST(gaps.back() < (theta - X).norm(), "s " << s);
    BOOST_TEST(torch_gaps.back() < (x - X_shifted).norm(), "s " << s);
    Spec paper = Spec::parse(c.flow, "flow");
    paper.set("start", "paper");
    paper_gap = (theta - flow_path(paper.canonical(), *f, theta0, {t}).back()).norm();
    ss.push_back(s);
  }
  std::cout << "Nesterov vs NAG-SC ODE at T = 2, s = 1/400 … 1/25600: Sutskever gaps " << gaps[0] << " … " << gaps[3]
            << " (slope in s " << loglog_slope(ss, gaps) << "), torch gaps " << torch_gaps[0] << " … " << torch_gaps[3]
            << " (slope " << loglog_slope(ss, torch_gaps) << "), paper start at the smallest s " << paper_gap << "\n";
  BOOST_TEST(loglog_slope(ss, gaps) > 0.6);
  BOOST_TEST(loglog_slope(ss, torch_gaps) > 0.6);
  BOOST_TEST(gaps.back() < paper_gap / 5);
}

// SBC: along the Nesterov ODE, f(X(t)) − f* ≤ 2‖x₀ − x*‖²/t² (SBC 2014, Theorem 3), on an
// ill-conditioned quadratic; the path equals the Bessel closed form per eigendirection; and
// NAG with the SBC schedule approaches X(k√s) as s → 0.
BOOST_AUTO_TEST_CASE(nesterov_ode_rate_bound_and_sbc_iterates) {
  ObjectivePtr f = make_objective("quadratic:dim=4,kappa=100,lmax=1,rotate=false,shift=1,seed=3");
  const auto& q = dynamic_cast<const Quadratic&>(*f);
  const Vec star = q.minimizer(), theta0 = Vec::LinSpaced(4, 1.0, -2.0);
  const double r0 = (theta0 - star).squaredNorm();
  std::vector<double> times;
  for (int i = 1; i <= 60; ++i) times.push_back(0.5 * i);
  const std::vector<Vec> path = flow_path("nesterov_ode:r=3,t0=1e-3", *f, theta0, times);
  for (std::size_t i = 0; i < times.size(); ++i) {
    const double t = times[i];
    BOOST_TEST(f->value(path[i]) <= 2 * r0 / (t * t), "t " << t);
    for (Index j = 0; j < 4; ++j) {  // X_j = x*_j + (x₀ − x*)_j·2J₁(ω t)/(ω t), ω = √λ_j
      const double w = std::sqrt(q.eigenvalues()[j]) * t;
      const double exact = star[j] + (theta0[j] - star[j]) * 2 * std::cyl_bessel_j(1.0, w) / w;
      BOOST_TEST(std::abs(path[i][j] - exact) < 1e-8, "t " << t << " j " << j);
    }
  }
  std::vector<double> gaps, ss;
  const double T = 6.0;
  for (int n : {30, 60, 120, 240}) {
    const double s = (T / n) * (T / n);
    ss.push_back(s);
    const std::string opt = "nesterov:lr=" + format_number(s) + ",schedule=sbc";
    const ContinuousLimit c = continuous_limit(opt);
    const std::vector<Vec> xs = iterates(opt, *f, theta0, n);
    std::vector<double> ts;
    for (int k = 1; k <= n; ++k) ts.push_back(c.time_at_step(k));
    const std::vector<Vec> flow = flow_path(c.flow, *f, theta0, ts);
    double gap = 0;
    for (int k = 1; k <= n; ++k) gap = std::max(gap, (xs[k] - flow[k - 1]).norm());
    gaps.push_back(gap);
  }
  std::cout << "NAG-SBC vs Nesterov ODE, max gap over [0, 6] for s = (6/30)², …, (6/240)²: " << gaps[0] << " " << gaps[1]
            << " " << gaps[2] << " " << gaps[3] << "\n";
  for (std::size_t i = 1; i < gaps.size(); ++i) BOOST_TEST(gaps[i] < gaps[i - 1]);
  // The gap is O(√s) (one time step √s of the clock t = k√s): slope ½ in s. A clock shifted
  // by one step or a wrong time map would leave an O(1) gap or a different slope.
  BOOST_TEST(std::abs(loglog_slope(ss, gaps) - 0.5) < 0.1);
}

// Adam and RMSprop with a = (1−β₁)/lr and b = (1−β₂)/lr held fixed (β → 1 as lr → 0, Barakat &
// Bianchi's regime). Adam (bias-corrected): the gap to its ODE at T = 1 shrinks like lr
// (slope ≈ 1). RMSprop from v₀ = 0 only like √lr (slope ≈ 1/2): its first step moves
// √(lr/b)·sign(g) (v₁ = b·lr·g²) while the ODE, with ẋ ≈ −g/√(bτg²) near 0, moves 2√(lr/b) over
// [0, lr]; that O(√lr) offset persists.
BOOST_AUTO_TEST_CASE(adaptive_methods_follow_their_odes) {
  ObjectivePtr f = make_objective("rosenbrock:dim=2,a=5");
  const Vec theta0 = Vec::LinSpaced(2, -0.6, 0.4);
  const double T = 1.0, a = 10, b = 2;
  for (bool adam : {true, false}) {
    std::vector<double> lrs, gaps;
    for (int n : {100, 200, 400}) {
      const double lr = T / n;
      const std::string opt = adam ? "adam:lr=" + format_number(lr) + ",beta1=" + format_number(1 - a * lr) +
                                         ",beta2=" + format_number(1 - b * lr) + ",eps=1e-8"
                                   : "rmsprop:lr=" + format_number(lr) + ",alpha=" + format_number(1 - b * lr) +
                                         ",eps=1e-8,convention=torch";
      const ContinuousLimit c = continuous_limit(opt);
      const Vec theta = iterates(opt, *f, theta0, n).back();
      lrs.push_back(lr);
      gaps.push_back((theta - flow_path(c.flow, *f, theta0, {c.time_at_step(n)}, "dopri5:rtol=1e-10,atol=1e-12").back()).norm());
    }
    const double s = loglog_slope(lrs, gaps);
    std::cout << (adam ? "Adam" : "RMSprop") << " vs ODE at T = 1: gaps " << gaps[0] << " " << gaps[1] << " " << gaps[2]
              << ", slope " << s << "\n";
    BOOST_TEST(std::abs(s - (adam ? 1.0 : 0.5)) < 0.15, (adam ? "adam" : "rmsprop"));
  }
}

// Minibatch SGD (batch 1, with replacement) and its SDE limit dX = −∇f dt + (ηΣ/B)^{1/2} dW
// (Li, Tai & E) have the same stationary covariance near θ*: in A's eigenbasis the Lyapunov
// equation AX + XA = ηΣ gives X_ij = ηΣ_ij/(λ_i + λ_j) (Σ = covariance of per-sample gradients
// at θ*, computed here from single-sample gradients; the discrete map's correction is
// O(ηλ) ≈ 1%). Both long-run sample covariances (seeded, decorrelation time ~1/(ηλ_min)
// steps) must match it within 15% on the diagonal: a noise scale off by √2 fails.
BOOST_AUTO_TEST_CASE(sgd_and_its_sde_share_the_stationary_covariance) {
  ObjectivePtr f = make_objective("least_squares:n=40,dim=2,kappa=4,noise=0.5,seed=3");
  const Vec star = dynamic_cast<const LeastSquares&>(*f).solution();
  const Mat A = f->hessian(star);
  Mat sigma = Mat::Zero(2, 2);
  for (Index i = 0; i < 40; ++i) {
    Vec g;
    const Index batch[] = {i};
    f->batch_value_and_gradient(star, batch, g);
    sigma += g * g.transpose() / 40.0;  // ḡ = ∇f(θ*) = 0
  }
  const double eta = 0.02;
  Eigen::SelfAdjointEigenSolver<Mat> eig(A);
  const Mat Q = eig.eigenvectors();
  const Mat s = Q.transpose() * sigma * Q;
  Mat x(2, 2);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 2; ++j) x(i, j) = eta * s(i, j) / (eig.eigenvalues()[i] + eig.eigenvalues()[j]);
  const Mat lyapunov = Q * x * Q.transpose();

  const long burn_in = 5000, samples = 120000;
  auto covariance_of = [&](const std::vector<Vec>& path) {
    Mat c = Mat::Zero(2, 2);
    for (std::size_t k = burn_in; k < path.size(); ++k) c += (path[k] - star) * (path[k] - star).transpose();
    return Mat(c / static_cast<double>(path.size() - burn_in));
  };
  // SGD.
  std::vector<Vec> sgd_path;
  {
    OptimizerPtr opt = make_optimizer("sgd:lr=0.02");
    opt->reset(2);
    ObjectiveOracle oracle(*f, 1, Sampling::replacement, 11);
    Vec theta = star;
    for (long k = 0; k < burn_in + samples; ++k) {
      opt->step(theta, oracle);
      sgd_path.push_back(theta);
    }
  }
  // Its SDE, Euler–Maruyama with h = η (one SGD step per unit of the SDE's clock η).
  const ContinuousLimit c = stochastic_limit("sgd:lr=0.02", 1);
  FlowPtr flow = make_flow(c.flow, *f);
  IntegratorPtr em = make_integrator("euler_maruyama:h=0.02,seed=5");
  std::vector<double> times;
  for (long k = 1; k <= burn_in + samples; ++k) times.push_back(c.time_at_step(static_cast<double>(k)));
  std::vector<Vec> sde_path;
  Vec z = flow->initial_state(star);
  const IntegrationResult r = em->integrate(*flow, z, 0.0, times, [&](double, const Vec& state) {
    sde_path.push_back(state.head(2));
    return true;
  });
  BOOST_REQUIRE(r.status == IntegrationStatus::ok);
  const Mat sgd_cov = covariance_of(sgd_path), sde_cov = covariance_of(sde_path);
  std::cout << "stationary variances: Lyapunov " << lyapunov(0, 0) << " " << lyapunov(1, 1) << ", SGD " << sgd_cov(0, 0)
            << " " << sgd_cov(1, 1) << ", SDE " << sde_cov(0, 0) << " " << sde_cov(1, 1) << "\n";
  for (int i = 0; i < 2; ++i) {
    BOOST_TEST(std::abs(sgd_cov(i, i) / lyapunov(i, i) - 1) < 0.15, "SGD " << i);
    BOOST_TEST(std::abs(sde_cov(i, i) / lyapunov(i, i) - 1) < 0.15, "SDE " << i);
  }
}

// The limit is typed: the flow's parameters are computed from the optimizer's (no number is
// printed into a spec and parsed again). They equal the closed forms, the recorded spec parses
// back to exactly them (what the string path gave), and the typed flow integrates bit for bit
// like the flow made from the recorded spec.
BOOST_AUTO_TEST_CASE(typed_flow_parameters_of_the_limits) {
  {
    const double eta = 0.01, mu = 0.9;
    const ContinuousLimit c = continuous_limit("momentum:lr=0.01,mu=0.9");
    const auto& hb = std::get<HeavyBallFlowParams>(c.flow_params);
    BOOST_TEST(hb.mass == eta * (1 + mu) / 2);
    BOOST_TEST(hb.friction == 1 - mu);
    BOOST_TEST(hb.v0 == 1 / (1 + mu));
    BOOST_TEST(!c.modified_flow_params.has_value());
    BOOST_TEST(c.flow == HeavyBallFlowParams::table().to_spec(hb));
  }
  {
    const auto p = std::get<HeavyBallFlowParams>(continuous_limit("momentum:lr=0.02,mu=0.9,convention=ema").flow_params);
    BOOST_TEST(p.mass == 0.02 * 1.9 / (2 * (1 - 0.9)));
    BOOST_TEST(p.friction == 1.0);
    BOOST_TEST(p.v0 == (1 - 0.9) / 1.9);
  }
  {
    const double s = 0.04, alpha = 0.8, root = (1 - alpha) / (1 + alpha);
    const auto p = std::get<NagScHighResFlowParams>(continuous_limit("nesterov:lr=0.04,mu=0.8").flow_params);
    BOOST_TEST(p.s == s);
    BOOST_TEST(p.mu == root * root / s);
    BOOST_TEST(p.t0 == std::sqrt(s));
    BOOST_TEST((p.start == HighResolutionStart::matched));
    BOOST_TEST(std::get<NagScHighResFlowParams>(continuous_limit("sgd:lr=0.04,momentum=0.8,nesterov=true").flow_params).t0 ==
               0.0);
    const auto sbc = std::get<NesterovOdeFlowParams>(continuous_limit("nesterov:lr=0.04,schedule=sbc,r=4").flow_params);
    BOOST_TEST(sbc.r == 4.0);
    BOOST_TEST(sbc.t0 == 1e-2 * std::sqrt(s));
  }
  {
    const double lr = 0.001;
    const auto p = std::get<AdamOdeFlowParams>(continuous_limit("adam:lr=0.001,beta1=0.9,beta2=0.999,eps=1e-8").flow_params);
    const double a = (1 - 0.9) / lr, b = (1 - 0.999) / lr;
    BOOST_TEST(p.a == a);
    BOOST_TEST(p.b == b);
    BOOST_TEST(p.eps == 1e-8);
    BOOST_TEST(p.bias_correction);
    BOOST_TEST((p.second_moment == SecondMoment::full_batch));
    BOOST_TEST(*p.t0 == std::min(1e-6 * std::min(1 / a, 1 / b), 1e-2 * lr));
    const auto r = std::get<RmspropOdeFlowParams>(continuous_limit("rmsprop:lr=0.01,alpha=0.9").flow_params);
    BOOST_TEST(r.b == (1 - 0.9) / 0.01);
    BOOST_TEST(r.eps_in_root);
    BOOST_TEST(*r.t0 == std::min(1e-6 / r.b, 1e-2 * 0.01));
  }
  {
    const ContinuousLimit g = continuous_limit("gd:lr=0.05");
    BOOST_TEST(std::holds_alternative<GradientFlowParams>(g.flow_params));
    BOOST_TEST(std::get<ModifiedGdFlowParams>(*g.modified_flow_params).h == 0.05);
    BOOST_TEST(std::get<NewtonFlowParams>(continuous_limit("damped_newton:lr=0.2,damping=0.3").flow_params).damping == 0.3);
    BOOST_TEST(std::get<NewtonFlowParams>(continuous_limit("newton:lr=0.2").flow_params).damping == 0.0);
    BOOST_TEST(std::get<SaddleFreeFlowParams>(
                   continuous_limit("saddle_free_newton:lr=0.2,damping=0.1,damping_search=false").flow_params)
                   .damping == 0.1);
    const auto ng = std::get<NaturalGradientFlowParams>(
        continuous_limit("natural_gradient:lr=0.1,fisher=empirical,damping=0.01,tol=1e-13").flow_params);
    BOOST_TEST((ng.fisher == NaturalGradientFlowParams::Fisher::empirical));
    BOOST_TEST(ng.damping == 0.01);
    BOOST_TEST(ng.tol == 1e-13);
    const ContinuousLimit sde = stochastic_limit("sgd:lr=0.1", 8, Sampling::shuffle);
    const auto& o1 = std::get<SgdSdeFlowParams>(sde.flow_params);
    const auto& o2 = std::get<SgdSdeFlowParams>(*sde.modified_flow_params);
    BOOST_TEST(o1.lr == 0.1);
    BOOST_TEST(o1.batch == 8);
    BOOST_TEST((o1.order == SgdSdeFlowParams::Order::first && o2.order == SgdSdeFlowParams::Order::second));
    BOOST_TEST((o1.sampling == SgdSdeFlowParams::Sampling::without));
  }
  // Every limit: the recorded spec is the typed parameters, exactly.
  for (const char* spec :
       {"gd:lr=0.013", "sgd:lr=0.02,momentum=0.7", "momentum:lr=0.003,mu=0.95", "momentum:lr=0.02,mu=0.3,convention=ema",
        "nesterov:lr=0.03,mu=0.85", "sgd:lr=0.03,momentum=0.85,nesterov=true", "nesterov:lr=0.07,schedule=sbc,r=5",
        "rmsprop:lr=0.003,alpha=0.97,convention=torch", "adam:lr=0.0007,beta1=0.85,beta2=0.995,eps=3e-9",
        "natural_gradient:lr=0.3", "newton:lr=0.7", "damped_newton:lr=0.1,damping=0.07",
        "saddle_free_newton:lr=0.3,damping=0.2,damping_search=false"}) {
    const ContinuousLimit c = continuous_limit(spec);
    BOOST_TEST((parse_flow(c.flow) == c.flow_params), spec << " -> " << c.flow);
    BOOST_TEST(flow_spec(c.flow_params) == c.flow);
    if (c.modified_flow_params) BOOST_TEST((parse_flow(c.modified_flow) == *c.modified_flow_params), spec);
  }
  // The typed flow integrates like the flow made from the recorded spec, bit for bit.
  ObjectivePtr f = make_objective("rosenbrock:a=10");
  const Vec theta0 = (Vec(2) << -1.0, 1.5).finished();
  for (const char* spec : {"momentum:lr=0.002,mu=0.5", "nesterov:lr=0.001,mu=0.9", "adam:lr=0.01"}) {
    const ContinuousLimit c = continuous_limit(spec);
    FlowPtr typed = c.make_flow(*f), parsed = make_flow(c.flow, *f);
    BOOST_TEST(typed->spec() == parsed->spec());
    const std::vector<double> times{typed->start_time() + 0.05, typed->start_time() + 0.1};
    const std::vector<Vec> a = flow_path(c.flow, *f, theta0, times);
    std::vector<Vec> b;
    IntegratorPtr integ = make_integrator(kReference);
    Vec z = typed->initial_state(theta0);
    integ->integrate(*typed, z, typed->start_time(), times, [&](double, const Vec& state) {
      b.push_back(typed->parameters(state));
      return true;
    });
    BOOST_REQUIRE_EQUAL(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) BOOST_TEST(((a[i].array() == b[i].array()).all()), spec);
  }
}
