// Saxe, McClelland & Ganguli (2013) mode dynamics (analysis/saxe_modes.hpp), each checked
// against something independent: explicit sums over samples, a tight numerical integration
// of the network's gradient flow (dopri5), the library's gradient descent, quadrature
// against closed forms, and finite differences.
#define BOOST_TEST_MODULE saxe_modes
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <vector>

#include "optdyn/analysis/saxe_modes.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/flows/registry.hpp"
#include "optdyn/integrators/registry.hpp"
#include "optdyn/objectives/mlp.hpp"
#include "optdyn/objectives/registry.hpp"
#include "optdyn/optimizers/registry.hpp"

using namespace optdyn;
using namespace optdyn::analysis;

namespace {

// Saxe's hierarchical data with 2^4 = 16 items and 40 features; `hidden` lists the hidden widths.
ObjectivePtr hierarchical_net(const std::string& hidden) {
  return make_objective("deep_linear:widths=16-" + hidden + "-40,levels=4,features=40,flip=0.1,data_seed=3");
}

const Mlp& as_mlp(const ObjectivePtr& f) { return dynamic_cast<const Mlp&>(*f); }

// Small decoupled initial strengths u₀_α = 1e-3·s_α (well inside (0, s)).
Vec small_strengths(const SaxeModes& m) { return 1e-3 * m.s; }

// Gradient flow of f from θ₀ (dopri5, tight tolerances); mode strengths at the record times.
std::vector<Vec> flow_strengths(const Mlp& f, const SaxeModes& m, const Vec& theta0, const std::vector<double>& times) {
  FlowPtr flow = make_flow("gradient", f);
  IntegratorPtr integrator = make_integrator("dopri5:rtol=1e-12,atol=1e-14");
  Vec z = flow->initial_state(theta0);
  std::vector<Vec> out;
  const auto r = integrator->integrate(*flow, z, 0.0, times, [&](double, const Vec& state) {
    out.push_back(mode_strengths(m, f.layout(), flow->parameters(state)));
    return true;
  });
  BOOST_REQUIRE(r.status == IntegrationStatus::ok);
  return out;
}

}  // namespace

// One library GD step with step η on the MEAN loss is Saxe's update with λ = η/P on the SUM:
// ΔW²¹ = λW³²ᵀ(Σ³¹ − W³²W²¹Σ¹¹), ΔW³² = λ(Σ³¹ − W³²W²¹Σ¹¹)W²¹ᵀ, Σ's formed here by explicit
// loops over the samples (independent of correlations.hpp and of back-propagation).
BOOST_AUTO_TEST_CASE(gd_step_is_saxe_update_with_lambda_eta_over_p) {
  ObjectivePtr f = hierarchical_net("5");
  const Mlp& mlp = as_mlp(f);
  const Dataset& data = mlp.data();
  const Index P = data.size();
  Mat s11 = Mat::Zero(16, 16), s31 = Mat::Zero(40, 16);
  for (Index i = 0; i < P; ++i) {
    s11 += data.inputs.col(i) * data.inputs.col(i).transpose();
    s31 += data.targets.col(i) * data.inputs.col(i).transpose();
  }
  Rng rng(7);
  Vec theta = 0.3 * rng.normal_vector(f->dim());
  const Mat w21 = mlp.layout().weight(theta, 0), w32 = mlp.layout().weight(theta, 1);
  const double eta = 0.05, lambda = saxe_lambda(eta, P);
  BOOST_TEST(lambda == eta / 16.0);
  BOOST_TEST(saxe_tau_iterations(eta, P) == 16.0 / eta);
  BOOST_TEST(saxe_tau_flow(P) == 16.0);
  const Mat e = s31 - w32 * w21 * s11;
  const Mat w21_next = w21 + lambda * w32.transpose() * e;
  const Mat w32_next = w32 + lambda * e * w21.transpose();

  OptimizerPtr gd = make_optimizer("gd:lr=0.05");
  gd->reset(f->dim());
  ObjectiveOracle oracle(*f);
  gd->step(theta, oracle);
  BOOST_TEST((mlp.layout().weight(theta, 0) - w21_next).norm() / w21_next.norm() < 1e-13);
  BOOST_TEST((mlp.layout().weight(theta, 1) - w32_next).norm() / w32_next.norm() < 1e-13);

  const SaxeModes m = saxe_modes(data);
  BOOST_TEST(m.whitening_error() == 0.0);  // one-hot items: Σ¹¹ = I exactly
  BOOST_TEST((m.u * m.s.asDiagonal() * m.v.transpose() - s31).norm() < 1e-12 * s31.norm());
}

