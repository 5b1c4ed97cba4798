// convergence_rates — measured against predicted convergence rates (seed 003; Goh 2017;
// Nesterov 2004; Su, Boyd & Candès 2014; Polyak & Juditsky 1992), through
// optdyn::analysis::convergence_rates (formulas and sources there).
//
// Part 1, linear rates (rates.csv, traces.csv). For each κ in `kappas`:
//  * `quadratic:dim=D,kappa=κ,lmax=1,rotate=true,shift=1,seed=S` (Haar-rotated, log-spaced
//    spectrum from 1 down to 1/κ, θ* at distance 1 from 0), θ₀ = 0;
//  * `least_squares:n=2D,dim=D,kappa=κ,seed=S` — not a Quadratic: its μ, L come from
//    extreme_eigenpairs of the Hessian at θ* (curvature_range), θ₀ = 0.
//  Methods (optdyn optimizers): gd at 2/(L+μ) and at 1/L; heavy ball (`momentum`, classic) at
//  Goh's optimum; nesterov (Sutskever form) with the standard tuning η = 1/L,
//  μ = (√κ−1)/(√κ+1) and the Lessard–Recht–Packard optimum. Each runs until
//  ‖θ_t − θ*‖ ≤ tolerance·‖θ₀ − θ*‖ (or max_steps); the rate is the log-linear fit over the
//  second half of the run with its 95% Student-t interval; predicted = max spectral radius
//  of the per-eigenvalue blocks over [μ, L].
// Part 2, sublinear (sublinear.csv, sublinear_fits.csv): Nesterov's worst-case quadratic
//  f = (L/4)(½xᵀAx − x₁), A = tridiag(−1, 2, −1) of size `worst_dim`, x₀ = 0, in its sine
//  eigenbasis (diagonal, so cheap). GD at η = 1/L against 2L r₀²/(t+1) (seed 003) and
//  2L r₀²/(t+4) (Nesterov 2004, Cor. 2.1.2); NAG (`nesterov:schedule=sbc`, s = 1/L) against
//  2r₀²/(s(k+1)²). Power-law fits over t ∈ [sublinear_steps/100, sublinear_steps]; predicted
//  exponents from the initial error's spectral measure ~ λ^{−3/2}dλ: GD −1/2 (gap ~ Σλc²e^{−2λt}),
//  NAG −1 (its error depends on λk² instead of λt: the exponent doubles).
// Part 3, SGD (sgd.csv, sgd_fits.csv): `least_squares:n=sgd_n,dim=sgd_dim,kappa=sgd_kappa,
//  noise=sgd_noise`, minibatches of `sgd_batch` drawn with replacement; gd with a constant step
//  η, and Robbins–Monro η_t = η/(1 + (t−1)/t₀)^α with t₀ = 2/(ημ) (α = 1: η_t ≈ 2/(μt);
//  α = 0.6), each with and without Polyak–Ruppert averaging (`|average:start=sgd_average_start`). The
//  gap F(θ_t) − F* (or F(θ̄_t) − F*) is averaged over `sgd_replicates` sampler seeds and
//  fitted with a power law over the last decade of t: predicted −1 for RM α = 1, for averaged
//  RM α = 0.6 (Polyak & Juditsky 1992) and for averaged constant steps on least squares
//  (Bach & Moulines 2013); −0.6 for RM α = 0.6 without averaging (the gap tracks η_t);
//  0 (a noise floor ∝ η) for constant steps.
//
// Randomness: the objectives' own seeds are derived from the experiment seed
// (Rng::derived(seed, 1)); SGD sampler seeds for replicate r: Rng::derived(seed, 100 + r).
#include <functional>
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "harness/command_line.hpp"
#include "harness/experiment.hpp"
#include "harness/progress.hpp"
#include "optdyn/analysis/convergence_rates.hpp"
#include "optdyn/core/error.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/core/text.hpp"
#include "optdyn/objectives/least_squares.hpp"
#include "optdyn/objectives/quadratic.hpp"
#include "optdyn/objectives/registry.hpp"
#include "optdyn/optimizers/averaging.hpp"
#include "optdyn/optimizers/gd.hpp"
#include "optdyn/optimizers/nesterov.hpp"
#include "optdyn/optimizers/registry.hpp"
#include "optdyn/optimizers/schedules.hpp"

