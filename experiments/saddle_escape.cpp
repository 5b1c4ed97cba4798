// saddle_escape — which methods are attracted to saddles, which escape, at what cost (issue 7;
// seed 000: "How to efficiently pass plateaus, saddles?", Dauphin et al. 2014).
//
// Two starts near a saddle, every method from the same point:
//  (a) plateau: `plateau_saddle:dim=D,flat=D/2,eps=ε` (lib/src/objectives/saddles.cpp): the
//      critical point 0 has curvature ε < 0 (tiny) in the D/2 flat directions and 1 in the
//      others, index ½ (dense, τ relative); minima at x_j² = (1 + √(1−4ε))/2 in each flat
//      direction.
//  (b) mlp: a critical point of a small MLP found by Newton's method: `newton` (full steps,
//      dense Hessian) from init:gaussian,gain=`mlp_init_gain`,seed=s, s = mlp_seed, mlp_seed+1, …
//      (deterministic order, at most 50 seeds) until ‖∇F‖ < 1e-10 within 200 steps AND its
//      dense index > 0 with λmin < −mlp_min_negative·λmax (a clear saddle, not a near-flat
//      direction at the τ threshold); the seed used, the critical loss and index go to the manifest.
// The start is θ₀ = θ_saddle + ρ u, u a unit Gaussian direction from Rng::derived(seed, 7)
// (ρ = `perturbation`), the same u for every method.
//
// Methods (η = 1/λmax(∇²F(θ_saddle)), the largest stable-ish GD step for the top direction):
//   gd lr=η; momentum (classic v = μv + ηg) lr=η(1−μ), μ=0.9; adam lr=`adam_lr`; newton (full
//   step, dense); damped_newton damping=`damping`; saddle_free_newton mode=exact and
//   mode=krylov,k=`krylov_k` (damping by its grid search); parabola_regression lr=0.5,
//   fallback_lr=η, per coordinate and (parabola_subspace) mode=subspace,d=4 (V grown from the
//   first gradients, diagonalised every 10 steps, GD with η outside V); tonga damping=λ_T=0.01, lr=ηλ_T (near a saddle, where ‖g‖² ≪ λ_T, its step is
//   ≈ −η g: TONGA is built for noisy gradients; on this deterministic oracle it is a
//   normalised-gradient method far from critical points and GD near them).
//
// Recorded every `record_every` steps (and step 0): loss, ‖∇F‖, and the dense curvature
// snapshot of analysis::measure_curvature (index = #λ < −τ / D with τ = 1e-8·max|λ|,
// λmin, λmax), plus the oracle's counters. Cost model (x-axis "cost"): every oracle query
// counts 1 — a gradient, a value, an HVP — and a dense Hessian counts D (it is built from D
// HVPs; the plateau's closed-form Hessian is charged the same for comparability). The
// curvature measurements are outside the optimizer's oracle and not charged.
// CPU time: the optimizer's own time per step, measured on the job's thread
// (CLOCK_THREAD_CPUTIME_ID, measurements excluded: the work of the step, not the other jobs
// running beside it under --jobs N), is written to cpu_time.json — the only output that is
// not reproducible byte for byte; the CSV is.
//
// Jobs (harness/job_table.hpp): one per (problem, method), 2 × 10; the saddles are found
// first, in the experiment's process, and shared by every job.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <time.h>

#include <nlohmann/json.hpp>

#include "harness/experiment.hpp"
#include "harness/job_table.hpp"
#include "optdyn/analysis/curvature_monitor.hpp"
#include "optdyn/core/error.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/core/text.hpp"
#include "optdyn/objectives/initial_point.hpp"
#include "optdyn/objectives/registry.hpp"
#include "optdyn/objectives/saddles.hpp"
#include "optdyn/optimizers/newton.hpp"
#include "optdyn/optimizers/registry.hpp"

