// saxe_modes — exact learning dynamics of deep linear networks (Saxe, McClelland & Ganguli
// 2013, arXiv:1312.6120; their Fig. 3 analogue and the depth experiment), through
// optdyn::analysis::saxe_modes (conventions there and in README "Saxe modes and rates").
//
// Setting. Saxe's hierarchical data (make_hierarchical: 2^levels one-hot items, `features`
// ±1 features diffused down a binary tree with flip probability `flip`), the deep_linear
// objective F = (1/P) Σ_i ½‖W_L⋯W_1 x_i − y_i‖² (a MEAN, P = 2^levels samples). Saxe's step
// λ on the summed error is GD step η = λP on F; τ = 1/λ iterations; flow time T = kη. Σ¹¹ = I
// exactly (one-hot inputs), Σ³¹ = targets; s_α its singular values.
//
// Part 1 (mode_trajectories.csv, learning_times.csv): one hidden layer of `hidden` units.
//  * decoupled init: W₂₁ = D Vᵀ, W₃₂ = U D (R = I), D = √u₀ per mode: every mode follows
//    u(t) = s e^{2st/τ}/(e^{2st/τ} − 1 + s/u₀) exactly under gradient flow;
//  * small random init: Gaussian with gain `random_gain` (σ = gain/√fan_in); the analytic
//    curve starts from each mode's effective strength u₀ = ‖(W₃₂ᵀu_α + W₂₁v_α)/2‖² (the
//    growing direction of the linearised dynamics, saxe_modes.hpp).
//  From each init: GD with step η (the library's gd), and the gradient flow (the library's
//  `gradient` flow and `integrator`), recorded every `record_every` iterations (flow time
//  T = kη), and the analytic curve. Learning times: the first crossing of u_f = s/2
//  (interpolated linearly between records) against t(u₀ → s/2) = (τ/2s) ln((s − u₀)/u₀).
// Part 2 (depth_lr_scan.csv, depth_learning_time.csv): deep linear nets of width `hidden`,
//  depth L = `depths` weight matrices, random orthogonal (gain 1, Haar; semi-orthogonal
//  rectangular blocks) vs scaled Gaussian (σ = 1/√fan_in) init; GD with each learning rate
//  of the grid lr_max·2^{−j}, j = 0..lr_grid−1, until F ≤ criterion·F₀ with F₀ = ½‖Y‖²/P the
//  loss of the zero network; the learning time at a depth is the fewest iterations over the
//  grid (Saxe et al. choose the learning rate per depth). The grid is walked from the largest
//  rate down and stops once a rate needs more than twice the best time so far.
//
// Randomness: data from data_seed; the random-init weights of part 1 from the seed
// Rng::derived(seed, 1); part 2's weights for (init i, depth index d) from
// Rng::derived(Rng::derived(seed, 2 + i).bits(), d): the same net for every learning rate.
#include <functional>
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "harness/command_line.hpp"
#include "harness/experiment.hpp"
#include "optdyn/analysis/saxe_modes.hpp"
#include "optdyn/analysis/time_to_criterion.hpp"
#include "optdyn/core/error.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/core/text.hpp"
#include "optdyn/flows/registry.hpp"
#include "optdyn/integrators/registry.hpp"
#include "optdyn/objectives/deep_linear.hpp"
#include "optdyn/objectives/initial_point.hpp"
#include "optdyn/objectives/mlp.hpp"
#include "optdyn/objectives/registry.hpp"
#include "optdyn/optimizers/gd.hpp"
#include "optdyn/optimizers/registry.hpp"