namespace {

using namespace optdyn;
using namespace optdyn::analysis;
using harness::CsvWriter;
using harness::Experiment;
using harness::JobResult;

const std::string kPrefix = "experiment 'convergence_rates': ";
const double kNan = std::numeric_limits<double>::quiet_NaN();

struct Settings {
  long dim = 50;
  std::vector<double> kappas;
  double tolerance = 1e-10;
  long max_steps = 0;
  long worst_dim = 0, sublinear_steps = 0;
  long sgd_n = 0, sgd_dim = 0, sgd_batch = 1, sgd_steps = 0, sgd_replicates = 0;
  double sgd_kappa = 10, sgd_noise = 0.5, sgd_lr = 0.05;
  long sgd_average_start = 0;
};

Settings read_settings(const Spec& p) {
  Settings s;
  s.dim = p.integer("dim", 2, 5000);
  s.kappas = p.real_list("kappas", '/');
  for (double k : s.kappas)
    if (!(k >= 2.0 && k <= 1e8)) throw InputError(kPrefix + "key 'kappas': " + format_number(k) + " is outside [2, 1e8]");
  s.tolerance = p.real("tolerance", 1e-14, 0.1);
  s.max_steps = p.integer("max_steps", 10, 100'000'000);
  s.worst_dim = p.integer("worst_dim", 3, 10'000'000);
  s.sublinear_steps = p.integer("sublinear_steps", 100, 100'000'000);
  s.sgd_n = p.integer("sgd_n", 2, 10'000'000);
  s.sgd_dim = p.integer("sgd_dim", 1, 10'000);
  if (s.sgd_n < s.sgd_dim) throw InputError(kPrefix + "key 'sgd_n': must be >= sgd_dim");
  s.sgd_batch = p.integer("sgd_batch", 1, s.sgd_n);
  s.sgd_steps = p.integer("sgd_steps", 1000, 100'000'000);
  s.sgd_replicates = p.integer("sgd_replicates", 1, 10'000);
  s.sgd_kappa = p.real("sgd_kappa", 1.0, 1e8);
  s.sgd_noise = p.real("sgd_noise", 0.0, 1e6);
  s.sgd_lr = p.positive("sgd_lr");
  s.sgd_average_start = p.integer("sgd_average_start", 0, 1L << 40);
  if (2 * s.sgd_average_start > s.sgd_steps)  // the averaged runs' fit window lies after the start
    throw InputError(kPrefix + "key 'sgd_average_start': " + std::to_string(s.sgd_average_start) +
                     " must be at most half of sgd_steps = " + std::to_string(s.sgd_steps));
  return s;
}

// --- part 1 ------------------------------------------------------------------------------------
struct Tuning {
  std::string name;
  MethodParams params;
  double closed_form;  // the tuning's closed-form rate (NaN when it has none)
};

std::vector<Tuning> tunings(double mu, double L) {
  const double kappa = L / mu;
  return {{"gd_optimal", gd_optimal(mu, L), gd_optimal_rate(kappa)},
          {"gd_1/L", {RateMethod::gd, 1.0 / L, 0.0}, 1.0 - mu / L},
          {"heavy_ball_optimal", heavy_ball_optimal(mu, L), heavy_ball_optimal_rate(kappa)},
          {"nesterov_standard", nesterov_standard(mu, L), kNan},
          {"nesterov_optimal", nesterov_optimal(mu, L), nesterov_optimal_rate(kappa)}};
}

constexpr const char* kRatesCsv = "rates.csv";
constexpr const char* kTracesCsv = "traces.csv";

// ‖θ_t − θ*‖ at ≤ ~400 points (every step up to 100, then every ⌈steps/300⌉-th).
void write_trace(JobResult& out, const std::string& problem, double kappa, const std::string& method,
                 const Objective& f, const Vec& star, const Vec& theta0, const MethodParams& p, long steps) {
  OptimizerPtr opt = make_rate_optimizer(p);
  opt->reset(f.dim());
  ObjectiveOracle oracle(f);
  Vec theta = theta0;
  const long every = std::max(1L, steps / 300);
  out.row(kTracesCsv, {problem, kappa, method, 0LL, (theta - star).norm()});
  for (long k = 1; k <= steps; ++k) {
    opt->step(theta, oracle);
    if (k <= 100 || k % every == 0 || k == steps)
      out.row(kTracesCsv, {problem, kappa, method, static_cast<long long>(k), (theta - star).norm()});
  }
}

// One job of part 1: every tuning on one (κ, problem); rows and the largest rate errors.
void measure_problem(const Settings& s, double kappa, const std::string& problem, std::uint64_t seed, JobResult& out) {
  // The typed makers return the concrete objective, so its minimiser is at hand.
  ObjectivePtr f;
  Vec star;
  if (problem == "quadratic") {
    auto q = make_quadratic({.dim = s.dim, .kappa = kappa, .lmax = 1, .rotate = true, .seed = seed, .shift = 1});
    star = q->minimizer();
    f = std::move(q);
  } else {
    auto ls = make_least_squares({.n = 2 * s.dim, .dim = s.dim, .kappa = kappa, .seed = seed});
    star = ls->solution();
    f = std::move(ls);
  }
  const Vec theta0 = Vec::Zero(f->dim());
  const CurvatureRange range = curvature_range(*f, star);
  double worst_gd = 0.0, worst_hb = 0.0;
  for (const Tuning& tu : tunings(range.mu, range.L)) {
    const RateComparison c = compare_rate(*f, star, theta0, tu.params, range, s.max_steps, s.tolerance);
    out.row(kRatesCsv, {problem, kappa, tu.name, tu.params.lr, tu.params.momentum, range.mu, range.L, range.source,
                        c.predicted, tu.closed_form, c.measured.rate, c.measured.rate_low, c.measured.rate_high,
                        static_cast<long long>(c.steps), static_cast<long long>(c.reached)});
    const double rel = std::abs(c.measured.rate - c.predicted);
    if (tu.params.method == RateMethod::gd) worst_gd = std::max(worst_gd, rel);
    if (tu.params.method == RateMethod::heavy_ball) worst_hb = std::max(worst_hb, rel);
    write_trace(out, problem, kappa, tu.name, *f, star, theta0, tu.params, c.steps);
  }
  out.set("worst_gd", worst_gd);
  out.set("worst_hb", worst_hb);
}

// Part 1: one job per (κ, problem), merged in job order.
void part_linear(Experiment& ex, const Settings& s) {
  ex.csv(kRatesCsv, {"problem", "kappa", "method", "lr", "momentum", "mu", "L", "curvature_source",
                     "predicted", "closed_form", "measured", "ci_low", "ci_high", "steps", "reached"});
  ex.csv(kTracesCsv, {"problem", "kappa", "method", "t", "distance"});
  const std::uint64_t seed = Rng::derived(ex.seed(), 1).bits() >> 11;
  harness::SweepAxes axes;
  axes.add_grid("kappa_index", "range:0:" + std::to_string(s.kappas.size() - 1));
  axes.add_grid("problem", "quadratic,least_squares");
  const std::vector<JobResult> results =
      ex.run_jobs(harness::JobTable(axes, ex.seed()), [&](const harness::Job& job, JobResult& out) {
        measure_problem(s, s.kappas[std::stoul(job.value("kappa_index"))], job.value("problem"), seed, out);
      });
  ex.add_results(results);
  double worst_gd = 0.0, worst_hb = 0.0;
  for (const JobResult& r : results) {
    worst_gd = std::max(worst_gd, r.get("worst_gd", 0.0));
    worst_hb = std::max(worst_hb, r.get("worst_hb", 0.0));
  }
  ex.note("max_abs_gd_rate_error", format_number(worst_gd, 6));
  ex.note("max_abs_heavy_ball_rate_error", format_number(worst_hb, 6));
}

// --- part 2 ------------------------------------------------------------------------------------
// Log-spaced record steps 1..T (about 40 per decade, deduplicated).
std::vector<long> log_steps(long T) {
  std::vector<long> out;
  for (int j = 0;; ++j) {
    const auto k = static_cast<long>(std::llround(std::pow(10.0, j / 40.0)));
    if (k > T) break;
    if (out.empty() || k != out.back()) out.push_back(k);
  }
  if (out.back() != T) out.push_back(T);
  return out;
}

void part_sublinear(Experiment& ex, const Settings& s) {
  const Index D = s.worst_dim;
  const double L = 1.0, pi = std::acos(-1.0);
  // A = (L/4)tridiag(−1,2,−1): eigenvalues (L/4)(2 − 2cos(jπ/(D+1))), eigenvectors
  // s_j(i) = √(2/(D+1)) sin(ijπ/(D+1)); x* = (1 − i/(D+1))_i; components ⟨s_j, x*⟩ by the
  // closed form of Σ_i sin(ijπ/(D+1))(1 − i/(D+1)) = ½cot(jπ/(2(D+1))) (a ramp's sine sum).
  Vec eigs(D), star(D);
  for (Index j = 1; j <= D; ++j) {
    const double x = j * pi / (D + 1.0);
    eigs(j - 1) = 0.25 * L * (2.0 - 2.0 * std::cos(x));
    star(j - 1) = std::sqrt(2.0 / (D + 1.0)) * 0.5 / std::tan(0.5 * x);
  }
  Quadratic f(eigs, Mat(), star, "nesterov_worst_case:dim=" + std::to_string(D) + ",L=1");
  const double r0_sq = star.squaredNorm();
  ex.note("worst_case_r0_squared", format_number(r0_sq, 8));

  CsvWriter& out = ex.csv("sublinear.csv", {"method", "t", "gap", "bound_seed003", "bound_nesterov", "bound_nag"});
  CsvWriter& fits = ex.csv("sublinear_fits.csv", {"method", "t_from", "t_to", "exponent", "ci_low", "ci_high", "predicted"});
  const std::vector<long> record = log_steps(s.sublinear_steps);
  for (const std::string method : {"gd", "nag"}) {
    OptimizerPtr opt = method == "gd" ? make_gd({.lr = 1})
                                      : make_nesterov({.lr = 1, .schedule = NesterovParams::Schedule::sbc, .r = 3});
    opt->reset(D);
    ObjectiveOracle oracle(f);
    Vec theta = Vec::Zero(D);
    std::vector<double> t_fit, y_fit;
    std::size_t next = 0;
    for (long k = 1; k <= s.sublinear_steps; ++k) {
      opt->step(theta, oracle);
      if (k != record[next]) continue;
      ++next;
      const double gap = f.value(theta);  // F* = 0
      out.row({method, static_cast<long long>(k), gap, gd_convex_bound_seed(L, r0_sq, k),
               gd_convex_bound_nesterov(L, r0_sq, k), nag_convex_bound(1.0 / L, r0_sq, k)});
      if (k >= s.sublinear_steps / 100) t_fit.push_back(static_cast<double>(k)), y_fit.push_back(gap);
    }
    const PowerLawFit p = fit_power_law(t_fit, y_fit);
    fits.row({method, static_cast<long long>(s.sublinear_steps / 100), static_cast<long long>(s.sublinear_steps),
              p.exponent, p.exponent_low, p.exponent_high, method == "gd" ? -0.5 : -1.0});
    ex.note("sublinear_exponent_" + method, format_number(p.exponent, 6));
  }
}

// --- part 3 ------------------------------------------------------------------------------------
// gd:lr=sgd_lr, then robbins_monro:alpha=rm_alpha,t0=t0 (rm_alpha > 0), then average:start=sgd_average_start.
struct SgdRun {
  std::string name;
  double rm_alpha;  // 0: constant steps
  bool averaged;
  double predicted_exponent;
};

OptimizerPtr make_sgd_run(const SgdRun& run, const Settings& s, double t0) {
  OptimizerPtr opt = make_gd({.lr = s.sgd_lr});
  if (run.rm_alpha > 0) opt->add_modifier(make_robbins_monro({.alpha = run.rm_alpha, .t0 = t0}));
  if (run.averaged) opt->add_modifier(make_average({.start = s.sgd_average_start}));
  return opt;
}

// The noisy least-squares problem of part 3, its minimiser and curvature range; InputError
// naming sgd_lr when the step is beyond 2/L (even the noiseless iteration diverges). body()
// calls it before part 1 writes anything.
struct SgdProblem {
  ObjectivePtr f;
  Vec star;
  CurvatureRange range;
};

SgdProblem sgd_problem(const Experiment& ex, const Settings& s) {
  const std::uint64_t seed = Rng::derived(ex.seed(), 1).bits() >> 11;
  SgdProblem pr;
  auto ls = make_least_squares(
      {.n = s.sgd_n, .dim = s.sgd_dim, .kappa = s.sgd_kappa, .noise = s.sgd_noise, .seed = seed});
  pr.star = ls->solution();
  pr.f = std::move(ls);
  pr.range = curvature_range(*pr.f, pr.star);
  if (!(s.sgd_lr * pr.range.L < 2.0))
    throw InputError(kPrefix + "key 'sgd_lr': " + format_number(s.sgd_lr) + " must be below 2/L = " +
                     format_number(2.0 / pr.range.L, 6));
  return pr;
}

// One schedule of part 3: its replicates, the mean gap at the record steps and the fitted
// exponent (rows for sgd.csv and sgd_fits.csv, a note).
void sgd_schedule(const Settings& s, const SgdProblem& pr, const SgdRun& run, double t0, double f_star,
                  const std::vector<long>& record, std::uint64_t seed, JobResult& out) {
  const ObjectivePtr& f = pr.f;
  std::vector<std::vector<double>> gaps(record.size());
  std::vector<double> lrs(record.size());
  for (long r = 0; r < s.sgd_replicates; ++r) {
    OptimizerPtr opt = make_sgd_run(run, s, t0);
    opt->reset(f->dim());
    ObjectiveOracle oracle(*f, s.sgd_batch, Sampling::replacement,
                           Rng::derived(seed, 100 + static_cast<std::uint64_t>(r)).bits());
    Vec theta = Vec::Zero(f->dim());
    std::size_t next = 0;
    for (long k = 1; k <= s.sgd_steps; ++k) {
      opt->step(theta, oracle);
      if (k != record[next]) continue;
      const Vec& point = run.averaged ? opt->state("average") : theta;
      gaps[next].push_back(std::max(f->value(point) - f_star, 0.0));
      lrs[next] = opt->last_lr();
      ++next;
    }
  }
  // The averaged iterate's 1/τ law counts τ from the start of averaging (the average of
  // θ_start..θ_t), so averaged runs are fitted against τ = t − start; others against t.
  // Window: the last 90% of the (log-spaced) run, τ ∈ [(T − origin)/10, T − origin].
  const long origin = run.averaged ? s.sgd_average_start : 0;
  const long from = origin + (s.sgd_steps - origin) / 10;
  std::vector<double> t_fit, y_fit;
  for (std::size_t j = 0; j < record.size(); ++j) {
    double mean = 0.0;
    for (double g : gaps[j]) mean += g / static_cast<double>(gaps[j].size());
    out.row("sgd.csv", {run.name, static_cast<long long>(record[j]), mean,
                        *std::min_element(gaps[j].begin(), gaps[j].end()),
                        *std::max_element(gaps[j].begin(), gaps[j].end()), lrs[j]});
    if (record[j] >= from && record[j] > origin && mean > 0) {
      t_fit.push_back(static_cast<double>(record[j] - origin));
      y_fit.push_back(mean);
    }
  }
  const PowerLawFit p = fit_power_law(t_fit, y_fit);
  out.row("sgd_fits.csv", {run.name, static_cast<long long>(from), static_cast<long long>(s.sgd_steps), p.exponent,
                           p.exponent_low, p.exponent_high, run.predicted_exponent});
  out.note("sgd_exponent_" + run.name, format_number(p.exponent, 6));
}

void part_sgd(Experiment& ex, const Settings& s, const SgdProblem& pr) {
  const ObjectivePtr& f = pr.f;
  const double f_star = f->value(pr.star);
  const CurvatureRange& range = pr.range;
  const double t0 = 2.0 / (s.sgd_lr * range.mu);  // η_t ≈ η t₀/t = 2/(μt)
  ex.note("sgd_mu", format_number(range.mu, 8));
  ex.note("sgd_L", format_number(range.L, 8));
  ex.note("sgd_robbins_monro_t0", format_number(t0, 8));
  const std::vector<SgdRun> runs = {
      {"constant", 0.0, false, 0.0},         {"constant+average", 0.0, true, -1.0},
      {"rm_alpha1", 1.0, false, -1.0},       {"rm_alpha1+average", 1.0, true, -1.0},
      {"rm_alpha0.6", 0.6, false, -0.6},     {"rm_alpha0.6+average", 0.6, true, -1.0}};

  const std::vector<long> record = log_steps(s.sgd_steps);
  ex.csv("sgd.csv", {"method", "t", "gap_mean", "gap_min", "gap_max", "lr_t"});
  ex.csv("sgd_fits.csv", {"method", "t_from", "t_to", "exponent", "ci_low", "ci_high", "predicted"});
  harness::SweepAxes axes;
  axes.add_grid("run", "range:0:" + std::to_string(runs.size() - 1));
  // One job per schedule (its replicates inside: they share the recording grid).
  ex.add_results(ex.run_jobs(harness::JobTable(axes, ex.seed()), [&](const harness::Job& job, JobResult& out) {
    sgd_schedule(s, pr, runs[std::stoul(job.value("run"))], t0, f_star, record, ex.seed(), out);
  }));
}

void body(Experiment& ex) {
  const Settings s = read_settings(ex.params());
  const SgdProblem sgd = sgd_problem(ex, s);  // every input checked before any output
  part_linear(ex, s);
  part_sublinear(ex, s);
  part_sgd(ex, s, sgd);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<optdyn::harness::ExperimentParam> params = {
      {"dim", "50", "200", "dimension of the quadratic and least-squares problems (least squares: n = 2·dim)"},
      {"kappas", "10/100/1000/10000", "10/100/1000/10000", "condition numbers κ ('/'-separated)"},
      {"tolerance", "1e-10", "1e-10", "run until ‖θ − θ*‖ <= tolerance·‖θ₀ − θ*‖"},
      {"max_steps", "1000000", "1000000", "step cap of the linear-rate runs"},
      {"worst_dim", "2001", "20001", "dimension of Nesterov's worst-case quadratic"},
      {"sublinear_steps", "2000", "20000", "steps of the sublinear runs"},
      {"sgd_n", "1000", "1000", "least-squares samples for SGD"},
      {"sgd_dim", "20", "20", "least-squares dimension for SGD"},
      {"sgd_kappa", "10", "10", "condition number of the SGD least-squares Hessian"},
      {"sgd_noise", "0.5", "0.5", "label noise of the SGD problem"},
      {"sgd_batch", "1", "1", "minibatch size (with replacement)"},
      {"sgd_lr", "0.02", "0.02", "base SGD step η"},
      {"sgd_average_start", "5000", "5000", "Polyak–Ruppert averaging starts after this many steps (burn-in)"},
      {"sgd_steps", "50000", "500000", "SGD steps"},
      {"sgd_replicates", "4", "20", "independent sampler seeds averaged per SGD method"},
  };
  return optdyn::harness::run_experiment(
      argc, argv,
      {"convergence_rates",
       "measured vs predicted linear rates of GD, heavy ball and Nesterov over kappa; sublinear GD/NAG on Nesterov's "
       "worst-case quadratic with their bounds; SGD constant vs Robbins-Monro steps, with and without averaging",
       params},
      body);
}
