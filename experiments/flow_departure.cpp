// flow_departure — how far a discrete optimizer departs from its continuous flow, at what
// order in the step, and where it stops following it (issue 4).
//
// Part 1, orders (orders.csv, slopes.csv). One small nonlinear objective (`orders_objective`,
// θ₀ = `orders_x0`), a fixed time T = `orders_T`; for each n in `orders_steps` the time step is
// Δt = T/n and the optimizer runs n steps, so its last iterate sits at t_n = T on the flow's
// clock. The gap ‖θ_n − X(T)‖₂ comes from analysis::compare_map_with_flow with the
// optimizer's own continuous limit (limits/continuous_limit.hpp; the flow by dopri5 at
// `orders_integrator`). Pairs (map ↔ flow, expected order in Δt):
//   gd:lr=Δt                 ↔ gradient flow θ̇ = −∇f                      1 (Euler's local error)
//   gd:lr=Δt                 ↔ modified flow θ̇ = −∇(f + (Δt/4)‖∇f‖²)     2 (Barrett & Dherin 2021)
//   momentum:lr=Δt,mu=μ      ↔ heavy ball mẌ + (1−μ)Ẋ + ∇f = 0, m = Δt(1+μ)/2   2 (Kovachki & Stuart 2021)
//   nesterov:lr=s,mu=α       ↔ NAG-SC high-resolution ODE (Shi et al. 2018), Δt = √s,
//                              α = (1−√(μ_sc s))/(1+√(μ_sc s)) (μ_sc fixed), start=matched  → 2 in Δt (1 in s)
//   adam:lr=Δt,β₁=1−aΔt,β₂=1−bΔt ↔ adam_ode (Barakat & Bianchi 2021), a, b fixed      1
//   rmsprop:lr=Δt,alpha=1−bΔt    ↔ rmsprop_ode (same), b fixed                         ½
//     (RMSprop's first step from v = 0 moves √(Δt/b) where the ODE moves twice that: an
//      O(√Δt) offset that persists; tests/continuous_limit_test.cpp.)
// slopes.csv: the least-squares slope of log gap against log Δt with its 95% interval
// (analysis::fit_power_law), and the expected order.
//
// Part 2, edge of stability (eos_gaps.csv, eos_sharpness.csv, flow_sharpness.csv,
// eos_summary.csv). Full-batch GD on `eos_objective` (a tanh MLP regression on noisy teacher
// data, mse), θ₀ = `eos_x0`, for each η in `eos_lrs` up to time T = `eos_T` (⌊T/η⌉ steps):
//  * every step: ‖θ_k − X(kη)‖₂ to the gradient flow (compare_map_with_flow, dopri5 at
//    `eos_integrator`), F(θ_k), F(X(kη));
//  * every `eos_sharpness_every`-th step: λmax(∇²F(θ_k)) (Lanczos, k = 1, HVPs), against 2/η.
//    GD on the quadratic model around θ is stable only while λmax < 2/η (the top mode's
//    factor 1 − ηλ leaves [−1, 1]); Cohen et al. 2021: under gradient flow (and GD below the
//    threshold) λmax grows (progressive sharpening) until GD reaches 2/η, then hovers there
//    (edge of stability) while the loss keeps falling non-monotonically.
//  * the gradient flow alone (dopri5, the same tolerance), λmax(∇²F(X(t))) and F(X(t)) at
//    t = 0, Δ, 2Δ, …, T with Δ = `eos_flow_dt` (the flow does not depend on η).
// eos_summary.csv per η: the first step where λmax(θ_k) ≥ 2/η (among measured steps), the
// first time where λmax(X(t)) ≥ 2/η (linear interpolation between flow records), the gap at
// that step, the take-off step (the first later step whose gap exceeds `eos_takeoff_factor`
// times the gap at the crossing), the largest measured λmax and its step, final gaps and losses.
//
// No randomness besides the objective's own data seed and the init seed in the specs (the
// experiment seed is not used: every output is a function of the parameters).
#include <functional>
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "harness/command_line.hpp"
#include "harness/experiment.hpp"
#include "optdyn/analysis/convergence_rates.hpp"
#include "optdyn/analysis/flow_comparison.hpp"
#include "optdyn/analysis/hessian_eigen.hpp"
#include "optdyn/analysis/hessian_operator.hpp"
#include "optdyn/core/error.hpp"
#include "optdyn/core/text.hpp"
#include "optdyn/flows/registry.hpp"
#include "optdyn/integrators/registry.hpp"
#include "optdyn/objectives/initial_point.hpp"
#include "optdyn/objectives/registry.hpp"
#include "optdyn/optimizers/oracle.hpp"
#include "optdyn/optimizers/registry.hpp"