// The decoupled balanced point: W_L⋯W_1 = Σ u₀_α u_α v_αᵀ, strengths u₀, and every layer's
// singular values are u₀^{1/L} (checked by an independent SVD of each weight).
BOOST_AUTO_TEST_CASE(decoupled_initialisation) {
  ObjectivePtr f = hierarchical_net("16-16");
  const Mlp& mlp = as_mlp(f);
  const SaxeModes m = saxe_modes(mlp.data());
  const Vec u0 = small_strengths(m);
  Rng rng(11);
  const Vec theta = decoupled_initial_point(m, mlp.layout(), u0, &rng);
  const Mat expected = m.u * u0.asDiagonal() * m.v.transpose();
  BOOST_TEST((network_product(mlp.layout(), theta) - expected).norm() < 1e-14 * expected.norm() + 1e-18);
  BOOST_TEST((mode_strengths(m, mlp.layout(), theta) - u0).norm() < 1e-12 * u0.norm());
  for (Index l = 0; l < 3; ++l) {
    Vec sv = Eigen::JacobiSVD<Mat>(Mat(mlp.layout().weight(theta, l))).singularValues();
    for (Index a = 0; a < u0.size(); ++a)
      BOOST_TEST(std::abs(sv(a) - std::cbrt(u0(a))) < 1e-12, "layer " << l << " mode " << a);
  }
  BOOST_CHECK_THROW(decoupled_initial_point(m, mlp.layout(), -u0, nullptr), InputError);
}

// Gradient flow of the network (dopri5, rtol 1e-12) from the decoupled init follows
// u(t) = s e^{2st/τ}/(e^{2st/τ} − 1 + s/u₀) with τ = P in flow time, to 1e-6 relative, for every
// mode, from the plateau through the transition to convergence.
BOOST_AUTO_TEST_CASE(gradient_flow_matches_two_layer_solution) {
  ObjectivePtr f = hierarchical_net("16");
  const Mlp& mlp = as_mlp(f);
  const SaxeModes m = saxe_modes(mlp.data());
  const Vec u0 = small_strengths(m);
  const double tau = saxe_tau_flow(m.samples);
  // Up to 1.5× the weakest mode's time to reach s/2.
  const double t_end = 1.5 * two_layer_learning_time(m.s.minCoeff(), u0.minCoeff(), 0.5 * m.s.minCoeff(), tau);
  std::vector<double> times;
  for (int j = 1; j <= 40; ++j) times.push_back(t_end * j / 40.0);
  const auto sim = flow_strengths(mlp, m, decoupled_initial_point(m, mlp.layout(), u0), times);
  double worst = 0.0;
  for (std::size_t j = 0; j < times.size(); ++j)
    for (Index a = 0; a < m.s.size(); ++a) {
      const double exact = two_layer_mode(m.s(a), u0(a), times[j], tau);
      worst = std::max(worst, std::abs(sim[j](a) - exact) / exact);
    }
  BOOST_TEST_MESSAGE("gradient flow vs analytic u(t): max relative error " << worst);
  BOOST_TEST(worst < 1e-6);
  // The run covers the whole sigmoid: the strongest mode is learnt, the weakest half-way.
  BOOST_TEST(sim.back()(0) > 0.99 * m.s(0));
}

