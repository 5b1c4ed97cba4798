// Discrete map versus flow (analysis/flow_comparison.hpp), against independent results:
//  * on a quadratic F = ½θᵀAθ, GD and its flows are known in closed form: θ_k = (I − ηA)^k θ₀,
//    the gradient flow X(t) = e^{−At}θ₀ and the modified flow of Barrett & Dherin,
//    θ̇ = −∇(F + (η/4)‖∇F‖²) = −(A + (η/2)A²)θ, X̃(t) = e^{−(A + ηA²/2)t}θ₀ — matrix functions
//    from a dense eigendecomposition of A in the test; every gap agrees to 1e-9;
//  * on Rosenbrock (nonlinear), the gap at a fixed time T between GD and the gradient flow is
//    O(η) and against the modified flow O(η²): fitted log-log slopes 1 ± 0.15 and 2 ± 0.15;
//  * flows starting at t₀ > 0 (Nesterov's NAG-SC limit starts at t₀ = √s) leave the steps
//    before t₀ uncompared (NaN), later ones are compared;
//  * the summary: max gap, its step, first step above a threshold — recomputed from the rows;
//  * divergence of the map keeps the rows up to it; bad setups are InputErrors.
#define BOOST_TEST_MODULE flow_comparison
#include <Eigen/Eigenvalues>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <vector>

#include "optdyn/analysis/flow_comparison.hpp"
#include "optdyn/core/error.hpp"
#include "optdyn/objectives/initial_point.hpp"
#include "optdyn/objectives/registry.hpp"
#include "support/fits.hpp"

using namespace optdyn;
using namespace optdyn::analysis;
using namespace optdyn::testing;

namespace {

// V φ(Λ) Vᵀ θ for a symmetric A = V Λ Vᵀ.
template <class Phi>
Vec apply_function(const Eigen::SelfAdjointEigenSolver<Mat>& eig, const Vec& theta, Phi phi) {
  Vec coefficients = eig.eigenvectors().transpose() * theta;
  for (Index i = 0; i < coefficients.size(); ++i) coefficients[i] *= phi(eig.eigenvalues()[i]);
  return eig.eigenvectors() * coefficients;
}

// The final-step gap (flow, modified) of GD with step η run to time T.
std::pair<double, double> final_gaps(const Objective& f, const Vec& theta0, double eta, double T) {
  MapFlowSetup s = map_flow_setup("gd:lr=" + std::to_string(eta), "dopri5:rtol=1e-12,atol=1e-14");
  s.steps = std::lround(T / eta);
  s.record_every = s.steps;
  const MapFlowComparison c = compare_map_with_flow(f, theta0, s);
  BOOST_REQUIRE(c.status() == "ok");
  BOOST_REQUIRE(c.rows.size() == 2u);
  BOOST_REQUIRE(c.rows.back().step == s.steps);
  return {c.rows.back().gap, c.rows.back().gap_modified};
}

}  // namespace