namespace {

using namespace optdyn;
using namespace optdyn::analysis;
using harness::CsvWriter;
using harness::Experiment;
using harness::JobResult;

const std::string kPrefix = "experiment 'flow_departure': ";
const double kNan = std::numeric_limits<double>::quiet_NaN();

// Where a comparison diverged: the map's reason, else the flow's (for DivergenceError).
std::string why(const analysis::MapFlowComparison& c) {
  if (c.map.status != "ok") return "map: " + c.map.reason;
  if (c.flow.status != "ok") return "flow: " + c.flow.reason;
  return c.modified ? "modified flow: " + c.modified->reason : std::string("diverged");
}

std::string num(double x) { return format_number(x); }

// --- part 1: orders --------------------------------------------------------------------------
struct Pair {
  std::string name;     // label of map ↔ flow
  bool modified;        // compare with the modified flow instead of the limit's flow
  double expected;      // expected order in Δt
};

const std::vector<Pair> kPairs = {{"gd~gradient", false, 1.0},      {"gd~modified", true, 2.0},
                                  {"momentum~heavy_ball", false, 2.0}, {"nesterov~nag_sc_high_res", false, 2.0},
                                  {"adam~adam_ode", false, 1.0},     {"rmsprop~rmsprop_ode", false, 0.5}};

struct OrderSettings {
  double T, mu, nesterov_mu_sc, a, b;
};

// The optimizer spec of a pair at time step Δt (see the header comment for the scalings).
std::string optimizer_for(const std::string& pair, double dt, const OrderSettings& s) {
  const std::string method = pair.substr(0, pair.find('~'));
  if (method == "gd") return "gd:lr=" + num(dt);
  if (method == "momentum") return "momentum:lr=" + num(dt) + ",mu=" + num(s.mu);
  if (method == "nesterov") {
    const double lr = dt * dt, root = std::sqrt(s.nesterov_mu_sc * lr);
    return "nesterov:lr=" + num(lr) + ",mu=" + num((1 - root) / (1 + root));
  }
  if (method == "adam")
    return "adam:lr=" + num(dt) + ",beta1=" + num(1 - s.a * dt) + ",beta2=" + num(1 - s.b * dt) + ",eps=1e-8";
  return "rmsprop:lr=" + num(dt) + ",alpha=" + num(1 - s.b * dt) + ",eps=1e-8,convention=torch";
}

void part_orders(Experiment& ex) {
  const Spec& p = ex.params();
  const OrderSettings s{p.positive("orders_T"), p.real("orders_momentum", 0.0, 0.99),
                        p.positive("orders_nesterov_mu_sc"), p.positive("orders_adam_a"), p.positive("orders_b")};
  std::vector<long> steps;
  for (double n : p.real_list("orders_steps", '/')) {
    if (!(n >= 2 && n <= 1e7 && n == std::floor(n)))
      throw InputError(kPrefix + "key 'orders_steps': " + num(n) + " is not an integer in [2, 1e7]");
    steps.push_back(static_cast<long>(n));
  }
  // Three: the slope fit (with its confidence interval) needs at least three points.
  if (steps.size() < 3) throw InputError(kPrefix + "key 'orders_steps': needs at least three step counts");
  if (s.a * s.T / static_cast<double>(*std::min_element(steps.begin(), steps.end())) >= 1 ||
      s.b * s.T / static_cast<double>(*std::min_element(steps.begin(), steps.end())) >= 1)
    throw InputError(kPrefix + "key 'orders_steps': the largest Δt makes β = 1 − aΔt or 1 − bΔt ≤ 0");
  ObjectivePtr f = make_objective(p.text("orders_objective"));
  const Vec theta0 = initial_point(p.text("orders_x0"), *f);
  const std::string integrator = p.text("orders_integrator");

  ex.csv("orders.csv", {"pair", "optimizer", "flow", "steps", "dt", "t_end", "gap", "loss_map", "loss_flow"});
  ex.csv("slopes.csv", {"pair", "expected", "slope", "ci_low", "ci_high", "r_squared", "dt_min", "dt_max"});
  // One job per (pair, step count); the slope of each pair is fitted from its jobs' gaps.
  harness::SweepAxes axes;
  axes.add_grid("pair", "range:0:" + std::to_string(kPairs.size() - 1));
  axes.add_grid("steps", "range:0:" + std::to_string(steps.size() - 1));
  const harness::JobTable table(axes, ex.seed());
  const std::vector<JobResult> results = ex.run_jobs(table, [&](const harness::Job& job, JobResult& out) {
    const Pair& pair = kPairs[std::stoul(job.value("pair"))];
    const long n = steps[std::stoul(job.value("steps"))];
    const double dt = s.T / static_cast<double>(n);
    MapFlowSetup setup = map_flow_setup(optimizer_for(pair.name, dt, s), integrator);
    if (pair.modified && setup.modified_flow.empty())
      throw InputError(kPrefix + "optimizer '" + setup.optimizer + "' has no modified flow");
    setup.steps = n;
    setup.record_every = n;  // rows at step 0 and n
    const MapFlowComparison c = compare_map_with_flow(*f, theta0, setup);
    if (c.status() == "diverged") throw DivergenceError(kPrefix + pair.name + " at dt " + num(dt) + ": " + why(c));
    if (c.status() != "ok") throw std::runtime_error(kPrefix + pair.name + " at dt " + num(dt) + ": " + c.status());
    const GapRow& last = c.rows.back();
    const double gap = pair.modified ? last.gap_modified : last.gap;
    out.row("orders.csv", {pair.name, setup.optimizer, pair.modified ? setup.modified_flow : setup.flow,
                           static_cast<long long>(n), dt, last.t, gap, last.loss_map,
                           pair.modified ? last.loss_modified : last.loss_flow});
    out.set("dt", dt);
    out.set("gap", gap);
  });
  ex.add_results(results);
  for (std::size_t i = 0; i < kPairs.size(); ++i) {
    const Pair& pair = kPairs[i];
    std::vector<double> dts, gaps;
    for (std::size_t j = 0; j < steps.size(); ++j) {  // job (i, j) has index i·|steps| + j
      const JobResult& r = results[i * steps.size() + j];
      dts.push_back(r.get("dt", kNan));
      gaps.push_back(r.get("gap", kNan));
    }
    const PowerLawFit fit = fit_power_law(dts, gaps);
    ex.csv("slopes.csv").row({pair.name, pair.expected, fit.exponent, fit.exponent_low, fit.exponent_high,
                                    fit.r_squared, *std::min_element(dts.begin(), dts.end()),
                                    *std::max_element(dts.begin(), dts.end())});
    ex.note("slope_" + pair.name, format_number(fit.exponent, 4));
  }
}

// --- part 2: edge of stability ----------------------------------------------------------------
// λmax(∇²F(θ)) by Lanczos (k = 1, largest algebraic; HVPs only).
double sharpness(const Objective& f, const Vec& theta, double tol) {
  EigenOptions o;
  o.k = 1;
  o.which = SpectrumEnd::largest;
  o.tol = tol;
  o.method = EigenMethod::lanczos;
  const EigenResult r = extreme_eigenpairs(HessianOperator(f, theta), o);
  if (!r.converged) throw std::runtime_error(kPrefix + "Lanczos did not converge for λmax");
  return r.eigenvalues[0];
}

struct FlowPoint {
  double t, loss, lambda_max;
};

// The gradient flow alone, λmax and F at t = 0, Δ, …, T.
std::vector<FlowPoint> flow_sharpness(const Objective& f, const Vec& theta0, double T, double dt,
                                      const std::string& integrator, double tol) {
  FlowPtr flow = make_flow("gradient", f);
  IntegratorPtr integ = make_integrator(integrator);
  std::vector<double> times;
  const auto n = static_cast<long>(std::llround(T / dt));
  for (long i = 0; i <= n; ++i) times.push_back(std::min(T, static_cast<double>(i) * dt));
  std::vector<FlowPoint> out;
  Vec z = flow->start_state(theta0);
  const IntegrationResult r = integ->integrate(*flow, z, 0.0, times, [&](double t, const Vec& state) {
    const Vec theta = state.head(f.dim());
    out.push_back({t, f.value(theta), sharpness(f, theta, tol)});
    return true;
  });
  if (r.status == IntegrationStatus::diverged) throw DivergenceError(kPrefix + "gradient flow: " + r.message);
  if (r.status != IntegrationStatus::ok) throw std::runtime_error(kPrefix + "gradient flow: " + r.message);
  return out;
}

// First time the flow's λmax reaches `level` (linear interpolation); NaN if never.
double flow_crossing(const std::vector<FlowPoint>& path, double level) {
  for (std::size_t i = 1; i < path.size(); ++i)
    if (path[i].lambda_max >= level) {
      const FlowPoint &a = path[i - 1], &b = path[i];
      return a.t + (level - a.lambda_max) / (b.lambda_max - a.lambda_max) * (b.t - a.t);
    }
  return path.empty() || path[0].lambda_max < level ? kNan : 0.0;
}

struct EosSettings {
  double T, tol, factor;
  long every;
  std::string integrator;
};

// One learning rate of part 2: GD against gradient flow and the modified flow, λmax every
// `every` steps, the crossing of 2/η and the take-off of the gap (rows and notes into `out`).
void eos_run(const Objective& f, const Vec& theta0, double lr, const EosSettings& e, const std::vector<FlowPoint>& path,
             JobResult& out) {
  const long n = std::lround(e.T / lr);
  MapFlowSetup setup = map_flow_setup("gd:lr=" + num(lr), e.integrator);  // gradient flow + modified flow
  setup.steps = n;
  setup.record_every = 1;
  const MapFlowComparison c = compare_map_with_flow(f, theta0, setup);
  if (c.status() == "diverged") throw DivergenceError(kPrefix + "gd at lr " + num(lr) + ": " + why(c));
  if (c.status() != "ok") throw std::runtime_error(kPrefix + "gd at lr " + num(lr) + ": " + c.status());
  for (const GapRow& r : c.rows)
    out.row("eos_gaps.csv", {lr, static_cast<long long>(r.step), r.t, r.loss_map, r.loss_flow, r.gap, r.loss_modified,
                             r.gap_modified});

  // The same iterates again (full batch, deterministic), with λmax every `every` steps.
  OptimizerPtr opt = make_optimizer(setup.optimizer);
  opt->reset(f.dim());
  ObjectiveOracle oracle(f);
  Vec theta = theta0;
  long cross = -1;
  double last_lambda = kNan;
  std::vector<std::pair<long, double>> peaks;  // (step, λmax) of the measured steps
  for (long k = 0; k <= n; ++k) {
    if (k > 0) opt->step(theta, oracle);
    if (k % e.every != 0 && k != n) continue;
    last_lambda = sharpness(f, theta, e.tol);
    out.row("eos_sharpness.csv", {lr, static_cast<long long>(k), k * lr, last_lambda, 2 / lr});
    peaks.emplace_back(k, last_lambda);
    if (cross < 0 && last_lambda >= 2 / lr) cross = k;
  }
  // Take-off: the first step after the sharpness crossing whose gap exceeds `factor` times
  // the gap at the crossing (before it the gap grows smoothly, O(η) per unit time).
  double at_cross = kNan;
  long takeoff = -1;
  for (const GapRow& r : c.rows) {
    if (cross >= 0 && r.step == cross) at_cross = r.gap;
    if (takeoff < 0 && r.step > cross && cross >= 0 && r.gap > e.factor * at_cross) takeoff = r.step;
  }
  const auto peak = std::max_element(peaks.begin(), peaks.end(), [](auto& a, auto& b) { return a.second < b.second; });
  out.row("eos_summary.csv",
          {lr, 2 / lr, static_cast<long long>(n), static_cast<long long>(cross), cross < 0 ? kNan : cross * lr,
           flow_crossing(path, 2 / lr), at_cross, e.factor, static_cast<long long>(takeoff),
           takeoff < 0 ? kNan : takeoff * lr, static_cast<long long>(peak->first), peak->second, c.rows.back().gap,
           c.rows.back().gap_modified, c.rows.back().loss_map, c.rows.back().loss_flow, last_lambda});
  out.note("eos_lr_" + format_number(lr, 6) + "_gd_cross_step", std::to_string(cross));
  out.note("eos_lr_" + format_number(lr, 6) + "_takeoff_step", std::to_string(takeoff));
}

void part_eos(Experiment& ex) {
  const Spec& p = ex.params();
  const double T = p.positive("eos_T"), flow_dt = p.positive("eos_flow_dt"), tol = p.real("eos_lanczos_tol", 1e-14, 1e-2);
  const double factor = p.real_above("eos_takeoff_factor", 1.0, 1e6);
  const long every = p.integer("eos_sharpness_every", 1, 1'000'000);
  const std::vector<double> lrs = p.real_list("eos_lrs", '/');
  for (double lr : lrs)
    if (!(lr > 0 && T / lr <= 1e6)) throw InputError(kPrefix + "key 'eos_lrs': " + num(lr) + " must be > 0 with T/lr ≤ 1e6");
  ObjectivePtr f = make_objective(p.text("eos_objective"));
  const Vec theta0 = initial_point(p.text("eos_x0"), *f);
  const std::string integrator = p.text("eos_integrator");
  ex.note("eos_dim", std::to_string(f->dim()));

  const std::vector<FlowPoint> path = flow_sharpness(*f, theta0, T, flow_dt, integrator, tol);
  CsvWriter& flow_out = ex.csv("flow_sharpness.csv", {"t", "loss", "lambda_max"});
  for (const FlowPoint& q : path) flow_out.row({q.t, q.loss, q.lambda_max});
  ex.note("flow_lambda_max_start", format_number(path.front().lambda_max, 6));
  ex.note("flow_lambda_max_end", format_number(path.back().lambda_max, 6));

  ex.csv("eos_gaps.csv", {"lr", "step", "t", "loss_gd", "loss_flow", "gap", "loss_modified", "gap_modified"});
  ex.csv("eos_sharpness.csv", {"lr", "step", "t", "lambda_max", "two_over_lr"});
  ex.csv("eos_summary.csv", {"lr", "two_over_lr", "steps", "gd_cross_step", "gd_cross_t", "flow_cross_t",
                             "gap_at_cross", "takeoff_factor", "takeoff_step", "takeoff_t", "peak_lambda_step",
                             "peak_lambda_max", "final_gap", "final_gap_modified", "final_loss_gd", "final_loss_flow",
                             "lambda_max_final"});
  // One job per learning rate (the gradient-flow path above is shared by every job).
  harness::SweepAxes axes;
  axes.add_grid("lr", "range:0:" + std::to_string(lrs.size() - 1));
  ex.add_results(ex.run_jobs(harness::JobTable(axes, ex.seed()), [&](const harness::Job& job, JobResult& out) {
    eos_run(*f, theta0, lrs[std::stoul(job.value("lr"))], EosSettings{T, tol, factor, every, integrator}, path, out);
  }));
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mlp =
      "mlp:widths=5-20-20-1,act=tanh,loss=mse,data=teacher-mlp,teacher_widths=20,noise=1,n=200,data_seed=1";
  return optdyn::harness::run_experiment(
      argc, argv,
      {"flow_departure",
       "discrete optimizers against their continuous flows: orders of the gap in the step, and where GD leaves "
       "gradient flow (edge of stability)",
       {
           {"orders_objective", "rosenbrock:dim=3,a=10", "rosenbrock:dim=3,a=10", "objective of the order study"},
           {"orders_x0", "-0.6,-0.1,0.4", "-0.6,-0.1,0.4", "start point of the order study"},
           {"orders_T", "1", "1", "time T at which the gap is measured (n steps of Δt = T/n)"},
           {"orders_steps", "800/1600/3200/6400/12800", "800/1600/3200/6400/12800/25600", "step counts n, '/'-separated"},
           {"orders_momentum", "0.5", "0.5", "μ of classic momentum (fixed as Δt → 0)"},
           {"orders_nesterov_mu_sc", "0.5", "0.5", "μ of NAG-SC (fixed; momentum α = (1−√(μs))/(1+√(μs)))"},
           {"orders_adam_a", "10", "10", "a = (1−β₁)/Δt of Adam (fixed)"},
           {"orders_b", "2", "2", "b = (1−β₂)/Δt of Adam and RMSprop (fixed)"},
           {"orders_integrator", "dopri5:rtol=1e-12,atol=1e-14", "dopri5:rtol=1e-12,atol=1e-14",
            "integrator of the flows in the order study"},
           {"eos_objective", mlp, mlp, "objective of the edge-of-stability study"},
           {"eos_x0", "init:gaussian,seed=0", "init:gaussian,seed=0", "start point of the edge-of-stability study"},
           {"eos_lrs", "0.3/0.2", "0.3/0.2/0.1", "GD step sizes η, '/'-separated"},
           {"eos_T", "120", "200", "time horizon (⌊T/η⌉ steps of GD)"},
           {"eos_sharpness_every", "4", "1", "λmax of GD's iterate every this many steps"},
           {"eos_flow_dt", "2", "1", "record interval of λmax along the gradient flow"},
           {"eos_integrator", "dopri5:rtol=1e-10,atol=1e-12", "dopri5:rtol=1e-10,atol=1e-12",
            "integrator of the gradient flow"},
           {"eos_lanczos_tol", "1e-8", "1e-8", "Spectra's relative tolerance of the λmax solves"},
           {"eos_takeoff_factor", "2", "2", "take-off: the gap exceeds this multiple of its value at the crossing"},
       }},
      [](optdyn::harness::Experiment& ex) {
        part_orders(ex);
        part_eos(ex);
      });
}
