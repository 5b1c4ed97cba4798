// Saxe, McClelland & Ganguli's learning time for decoupled initial conditions at every depth
// (the saxe_depth experiment's analytic curve), against a closed form derived independently
// here: the power series of the mode integral, which uses neither the quadrature of
// analysis::deep_learning_time nor any simulation.
//
// Depth L = number of weight matrices (Saxe's N_l − 1). For a balanced decoupled mode
//   τ u̇ = L u^{2−2/L}(s − u)  (Saxe et al. eq. 14)
// the time from u₀ to u_f < s is t = (τ/L) ∫ u^{−1−p}/(s − u) du with p = 1 − 2/L, and
// 1/(s − u) = Σ_k u^k/s^{k+1} (|u| < s) integrates term by term to
//   t = (τ/L) Σ_{k≥0} [u^{k−p}/((k − p) s^{k+1})]_{u₀}^{u_f}   (k = p, only at L = 2: ln u / s).
#define BOOST_TEST_MODULE saxe_depth
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "optdyn/analysis/saxe_modes.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/flows/registry.hpp"
#include "optdyn/integrators/registry.hpp"
#include "optdyn/objectives/mlp.hpp"
#include "optdyn/objectives/registry.hpp"

using namespace optdyn;
using namespace optdyn::analysis;

namespace {

// The series above, summed until the terms fall below 1e-18 of the total (u_f/s ≤ 1/2 here).
double series_learning_time(double s, double u0, double uf, int depth, double tau) {
  const double p = 1.0 - 2.0 / depth;
  double sum = 0.0;
  for (int k = 0; k < 400; ++k) {
    const double e = k - p;  // exponent of u in the antiderivative
    // u^{k−p}/s^{k+1} = (u/s)^k u^{−p}/s: no overflow of s^{k+1}.
    const double term = e == 0.0 ? (std::log(uf) - std::log(u0)) / s
                                 : (std::pow(uf / s, k) * std::pow(uf, -p) - std::pow(u0 / s, k) * std::pow(u0, -p)) / (e * s);
    sum += term;
    if (k > 2 && std::abs(term) < 1e-18 * std::abs(sum)) break;
  }
  return tau / depth * sum;
}

// Saxe's hierarchical data with 8 one-hot items (Σ¹¹ = I) and 12 features, `depth` weight
// matrices (hidden width 4).
ObjectivePtr net(int depth) {
  std::string widths = "8";
  for (int l = 1; l < depth; ++l) widths += "-4";
  return make_objective("deep_linear:widths=" + widths + "-12,levels=3,features=12,flip=0.1,data_seed=3");
}

}  // namespace

// At L = 2 the series is Saxe's eq. 9, (τ/2s) ln[u_f(s − u₀)/(u₀(s − u_f))].
BOOST_AUTO_TEST_CASE(series_is_the_two_layer_closed_form) {
  for (double u0 : {1e-6, 1e-3, 0.3})
    BOOST_CHECK_CLOSE(series_learning_time(2.0, u0, 1.0, 2, 7.0), two_layer_learning_time(2.0, u0, 1.0, 7.0), 1e-10);
}

// The library's quadrature (deep_learning_time) at every depth 2…32 and in the N_l → ∞ limit
// (Saxe's infinite-depth form τu̇ = N_l u²(s − u), closed form in saxe_modes.hpp): at L = 4096
// the exponent 2 − 2/L differs from 2 by 5e-4.
BOOST_AUTO_TEST_CASE(quadrature_matches_series_at_every_depth) {
  for (int depth = 2; depth <= 32; ++depth)
    for (double w0 : {1e-3, 0.05, 0.3}) {
      const double s = 1.7, tau = 3.0;
      BOOST_TEST_CONTEXT("L = " << depth << ", u0/s = " << w0) {
        BOOST_CHECK_CLOSE(deep_learning_time(s, w0 * s, 0.5 * s, depth, tau),
                          series_learning_time(s, w0 * s, 0.5 * s, depth, tau), 1e-7);
      }
    }
  const double big = 4096;
  BOOST_CHECK_CLOSE(series_learning_time(1.7, 0.05, 0.85, static_cast<int>(big), 3.0),
                    infinite_depth_learning_time(1.7, 0.05, 0.85, big, 3.0), 0.5);
}

// The network itself: from Saxe's decoupled balanced init (u₀_α = 0.05 s_α, random hidden
// bases) the gradient flow of a deep linear net of each depth 2…32 brings every mode to
// s_α/2 at the series time (flow time T, τ_T = P: saxe_modes.hpp). Checked as u_α(t*_α) = s_α/2
// to 1e-6 relative, i.e. the learning time to ~1e-6 relative (u̇ is O(s/t*) there).
BOOST_AUTO_TEST_CASE(decoupled_network_learns_each_mode_at_the_series_time) {
  for (int depth : {2, 3, 4, 6, 8, 12, 16, 24, 32}) {
    ObjectivePtr f = net(depth);
    const Mlp& mlp = dynamic_cast<const Mlp&>(*f);
    const SaxeModes m = saxe_modes(mlp.data());
    BOOST_REQUIRE_LT(m.whitening_error(), 1e-14);
    Index modes = 0;  // the nonzero modes (at most 4 = the hidden width)
    while (modes < 4 && m.s(modes) > 1e-8 * m.s(0)) ++modes;
    BOOST_REQUIRE_GE(modes, 3);
    Rng rng(11 + depth);
    const Vec theta0 = decoupled_initial_point(m, mlp.layout(), 0.05 * m.s.head(modes), &rng);
    const double tau = saxe_tau_flow(m.samples);
    std::vector<double> times;
    for (Index a = 0; a < modes; ++a) times.push_back(series_learning_time(m.s(a), 0.05 * m.s(a), 0.5 * m.s(a), depth, tau));
    std::vector<double> sorted = times;
    std::sort(sorted.begin(), sorted.end());
    sorted.insert(sorted.begin(), 0.0);
    FlowPtr flow = make_flow("gradient", mlp);
    IntegratorPtr integrator = make_integrator("dopri5:rtol=1e-11,atol=1e-13");
    Vec z = flow->initial_state(theta0);
    std::vector<Vec> u;
    const auto r = integrator->integrate(*flow, z, 0.0, sorted, [&](double, const Vec& state) {
      u.push_back(mode_strengths(m, mlp.layout(), flow->parameters(state)));
      return true;
    });
    BOOST_TEST_INFO("L = " << depth << ", s = " << m.s.transpose() << ": " << r.message);
    BOOST_REQUIRE(r.status == IntegrationStatus::ok);
    for (Index a = 0; a < modes; ++a) {
      const auto at = std::find(sorted.begin(), sorted.end(), times[static_cast<std::size_t>(a)]) - sorted.begin();
      BOOST_TEST_CONTEXT("L = " << depth << ", mode " << a << ", t* = " << times[static_cast<std::size_t>(a)]) {
        BOOST_CHECK_CLOSE(u[static_cast<std::size_t>(at)](a), 0.5 * m.s(a), 1e-4);  // percent: 1e-6 relative
      }
    }
  }
}