BOOST_AUTO_TEST_CASE(quadratic_gaps_equal_the_closed_forms) {
  // A rotated (non-diagonal) A with eigenvalues in [0.3, 1.5]; η = 0.2, 40 steps.
  ObjectivePtr f = make_objective("quadratic:dim=5,kappa=5,lmax=1.5,seed=3");
  const Vec theta0 = initial_point("init:gaussian,seed=7", *f);
  const Mat A = f->hessian(theta0);
  const Eigen::SelfAdjointEigenSolver<Mat> eig(A);
  const double eta = 0.2;
  MapFlowSetup s = map_flow_setup("gd:lr=0.2");
  BOOST_TEST(s.time_per_step == eta);
  BOOST_TEST(!s.modified_flow.empty());
  s.steps = 40;
  s.record_every = 3;  // rows 0, 3, …, 39, 40
  const MapFlowComparison c = compare_map_with_flow(*f, theta0, s);
  BOOST_TEST(c.status() == "ok");
  BOOST_REQUIRE(c.rows.size() == 15u);
  BOOST_TEST(c.rows.back().step == 40);
  BOOST_TEST(c.map.gradients == 40u);  // one gradient per GD step
  BOOST_TEST(c.flow.status == "ok");
  BOOST_REQUIRE(c.modified.has_value());
  for (const GapRow& row : c.rows) {
    const double k = static_cast<double>(row.step), t = k * eta;
    BOOST_TEST(row.t == t);
    const Vec map = apply_function(eig, theta0, [&](double l) { return std::pow(1 - eta * l, k); });
    const Vec flow = apply_function(eig, theta0, [&](double l) { return std::exp(-l * t); });
    const Vec modified = apply_function(eig, theta0, [&](double l) { return std::exp(-(l + 0.5 * eta * l * l) * t); });
    BOOST_TEST(std::abs(row.gap - (map - flow).norm()) <= 1e-9, "step " << row.step << " gap " << row.gap);
    BOOST_TEST(std::abs(row.gap_modified - (map - modified).norm()) <= 1e-9, "step " << row.step);
    BOOST_TEST(std::abs(row.loss_map - 0.5 * map.dot(A * map)) <= 1e-12);
    BOOST_TEST(std::abs(row.loss_flow - 0.5 * flow.dot(A * flow)) <= 1e-9);
    BOOST_TEST(std::abs(row.loss_gap - (row.loss_map - row.loss_flow)) <= 1e-15);
    BOOST_TEST(std::abs(row.loss_modified - 0.5 * modified.dot(A * modified)) <= 1e-9);
  }
  // The modified flow follows GD more closely than the gradient flow does.
  BOOST_TEST(c.rows.back().gap_modified < 0.2 * c.rows.back().gap);
}

BOOST_AUTO_TEST_CASE(gd_departs_from_gradient_flow_at_order_one_and_from_the_modified_flow_at_order_two) {
  // Rosenbrock with a = 10 from (−1, 1.5) to T = 0.5: λmax(H) ≈ 130 along the way, η ≤ 2.5e-3.
  ObjectivePtr f = make_objective("rosenbrock:dim=3,a=10");
  const Vec theta0 = initial_point("-1,1.5,0.5", *f);
  const double T = 0.5;
  std::vector<double> etas = {1e-3, 5e-4, 2.5e-4, 1.25e-4}, flow_gaps, modified_gaps;
  for (double eta : etas) {
    const auto [gap, gap_modified] = final_gaps(*f, theta0, eta, T);
    flow_gaps.push_back(gap);
    modified_gaps.push_back(gap_modified);
  }
  const double p1 = loglog_slope(etas, flow_gaps), p2 = loglog_slope(etas, modified_gaps);
  BOOST_TEST_MESSAGE("gap slopes: gradient flow " << p1 << ", modified flow " << p2);
  BOOST_TEST(std::abs(p1 - 1.0) <= 0.15, "gradient-flow slope " << p1);
  BOOST_TEST(std::abs(p2 - 2.0) <= 0.15, "modified-flow slope " << p2);
}

BOOST_AUTO_TEST_CASE(flows_starting_after_zero_compare_from_their_start_time) {
  // Nesterov (Sutskever form) ↔ NAG-SC high-resolution ODE started at t₀ = √s = Δt.
  ObjectivePtr f = make_objective("quadratic:dim=3,kappa=4,seed=1");
  const Vec theta0 = initial_point("1,-1,0.5", *f);
  MapFlowSetup s = map_flow_setup("nesterov:lr=0.01,mu=0.9");
  s.steps = 20;
  const MapFlowComparison c = compare_map_with_flow(*f, theta0, s);
  BOOST_TEST(c.status() == "ok");
  BOOST_REQUIRE(c.rows.size() == 21u);
  BOOST_TEST(c.flow.start_time > 0.0);
  for (const GapRow& row : c.rows) {
    const bool compared = row.t >= c.flow.start_time;
    BOOST_TEST(std::isnan(row.gap) == !compared, "step " << row.step);
    BOOST_TEST(std::isnan(row.loss_flow) == !compared);
    BOOST_TEST(std::isfinite(row.loss_map));
  }
  // t₀ = √s = 0.1 = Δt: step 0 is before the flow, step 1 is compared with X(t₀) = θ₀, and
  // Sutskever's first step from v = 0 is θ₁ = θ₀ − s∇F(θ₀): gap = s‖∇F(θ₀)‖, loss_flow = F(θ₀).
  BOOST_TEST(c.flow.start_time == 0.1);
  BOOST_TEST(std::isnan(c.rows[0].gap));
  BOOST_TEST(std::abs(c.rows[1].gap - 0.01 * f->gradient(theta0).norm()) <= 1e-15);
  BOOST_TEST(std::abs(c.rows[1].loss_flow - f->value(theta0)) <= 1e-15);
}