namespace {

using namespace optdyn;
using namespace optdyn::analysis;
using harness::CsvWriter;
using harness::Experiment;
using harness::JobResult;

const std::string kPrefix = "experiment 'saxe_modes': ";

struct Settings {
  int levels = 5;
  long features = 1000;
  double flip = 0.1;
  long data_seed = 0;
  long hidden = 32;
  double lr = 0.016;
  double u0 = 1e-6;
  double random_gain = 1.4e-3;
  double horizon = 1.1;  // × the time for the weakest mode to reach 0.99 s
  long record_every = 5;
  std::string integrator;
  std::vector<long> depths;
  double lr_max = 1.0;
  long lr_grid = 8;
  double criterion = 1e-2;
  long max_steps = 20000;
};

Settings read_settings(const Spec& p) {
  Settings s;
  s.levels = static_cast<int>(p.integer("levels", 1, 12));
  s.features = p.integer("features", 1, 100000);
  s.flip = p.real("flip", 0.0, 0.5);
  s.data_seed = p.integer("data_seed", 0, 1L << 53);
  s.hidden = p.integer("hidden", 1, 4096);
  s.lr = p.positive("lr");
  s.u0 = p.positive("u0");
  s.random_gain = p.positive("random_gain");
  s.horizon = p.real_above("horizon", 0.0, 100.0);  // × the weakest mode's learning time
  s.record_every = p.integer("record_every", 1, 1L << 30);
  s.integrator = p.text("integrator");
  make_integrator(s.integrator);  // validate early (InputError naming the key)
  s.depths = p.integer_list("depths", '-', 1, 256);
  s.lr_max = p.positive("lr_max");
  s.lr_grid = p.integer("lr_grid", 1, 64);
  s.criterion = p.real("criterion", 1e-12, 1.0);
  s.max_steps = p.integer("max_steps", 1, 100'000'000);
  return s;
}

// The deep linear network 2^levels-hidden...-features on Saxe's hierarchical data.
DeepLinearParams net_params(const Settings& s, const std::vector<long>& hidden) {
  DeepLinearParams p;
  p.widths = {1L << s.levels};
  p.widths.insert(p.widths.end(), hidden.begin(), hidden.end());
  p.widths.push_back(s.features);
  p.data.source = DataSource::hierarchical;
  p.data.levels = s.levels;
  p.data.features = s.features;
  p.data.flip = s.flip;
  p.data.seed = static_cast<std::uint64_t>(s.data_seed);
  return p;
}

// --- part 1: one hidden layer ------------------------------------------------------------------
struct Trajectory {
  std::vector<double> t;  // iterations
  std::vector<Vec> u;     // mode strengths at t
};

Trajectory run_gd(const Mlp& f, const SaxeModes& m, const Vec& theta0, const Settings& s, long steps) {
  Trajectory out;
  OptimizerPtr gd = make_gd({.lr = s.lr});
  gd->reset(f.dim());
  ObjectiveOracle oracle(f);
  Vec theta = theta0;
  out.t.push_back(0.0);
  out.u.push_back(mode_strengths(m, f.layout(), theta));
  for (long k = 1; k <= steps; ++k) {
    gd->step(theta, oracle);
    if (k % s.record_every != 0) continue;
    out.t.push_back(static_cast<double>(k));
    out.u.push_back(mode_strengths(m, f.layout(), theta));
  }
  return out;
}

// The gradient flow recorded at flow times T = kη for the same k as run_gd.
Trajectory run_flow(const Mlp& f, const SaxeModes& m, const Vec& theta0, const Settings& s, long steps,
                    Experiment& ex, const std::string& label) {
  Trajectory out;
  FlowPtr flow = make_flow("gradient", f);
  IntegratorPtr integrator = make_integrator(s.integrator);
  std::vector<double> times;
  for (long k = 0; k <= steps; k += s.record_every) times.push_back(static_cast<double>(k) * s.lr);
  Vec z = flow->initial_state(theta0);
  const IntegrationResult r = integrator->integrate(*flow, z, 0.0, times, [&](double t, const Vec& state) {
    out.t.push_back(t / s.lr);
    out.u.push_back(mode_strengths(m, f.layout(), flow->parameters(state)));
    return true;
  });
  ex.note("flow_" + label + "_status", to_string(r.status));
  ex.note("flow_" + label + "_steps", std::to_string(r.stats.steps));
  ex.note("flow_" + label + "_rejected", std::to_string(r.stats.rejected));
  if (r.status != IntegrationStatus::ok) throw std::runtime_error("saxe_modes: gradient flow failed: " + r.message);
  return out;
}

// First crossing of level `uf` by mode a, interpolated linearly (NaN if never).
double crossing(const Trajectory& tr, Index a, double uf) {
  for (std::size_t j = 1; j < tr.t.size(); ++j)
    if (tr.u[j](a) >= uf) {
      const double u1 = tr.u[j - 1](a), u2 = tr.u[j](a);
      return tr.t[j - 1] + (uf - u1) / (u2 - u1) * (tr.t[j] - tr.t[j - 1]);
    }
  return std::numeric_limits<double>::quiet_NaN();
}

void part_one(Experiment& ex, const Settings& s) {
  const std::unique_ptr<Mlp> f = make_deep_linear(net_params(s, {s.hidden}));
  const Mlp& mlp = *f;
  const SaxeModes m = saxe_modes(mlp.data());
  const Index modes = std::min<Index>(m.s.size(), s.hidden);
  if (!(s.u0 < m.s(modes - 1))) throw InputError(kPrefix + "key 'u0': must be below the smallest singular value");
  const double tau = saxe_tau_iterations(s.lr, m.samples);  // τ = P/η iterations
  ex.note("samples_P", std::to_string(m.samples));
  ex.note("saxe_lambda", format_number(saxe_lambda(s.lr, m.samples)));
  ex.note("tau_iterations", format_number(tau));
  ex.note("whitening_error", format_number(m.whitening_error()));
  ex.note("s_max", format_number(m.s(0)));
  ex.note("s_min", format_number(m.s(modes - 1)));

  const double s_min = m.s(modes - 1);
  const auto steps = static_cast<long>(std::ceil(s.horizon * two_layer_learning_time(s_min, s.u0, 0.99 * s_min, tau)));
  // Too few iterations resolve no learning curve (η so large that τ = P/η is below a step);
  // too many would run for hours.
  if (steps < 20 || steps > 100'000'000)
    throw InputError("experiment 'saxe_modes': key 'lr': the run would take " + std::to_string(steps) +
                     " GD iterations (horizon × the weakest mode's learning time, τ = P/η); keep it in [20, 1e8]");
  ex.note("part1_steps", std::to_string(steps));

  CsvWriter& modes_csv = ex.csv("modes.csv", {"mode", "s", "inv_s"});
  for (Index a = 0; a < modes; ++a) modes_csv.row({static_cast<long long>(a), m.s(a), 1.0 / m.s(a)});
  CsvWriter& traj = ex.csv("mode_trajectories.csv", {"init", "method", "t", "mode", "s", "u"});
  CsvWriter& times = ex.csv("learning_times.csv", {"init", "mode", "s", "inv_s", "u0", "t_formula", "t_gd", "t_flow"});

  Rng rng = Rng::derived(ex.seed(), 1);
  const Vec decoupled = decoupled_initial_point(m, mlp.layout(), Vec::Constant(modes, s.u0));
  const Vec random = initial_point(
      InitParams{.scheme = InitParams::Scheme::gaussian, .gain = s.random_gain, .seed = rng.bits() >> 11}, mlp);
  double worst_flow_decoupled = 0.0, worst_gd_decoupled = 0.0;
  for (const std::string init : {"decoupled", "random"}) {
    const Vec& theta0 = init == "decoupled" ? decoupled : random;
    const Vec u0 = init == "decoupled" ? Vec(Vec::Constant(modes, s.u0))
                                       : Vec(effective_small_init_strengths(m, mlp.layout(), theta0).head(modes));
    const Trajectory gd = run_gd(mlp, m, theta0, s, steps);
    const Trajectory flow = run_flow(mlp, m, theta0, s, steps, ex, init);
    for (std::size_t j = 0; j < gd.t.size(); ++j)
      for (Index a = 0; a < modes; ++a) {
        const double exact = two_layer_mode(m.s(a), u0(a), gd.t[j], tau);
        traj.row({init, std::string("analytic"), gd.t[j], static_cast<long long>(a), m.s(a), exact});
        traj.row({init, std::string("gd"), gd.t[j], static_cast<long long>(a), m.s(a), gd.u[j](a)});
        traj.row({init, std::string("flow"), flow.t[j], static_cast<long long>(a), m.s(a), flow.u[j](a)});
        if (init == "decoupled") {
          worst_gd_decoupled = std::max(worst_gd_decoupled, std::abs(gd.u[j](a) - exact) / exact);
          worst_flow_decoupled = std::max(worst_flow_decoupled, std::abs(flow.u[j](a) - exact) / exact);
        }
      }
    for (Index a = 0; a < modes; ++a) {
      const double uf = 0.5 * m.s(a);
      times.row({init, static_cast<long long>(a), m.s(a), 1.0 / m.s(a), u0(a),
                 two_layer_learning_time(m.s(a), u0(a), uf, tau), crossing(gd, a, uf), crossing(flow, a, uf)});
    }
  }
  ex.note("check_decoupled_flow_max_rel_error", format_number(worst_flow_decoupled, 6));
  ex.note("check_decoupled_gd_max_rel_error", format_number(worst_gd_decoupled, 6));
}

// --- part 2: learning time against depth ---------------------------------------------------------
constexpr const char* kScanCsv = "depth_lr_scan.csv";
constexpr const char* kBestCsv = "depth_learning_time.csv";
// One job of the depth sweep: the learning-rate scan of (init, depth), its rows into `out`.
void scan_depth(const Settings& s, const std::string& init, std::size_t i, std::size_t d, std::uint64_t experiment_seed,
                JobResult& out) {
  const long L = s.depths[d];
  const std::unique_ptr<Mlp> f =
      make_deep_linear(net_params(s, std::vector<long>(static_cast<std::size_t>(L - 1), s.hidden)));
  const Mlp& mlp = *f;
  const double f0 = 0.5 * mlp.data().targets.squaredNorm() / static_cast<double>(mlp.data().size());
  const double target = s.criterion * f0;
  const std::uint64_t seed = Rng::derived(Rng::derived(experiment_seed, 2 + i).bits(), d).bits() >> 11;
  const Vec theta0 = initial_point(InitParams{.scheme = parse_init_scheme(init), .gain = 1, .seed = seed}, mlp);
  long best_steps = -1;
  double best_lr = std::numeric_limits<double>::quiet_NaN();
  int misses = 0;
  for (long j = 0; j < s.lr_grid; ++j) {
    const double lr = s.lr_max * std::pow(2.0, -static_cast<double>(j));
    const long cap = best_steps > 0 ? std::min(s.max_steps, 2 * best_steps) : s.max_steps;
    const CriterionRun r = gd_time_to_criterion(mlp, theta0, lr, target, cap);
    out.row(kScanCsv, {init, static_cast<long long>(L), lr, static_cast<long long>(r.steps),
                       static_cast<long long>(r.diverged), r.final_loss});
    if (r.steps > 0 && (best_steps < 0 || r.steps < best_steps)) best_steps = r.steps, best_lr = lr;
    // Stable rates that miss the cap (twice the best time after a success; two in a row
    // before one, the largest stable rate may oscillate): smaller rates are slower still.
    misses = !r.diverged && r.steps < 0 ? misses + 1 : 0;
    if (misses >= (best_steps > 0 ? 1 : 2)) break;
  }
  out.row(kBestCsv, {init, static_cast<long long>(L), best_lr, static_cast<long long>(best_steps), mlp.value(theta0), target});
}

// The depth sweep: one job per (init, depth) on --jobs workers, rows merged in job order.
void part_two(Experiment& ex, const Settings& s) {
  ex.csv(kScanCsv, {"init", "depth", "lr", "steps", "diverged", "final_loss"});
  ex.csv(kBestCsv, {"init", "depth", "best_lr", "steps", "initial_loss", "target_loss"});
  const std::vector<std::string> inits = {"orthogonal", "gaussian"};
  harness::SweepAxes axes;
  axes.add_grid("init", "0,1");
  axes.add_grid("depth_index", "range:0:" + std::to_string(s.depths.size() - 1));
  const harness::JobTable table(axes, ex.seed());
  ex.add_results(ex.run_jobs(table, [&](const harness::Job& job, JobResult& out) {
    const std::size_t i = std::stoul(job.value("init")), d = std::stoul(job.value("depth_index"));
    scan_depth(s, inits[i], i, d, ex.seed(), out);
  }));
}

void body(Experiment& ex) {
  const Settings s = read_settings(ex.params());
  part_one(ex, s);
  part_two(ex, s);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<optdyn::harness::ExperimentParam> params = {
      {"levels", "5", "5", "tree levels: 2^levels items (Saxe: 5, 32 items)"},
      {"features", "1000", "1000", "features per item (Saxe: 1000)"},
      {"flip", "0.1", "0.1", "flip probability per tree edge (Saxe: 0.1)"},
      {"data_seed", "0", "0", "seed of the hierarchical data"},
      {"hidden", "32", "32", "hidden width (Saxe: N2 = 32)"},
      {"lr", "0.016", "0.016", "GD step η on the mean loss; Saxe's λ = η/P (0.016/32 = 0.5e-3, their value)"},
      {"u0", "1e-6", "1e-6", "decoupled initial mode strength (Saxe: 1e-6)"},
      {"random_gain", "1.4e-3", "1.4e-3", "gain of the small random Gaussian init (effective u0 ≈ gain²/2)"},
      {"horizon", "1.1", "1.1", "run length: this × the weakest mode's time to 0.99 s"},
      {"record_every", "10", "2", "record mode strengths every this many iterations"},
      {"integrator", "dopri5:rtol=1e-9,atol=1e-12", "dopri5:rtol=1e-11,atol=1e-14", "integrator of the gradient flow"},
      {"depths", "2-3-4-6-8", "2-3-4-6-8-12-16-24", "depths L (weight matrices) of the depth sweep"},
      {"lr_max", "0.5", "0.5", "largest learning rate of the depth sweep's grid"},
      {"lr_grid", "14", "16", "learning rates lr_max·2^-j, j = 0..lr_grid-1"},
      {"criterion", "1e-2", "1e-2", "depth sweep: train until F <= criterion·F0, F0 = loss of the zero net"},
      {"max_steps", "4000", "30000", "depth sweep: iteration cap per run"},
  };
  return optdyn::harness::run_experiment(
      argc, argv,
      {"saxe_modes",
       "Saxe et al. 2013 deep linear dynamics: mode strengths (analytic vs gradient flow vs GD) from decoupled and "
       "small random init on hierarchical data, learning time vs 1/s, learning time vs depth (orthogonal vs Gaussian)",
       params},
      body);
}