// GD with step η (Saxe's λ = η/P per iteration) matches the analytic curve in iterations,
// τ = P/η, with an O(λ) error: halving η halves the worst relative error (slope 1 ± 0.1).
BOOST_AUTO_TEST_CASE(gd_matches_analytic_to_first_order) {
  ObjectivePtr f = hierarchical_net("16");
  const Mlp& mlp = as_mlp(f);
  const SaxeModes m = saxe_modes(mlp.data());
  const Vec u0 = small_strengths(m);
  const Vec theta0 = decoupled_initial_point(m, mlp.layout(), u0);
  const double t_flow = 1.5 * two_layer_learning_time(m.s.minCoeff(), u0.minCoeff(), 0.5 * m.s.minCoeff(),
                                                     saxe_tau_flow(m.samples));
  std::vector<double> errors;
  const std::vector<double> etas = {0.04, 0.02, 0.01};
  for (double eta : etas) {
    const double tau = saxe_tau_iterations(eta, m.samples);
    OptimizerPtr gd = make_optimizer("gd:lr=" + std::to_string(eta));
    gd->reset(f->dim());
    ObjectiveOracle oracle(*f);
    Vec theta = theta0;
    double worst = 0.0;
    const auto steps = static_cast<long>(std::lround(t_flow / eta));
    for (long k = 1; k <= steps; ++k) {
      gd->step(theta, oracle);
      if (k % 10 != 0) continue;
      const Vec u = mode_strengths(m, mlp.layout(), theta);
      for (Index a = 0; a < u.size(); ++a) {
        const double exact = two_layer_mode(m.s(a), u0(a), static_cast<double>(k), tau);
        worst = std::max(worst, std::abs(u(a) - exact) / exact);
      }
    }
    errors.push_back(worst);
    BOOST_TEST_MESSAGE("GD eta = " << eta << " (lambda = " << saxe_lambda(eta, m.samples)
                                   << "): max relative error " << worst);
  }
  for (std::size_t i = 1; i < errors.size(); ++i) {
    const double slope = std::log(errors[i - 1] / errors[i]) / std::log(etas[i - 1] / etas[i]);
    BOOST_TEST(slope > 0.9);
    BOOST_TEST(slope < 1.1);
  }
  BOOST_TEST(errors.back() < 0.05);
}

// t(u₀ → u_f) from the formula against the time the simulated gradient flow takes to reach
// u_f (crossing located on a fine record grid by linear interpolation).
BOOST_AUTO_TEST_CASE(learning_time_matches_simulated_crossing) {
  ObjectivePtr f = hierarchical_net("16");
  const Mlp& mlp = as_mlp(f);
  const SaxeModes m = saxe_modes(mlp.data());
  const Vec u0 = small_strengths(m);
  const double tau = saxe_tau_flow(m.samples);
  const double t_end = 1.2 * two_layer_learning_time(m.s.minCoeff(), u0.minCoeff(), 0.9 * m.s.minCoeff(), tau);
  std::vector<double> times;
  const int n = 4000;
  for (int j = 0; j <= n; ++j) times.push_back(t_end * j / n);
  const auto sim = flow_strengths(mlp, m, decoupled_initial_point(m, mlp.layout(), u0), times);
  for (double fraction : {0.5, 0.9}) {
    double worst = 0.0;
    for (Index a = 0; a < m.s.size(); ++a) {
      const double uf = fraction * m.s(a);
      std::size_t j = 1;
      while (j < sim.size() && sim[j](a) < uf) ++j;
      BOOST_REQUIRE(j < sim.size());
      const double w = (uf - sim[j - 1](a)) / (sim[j](a) - sim[j - 1](a));
      const double crossing = times[j - 1] + w * (times[j] - times[j - 1]);
      const double formula = two_layer_learning_time(m.s(a), u0(a), uf, tau);
      worst = std::max(worst, std::abs(crossing - formula) / formula);
    }
    BOOST_TEST_MESSAGE("learning time to " << fraction << "·s: max relative error " << worst);
    BOOST_TEST(worst < 1e-4);
  }
}