BOOST_AUTO_TEST_CASE(summary_recomputed_from_the_rows) {
  std::vector<GapRow> rows(5);
  const double gaps[] = {std::nan(""), 0.1, 0.5, 0.3, 0.2};
  for (int i = 0; i < 5; ++i) {
    rows[i].step = 10 * i;
    rows[i].gap = gaps[i];
    rows[i].loss_gap = -gaps[i];
    rows[i].gap_modified = std::nan("");
  }
  const GapSummary g = summarise_gaps(rows, GapSeries::flow, 0.25);
  BOOST_TEST(g.max_gap == 0.5);
  BOOST_TEST(g.max_gap_step == 20);
  BOOST_TEST(g.first_step_above == 20);
  BOOST_TEST(g.final_step == 40);
  BOOST_TEST(g.final_gap == 0.2);
  BOOST_TEST(g.final_loss_gap == -0.2);
  BOOST_TEST(summarise_gaps(rows, GapSeries::flow, 1.0).first_step_above == -1);
  const GapSummary none = summarise_gaps(rows, GapSeries::modified, 0.25);
  BOOST_TEST(none.max_gap_step == -1);
  BOOST_TEST(none.first_step_above == -1);
  BOOST_TEST(default_gap_threshold(Vec::Constant(4, 1.5)) == 1e-2 * (1 + 3.0));
}

BOOST_AUTO_TEST_CASE(a_diverging_map_keeps_its_rows) {
  // GD with ηλ = 2.5 on F = ½x²: θ_k = (−1.5)^k θ₀, F_k = ½·2.25^k > 50 first at k = 6.
  ObjectivePtr f = make_objective("quadratic:eigs=1,rotate=false");
  const Vec theta0 = Vec::Constant(1, 1.0);
  MapFlowSetup s = map_flow_setup("gd:lr=2.5");
  s.steps = 50;
  s.record_every = 2;
  s.diverge_above = 50;
  const MapFlowComparison c = compare_map_with_flow(*f, theta0, s);
  BOOST_TEST(c.status() == "diverged");
  BOOST_TEST(c.map.status == "diverged");
  BOOST_TEST(c.map.steps_run == 6);
  BOOST_REQUIRE(c.rows.size() == 4u);  // steps 0, 2, 4 and the diverging step 6
  BOOST_TEST(c.rows.back().step == 6);
  BOOST_TEST(std::abs(c.rows.back().loss_map - 0.5 * std::pow(2.25, 6)) <= 1e-9);
  BOOST_TEST(c.flow.status == "stopped");
  // With record_every = 4 the diverging step 6 is not recorded: rows stop at step 4.
  s.record_every = 4;
  BOOST_TEST(compare_map_with_flow(*f, theta0, s).rows.size() == 2u);
}

BOOST_AUTO_TEST_CASE(bad_setups_are_input_errors) {
  ObjectivePtr f = make_objective("quadratic:dim=2");
  const Vec theta0 = Vec::Ones(2);
  MapFlowSetup s;
  s.optimizer = "gd:lr=0.1";
  s.flow = "gradient";
  s.steps = 3;
  BOOST_CHECK_THROW(compare_map_with_flow(*f, theta0, s), InputError);  // time_per_step 0
  s.time_per_step = 0.1;
  BOOST_CHECK_NO_THROW(compare_map_with_flow(*f, theta0, s));
  s.record_every = 0;
  BOOST_CHECK_THROW(compare_map_with_flow(*f, theta0, s), InputError);
  s.record_every = 1;
  BOOST_CHECK_THROW(compare_map_with_flow(*f, Vec::Ones(3), s), InputError);
  s.flow = "no_such_flow";
  BOOST_CHECK_THROW(compare_map_with_flow(*f, theta0, s), InputError);
  BOOST_CHECK_THROW(map_flow_setup("delta_bar_delta"), InputError);  // no continuous limit
}