namespace {

using namespace optdyn;
using harness::CsvCell;
using harness::Experiment;
using harness::ExperimentParam;
using harness::JobResult;

const std::string kPrefix = "experiment 'saddle_escape': ";
constexpr std::uint64_t kPerturbationStream = 7;
constexpr int kMaxSaddleSeeds = 50;
constexpr int kNewtonSteps = 200;
constexpr double kCriticalGradient = 1e-10;
// The largest D of either problem: every recorded step computes the dense spectrum, and
// exact saddle-free Newton eigendecomposes the Hessian (O(D³) each).
constexpr Index kMaxDenseDim = 400;

struct Problem {
  std::string name, spec;
  ObjectivePtr objective;
  Vec saddle;
  analysis::CurvatureSnapshot at_saddle;
};

struct Method {
  std::string label, spec;
};

analysis::CurvatureOptions dense_options() {
  analysis::CurvatureOptions o;
  o.method = analysis::EigenMethod::dense;
  return o;
}

// Newton from small random inits until a critical point of positive index (deterministic
// order of seeds).
Problem mlp_saddle(const Spec& p, Experiment& ex) {
  Problem pr;
  pr.name = "mlp";
  pr.spec = "mlp:widths=" + p.text("mlp_widths") + ",act=tanh,loss=mse,data=teacher-mlp,teacher_widths=" +
            p.text("mlp_teacher_widths") + ",n=" + std::to_string(p.integer("mlp_n", 1, 10000)) + ",data_seed=1";
  pr.objective = make_objective(pr.spec);
  // Every recorded step measures the dense spectrum and exact saddle-free Newton
  // eigendecomposes H: keep D small enough for O(D³) per step.
  if (pr.objective->dim() > kMaxDenseDim)
    throw InputError(kPrefix + "key 'mlp_widths': the network has " + std::to_string(pr.objective->dim()) +
                     " parameters, more than " + std::to_string(kMaxDenseDim) + " (dense spectra every step)");
  const long first = p.integer("mlp_seed", 0, 1L << 40);
  const double gain = p.positive("mlp_init_gain");
  const double min_negative = p.real("mlp_min_negative", 0.0, 1.0);
  for (long s = first; s < first + kMaxSaddleSeeds; ++s) {
    Vec theta = initial_point(
        InitParams{.scheme = InitParams::Scheme::gaussian, .gain = gain, .seed = static_cast<std::uint64_t>(s)},
        *pr.objective);
    OptimizerPtr newton = make_newton({.solver = SymmetricSolver::dense});
    newton->reset(theta.size());
    ObjectiveOracle oracle(*pr.objective);
    Vec g;
    bool critical = false;
    for (int k = 0; k < kNewtonSteps && !critical; ++k) {
      try {
        newton->step(theta, oracle);
      } catch (const DivergenceError&) {  // this seed's Newton run blew up: try the next seed
        break;
      }
      pr.objective->value_and_gradient(theta, g);
      critical = g.norm() < kCriticalGradient;
    }
    if (!critical) continue;
    const auto snap = analysis::measure_curvature(*pr.objective, theta, dense_options(), &g);
    ex.note("mlp_seed_tried_" + std::to_string(s), "critical, index " + format_number(snap.index, 6) +
                                                       ", lambda_min " + format_number(snap.lambda_min, 6));
    if (snap.index > 0.0 && snap.lambda_min < -min_negative * snap.lambda_max) {
      ex.note("mlp_saddle_seed", std::to_string(s));
      pr.saddle = theta;
      pr.at_saddle = snap;
      return pr;
    }
  }
  throw InputError(kPrefix + "key 'mlp_seed': Newton found no saddle of positive index from seeds " +
                   std::to_string(first) + ".." + std::to_string(first + kMaxSaddleSeeds - 1));
}

Problem plateau_saddle(const Spec& p) {
  Problem pr;
  pr.name = "plateau";
  const Index d = p.integer("plateau_dim", 2, kMaxDenseDim);  // dense spectra every step
  pr.objective = make_plateau_saddle({.dim = d, .flat = d / 2, .eps = p.real("plateau_eps")});
  pr.spec = pr.objective->spec();
  pr.saddle = Vec::Zero(d);
  pr.at_saddle = analysis::measure_curvature(*pr.objective, pr.saddle, dense_options());
  return pr;
}

std::vector<Method> methods(const Spec& p, const Problem& pr) {
  const double eta = 1.0 / pr.at_saddle.lambda_max;
  const auto num = [](double x) { return harness::format_double(x); };
  const Index k = std::min<Index>(p.integer("krylov_k", 1, 1L << 20), pr.saddle.size());
  const double tonga_damping = 0.01;
  return {
      {"gd", "gd:lr=" + num(eta)},
      {"momentum", "momentum:lr=" + num(0.1 * eta) + ",mu=0.9"},
      {"adam", "adam:lr=" + num(p.positive("adam_lr"))},
      {"newton", "newton:solver=dense"},
      {"damped_newton", "damped_newton:solver=dense,damping=" + num(p.positive("damping"))},
      {"sfn_exact", "saddle_free_newton:mode=exact"},
      {"sfn_krylov", "saddle_free_newton:mode=krylov,k=" + std::to_string(k)},
      {"parabola_regression", "parabola_regression:lr=0.5,fallback_lr=" + num(eta)},
      {"parabola_subspace", "parabola_regression:mode=subspace,d=4,lr=0.5,fallback_lr=" + num(eta)},
      {"tonga", "tonga:lr=" + num(eta * tonga_damping) + ",damping=" + num(tonga_damping)},
  };
}

// The oracle's counters in the CSV, in column order.
constexpr std::string_view kCountColumns[] = {"gradients", "values", "hvps", "hessians"};

double cost(const Oracle& o, Index dim) {
  const EvaluationCounts& c = o.counts();
  return static_cast<double>(c.gradients + c.values + c.hvps) + static_cast<double>(c.hessians) * static_cast<double>(dim);
}

void record(JobResult& out, const Problem& pr, const Method& m, long step, const Oracle& o, const Vec& theta) {
  Vec g;
  const double loss = pr.objective->value_and_gradient(theta, g);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  analysis::CurvatureSnapshot s;
  const bool finite = theta.allFinite() && std::isfinite(loss);
  if (finite) s = analysis::measure_curvature(*pr.objective, theta, dense_options(), &g);
  std::vector<CsvCell> row = {pr.name, m.label, static_cast<long long>(step)};
  for (const auto& [name, value] : count_fields(o.counts(), kCountColumns)) row.emplace_back(static_cast<long long>(value));
  row.insert(row.end(), {cost(o, theta.size()), finite ? loss : nan, finite ? g.norm() : nan, finite ? s.index : nan,
                         finite ? s.lambda_min : nan, finite ? s.lambda_max : nan,
                         finite ? (theta - pr.saddle).norm() : nan});
  out.row("trajectories.csv", std::move(row));
}

// CPU seconds of the calling thread (POSIX CLOCK_THREAD_CPUTIME_ID).
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// The name under which a job hands back the CPU time at a recorded step.
std::string time_key(long step) { return "cpu_seconds_" + std::to_string(step); }

// One method from the perturbed start: its rows, and its CPU time at each recorded step.
void run_method(const Spec& p, const Problem& pr, const Method& m, const Vec& theta0, JobResult& out) {
  const long steps = p.integer("steps", 1, 1L << 30);
  const long every = p.integer("record_every", 1, 1L << 30);
  OptimizerPtr opt = make_optimizer(m.spec);
  opt->reset(theta0.size());
  ObjectiveOracle oracle(*pr.objective);
  Vec theta = theta0;
  double seconds = 0.0;
  record(out, pr, m, 0, oracle, theta);
  out.set(time_key(0), 0.0);
  // The clock is read once per record interval (a thread CPU clock is a system call, slower
  // than the smallest steps), never around a measurement.
  double start = thread_cpu_seconds();
  for (long k = 1; k <= steps; ++k) {
    // A method that blows up near the saddle is part of the comparison (data): its row at
    // the diverging step holds nan, and the method stops there.
    bool diverged = false;
    try {
      opt->step(theta, oracle);
    } catch (const DivergenceError&) {
      diverged = true;
    }
    if (k % every == 0 || k == steps || diverged) {
      seconds += thread_cpu_seconds() - start;
      record(out, pr, m, k, oracle, theta);
      out.set(time_key(k), seconds);
      start = thread_cpu_seconds();
    }
    if (diverged) break;
  }
}

// The start of every method on a problem: θ₀ = θ_saddle + ρu.
Vec perturbed_start(const Spec& p, const Problem& pr, std::uint64_t seed) {
  Rng rng = Rng::derived(seed, kPerturbationStream);
  Vec u = rng.normal_vector(pr.saddle.size());
  u /= u.norm();
  return pr.saddle + p.real_above("perturbation", 0.0, 1.0) * u;
}

void note_problem(Experiment& ex, const Problem& pr) {
  ex.note(pr.name + "_spec", pr.spec);
  ex.note(pr.name + "_saddle_loss", format_number(pr.objective->value(pr.saddle), 17));
  ex.note(pr.name + "_saddle_index", format_number(pr.at_saddle.index, 6));
  ex.note(pr.name + "_saddle_lambda_min", format_number(pr.at_saddle.lambda_min, 6));
  ex.note(pr.name + "_saddle_lambda_max", format_number(pr.at_saddle.lambda_max, 6));
}

// Every parameter the methods and runs read, checked before any output is opened (the
// harness stages output anyway, but a bad --set should fail in a second, not after the
// Newton saddle search).
void check_parameters(const Spec& p) {
  p.integer("steps", 1, 1L << 30);
  p.integer("record_every", 1, 1L << 30);
  p.real_above("perturbation", 0.0, 1.0);
  p.integer("krylov_k", 1, 1L << 20);
  p.positive("adam_lr");
  p.positive("damping");
}

void body(Experiment& ex) {
  const Spec& p = ex.params();
  check_parameters(p);
  std::vector<std::string> columns = {"problem", "method", "step"};
  columns.insert(columns.end(), std::begin(kCountColumns), std::end(kCountColumns));
  columns.insert(columns.end(), {"cost", "loss", "grad_norm", "index", "lambda_min", "lambda_max", "distance"});
  std::vector<Problem> problems;
  problems.push_back(plateau_saddle(p));
  problems.push_back(mlp_saddle(p, ex));
  std::vector<std::vector<Method>> methods_of;
  std::vector<Vec> starts;
  for (const Problem& pr : problems) {
    note_problem(ex, pr);
    methods_of.push_back(methods(p, pr));
    for (const Method& m : methods_of.back()) ex.note(pr.name + "_" + m.label, m.spec);
    starts.push_back(perturbed_start(p, pr, ex.seed()));
  }
  ex.csv("trajectories.csv", columns);
  harness::SweepAxes axes;
  axes.add_grid("problem", "range:0:" + std::to_string(problems.size() - 1));
  axes.add_grid("method", "range:0:" + std::to_string(methods_of.front().size() - 1));
  const std::vector<JobResult> results =
      ex.run_jobs(harness::JobTable(axes, ex.seed()), [&](const harness::Job& job, JobResult& out) {
        const std::size_t i = std::stoul(job.value("problem")), j = std::stoul(job.value("method"));
        run_method(p, problems[i], methods_of[i][j], starts[i], out);
      });
  ex.add_results(results);
  // cpu_time.json: {problem: {method: [[step, seconds], …]}}, job (i, j) at index i·|methods| + j.
  const long steps = p.integer("steps", 1, 1L << 30);
  nlohmann::json times = nlohmann::json::object();
  for (std::size_t i = 0; i < problems.size(); ++i)
    for (std::size_t j = 0; j < methods_of[i].size(); ++j) {
      const JobResult& r = results[i * methods_of[i].size() + j];
      nlohmann::json series = nlohmann::json::array();
      for (long k = 0; k <= steps; ++k)
        if (const double t = r.get(time_key(k), -1.0); t >= 0.0) series.push_back({k, t});
      times[problems[i].name][methods_of[i][j].label] = series;
    }
  ex.write_file("cpu_time.json", times.dump(1) + "\n");
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<ExperimentParam> params = {
      {"steps", "200", "2000", "steps per method and problem"},
      {"record_every", "2", "5", "record (loss, gradient, dense curvature) every K steps"},
      {"perturbation", "1e-4", "1e-4", "ρ: θ₀ = θ_saddle + ρu, u a seeded unit Gaussian direction"},
      {"plateau_dim", "10", "10", "plateau_saddle dimension D (flat = D/2)"},
      {"plateau_eps", "-0.01", "-0.01", "curvature ε of the flat directions at the saddle"},
      {"mlp_widths", "4-6-3", "4-6-3", "widths of the MLP whose saddle is found by Newton"},
      {"mlp_teacher_widths", "6", "6", "hidden widths of the tanh teacher MLP generating the targets"},
      {"mlp_n", "32", "32", "samples (Gaussian inputs, teacher targets)"},
      {"mlp_seed", "0", "0", "first init seed tried by the Newton saddle search"},
      {"mlp_init_gain", "0.1", "0.1", "gain of the Gaussian init of the Newton saddle search"},
      {"mlp_min_negative", "1e-3", "1e-3", "accept a saddle only if λmin < −mlp_min_negative·λmax (not a near-flat one)"},
      {"adam_lr", "0.01", "0.01", "Adam's learning rate"},
      {"damping", "0.1", "0.1", "ε of damped_newton"},
      {"krylov_k", "5", "5", "Lanczos vectors of saddle_free_newton mode=krylov (capped at D)"},
  };
  return optdyn::harness::run_experiment(
      argc, argv,
      {"saddle_escape",
       "loss and saddle index along trajectories of first-order, Newton-type, saddle-free and online regression "
       "methods started near a plateau saddle and near a Newton-found saddle of a small MLP",
       params},
      body);
}