// Deep nets (L = 3, 4 weight matrices) from balanced decoupled init (random orthogonal R_l):
// the simulated gradient flow follows τu̇ = L u^{2−2/L}(s − u), solved by quadrature + root
// finding (deep_mode), to 1e-6 relative.
BOOST_AUTO_TEST_CASE(deep_network_follows_deep_mode_ode) {
  for (const std::string hidden : {"16-16", "16-16-16"}) {
    ObjectivePtr f = hierarchical_net(hidden);
    const Mlp& mlp = as_mlp(f);
    const int L = static_cast<int>(mlp.layout().num_layers());
    const SaxeModes m = saxe_modes(mlp.data());
    const Vec u0 = 0.02 * m.s;
    Rng rng(5);
    const Vec theta0 = decoupled_initial_point(m, mlp.layout(), u0, &rng);
    const double tau = saxe_tau_flow(m.samples);
    const double t_end = 1.5 * deep_learning_time(m.s.minCoeff(), u0.minCoeff(), 0.5 * m.s.minCoeff(), L, tau);
    std::vector<double> times;
    for (int j = 1; j <= 20; ++j) times.push_back(t_end * j / 20.0);
    const auto sim = flow_strengths(mlp, m, theta0, times);
    double worst = 0.0;
    for (std::size_t j = 0; j < times.size(); ++j)
      for (Index a = 0; a < m.s.size(); ++a) {
        const double exact = deep_mode(m.s(a), u0(a), times[j], L, tau);
        worst = std::max(worst, std::abs(sim[j](a) - exact) / exact);
      }
    BOOST_TEST_MESSAGE("depth " << L << ": deep mode ODE vs network flow, max relative error " << worst);
    BOOST_TEST(worst < 1e-6);
  }
}

// The quadrature of the depth-L time at L = 2 reproduces the closed form; deep_mode inverts it;
// the N_l → ∞ closed form has derivative dt/du = τ/(N_l u²(s − u)) (central differences) and
// its inverse round-trips.
BOOST_AUTO_TEST_CASE(learning_time_closed_forms) {
  const double s = 3.0, tau = 7.0;
  for (double u0 : {1e-6, 1e-2, 1.0})
    for (double uf : {0.5, 1.5, 2.9}) {
      if (uf <= u0) continue;
      const double exact = two_layer_learning_time(s, u0, uf, tau);
      BOOST_TEST(std::abs(deep_learning_time(s, u0, uf, 2, tau) - exact) < 1e-12 * exact);
      BOOST_TEST(std::abs(two_layer_mode(s, u0, exact, tau) - uf) < 1e-12 * uf);
      BOOST_TEST(std::abs(deep_mode(s, u0, exact, 2, tau) - uf) < 1e-10 * uf);
      const double t5 = deep_learning_time(s, u0, uf, 5, tau);
      BOOST_TEST(std::abs(deep_mode(s, u0, t5, 5, tau) - uf) < 1e-10 * uf);
    }
  // dt/du of the deep time equals 1/u̇ from the ODE (central difference, h = 1e-5 u).
  for (int L : {3, 6, 20})
    for (double u : {0.01, 0.5, 2.5}) {
      const double h = 1e-5 * u;
      const double slope = (deep_learning_time(s, 1e-3, u + h, L, tau) - deep_learning_time(s, 1e-3, u - h, L, tau)) / (2 * h);
      BOOST_TEST(std::abs(slope * deep_mode_rate(s, u, L, tau) - 1.0) < 1e-7, "L " << L << " u " << u);
    }
  for (double nl : {10.0, 100.0})
    for (double u : {0.01, 0.5, 2.5}) {
      const double h = 1e-5 * u;
      const double slope =
          (infinite_depth_learning_time(s, 1e-3, u + h, nl, tau) - infinite_depth_learning_time(s, 1e-3, u - h, nl, tau)) /
          (2 * h);
      BOOST_TEST(std::abs(slope * nl * u * u * (s - u) / tau - 1.0) < 1e-7);
      const double t = infinite_depth_learning_time(s, 1e-3, u, nl, tau);
      BOOST_TEST(std::abs(infinite_depth_mode(s, 1e-3, t, nl, tau) - u) < 1e-10 * u);
    }
  // For large N_l the finite-depth ODE approaches the N_l → ∞ form (rates within 1/L·|ln u|).
  BOOST_TEST(std::abs(deep_mode_rate(s, 1.0, 200, tau) / (201.0 * 1.0 * (s - 1.0) / tau) - 200.0 / 201.0) < 1e-12);
  BOOST_CHECK_THROW(two_layer_learning_time(s, 1.0, 4.0, tau), std::invalid_argument);
}
