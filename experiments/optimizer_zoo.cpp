// optimizer_zoo — every first-order optimizer of the seeds on four problems under the DeepOBS
// protocol (Schneider, Balles & Hennig 2019; Schmidt, Schneider & Hennig 2021; doc/references.md,
// "Performance profiles"; issue 17).
//
// Optimizers (lr is the only tuned value; every other parameter is the optimizer's default):
//   gd, sgd, momentum (classic, μ = 0.9), nesterov (look-ahead, μ = 0.9), adagrad, rmsprop,
//   adadelta, adam, adamax, nadam, amsgrad, delta_bar_delta (ε₀ = lr tuned, κ = lr/10 tied to it
//   so that the additive increase has the scale of the rate; φ, θ default).
// Problems:
//   mlp         a tanh MLP 784-H-10 with cross-entropy on a Fashion-MNIST subset; test metrics on
//               the first images of the test split;
//   logreg      softmax (multinomial logistic) regression on the same data (DeepOBS's mnist_logreg);
//   quadratic   an ill-conditioned quadratic ½θᵀAθ (rotated, log-spaced spectrum, condition κ);
//   rosenbrock  the Rosenbrock function (minimum 0 at (1, …, 1)).
//
// Budget and cost (doc/design.md, "Counters"). The cost unit is a gradient evaluation counted by
// the oracle. On the finite sums (mlp, logreg) it is an epoch: n per-sample gradients (the
// oracle's `samples` over n); every optimizer but gd takes minibatches of `batch` drawn by
// reshuffling (n/batch steps per epoch), gd takes full-batch steps (one per epoch). On quadratic
// and rosenbrock it is one full gradient (the oracle's `evals`); there gd and sgd are the same
// map. Every optimizer has the same budget, `epochs` or `steps`, checked against the counters
// after every run. Wall time is the time spent inside Optimizer::step only (recording excluded).
// Each run is recorded at the start and `epoch_records` (finite sums) or `step_records` times
// evenly over its budget: F on the whole training set, and on the classifiers the test loss and
// test error of analysis::classification_metrics on the held-out objective.
//
// Protocol. Phase 1 (tuning): every (problem, optimizer, lr of the `lrs` grid) is run with
// `tune_seeds` seeds; the chosen lr has the best final metric, the mean over the tuning seeds
// (analysis/learning_rate_tuning.hpp): the final test error on the classifiers (DeepOBS's final
// test accuracy), the final loss F on the others; a diverged run makes its lr diverged. Phase 2:
// `seeds` runs at the chosen lr. Seeds come from the sweep seed S: tuning seed r of every
// (problem, optimizer, lr) is the replicate seed r of S; final seed r is the replicate seed r of
// Rng::derived(S, 1) (so every optimizer meets the same starts and minibatch orders at a seed:
// common random numbers). A run's seed drives its start (`<problem>_x0` with ",seed=" appended)
// and its sampler (Rng::derived(seed, 1)).
//
// A run diverges when F is not finite or exceeds 1e6·(1 + F(θ₀)) at a record; its later records
// are NaN. Divergence is a result here (a grid value that blows up), never a failure.
//
// Outputs: tuning.csv (every tuning run), sensitivity.csv (per grid value: the metric, diverged
// runs, whether chosen), chosen.csv (the chosen lr, the grid's ends, whether at an edge), runs.csv
// (every final run at every record), curves.csv (per record: median and quartiles over the seeds
// of loss, test loss and test error; a diverged run counts as +inf), summary.csv (final metric:
// median, quartiles, mean ± standard error, diverged runs, rank), ratios.csv and profile.csv
// (performance profiles in gradient evaluations, one per tolerance of `profile_tols`: instances
// are (problem, final seed), a run solves an instance at its first record with
// F ≤ F_L + tol·(F(θ₀) − F_L), F_L the least F any optimizer recorded on it; costs are resolved
// to the record spacing, so optimizers that pass at the same record tie), wall_time.json
// (seconds at every record of every final run and the profiles in wall time: the only output
// that is not reproducible). The manifest notes each chosen lr (marked at a grid edge), each
// problem's winner by median final metric and whether its quartile band is apart from the
// runner-up's, and ρ(1) and ρ(∞) of every profile.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/experiment.hpp"
#include "harness/job_table.hpp"
#include "optdyn/analysis/classification_metrics.hpp"
#include "optdyn/analysis/learning_rate_tuning.hpp"
#include "optdyn/analysis/mean_estimate.hpp"
#include "optdyn/analysis/performance_profile.hpp"
#include "optdyn/analysis/sample_spread.hpp"
#include "optdyn/core/error.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/core/text.hpp"
#include "optdyn/objectives/initial_point.hpp"
#include "optdyn/objectives/registry.hpp"
#include "optdyn/optimizers/oracle.hpp"
#include "optdyn/optimizers/registry.hpp"

namespace {

using namespace optdyn;
using harness::Experiment;
using harness::JobResult;

const std::string kPrefix = "experiment 'optimizer_zoo': ";
const double kNan = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();
const std::vector<std::string> kProblems = {"mlp", "logreg", "quadratic", "rosenbrock"};
constexpr double kDivergence = 1e6;  // diverged: F > kDivergence·(1 + F(θ₀))

std::string num(double x) { return format_number(x); }

// The optimizer spec at learning rate lr (see the header for what is fixed).
std::string optimizer_spec(const std::string& name, double lr) {
  if (name == "momentum" || name == "nesterov") return name + ":lr=" + num(lr) + ",mu=0.9";
  if (name == "delta_bar_delta") return name + ":lr=" + num(lr) + ",kappa=" + num(lr / 10);
  return name + ":lr=" + num(lr);
}

// --- problems and runs ------------------------------------------------------------------------
struct Problem {
  std::string name;
  ObjectivePtr train, test;  // test: the held-out classifier (null for quadratic, rosenbrock)
  std::string x0;            // start scheme; ",seed=<run seed>" is appended
  bool finite_sum = false;
  long units = 0;            // budget: epochs (finite sums) or gradient evaluations
  long per_record = 0;       // units between two records
  long batch = 1;            // minibatch of the stochastic optimizers (finite sums)
};

// One run's records: k = 0 (the start) … records.
struct Curve {
  std::vector<double> cost, loss, test_loss, test_error, seconds;
  bool diverged = false;
};

// Steps of `optimizer` per cost unit on p (a unit is an epoch or one gradient).
long steps_per_unit(const Problem& p, const std::string& optimizer) {
  return p.finite_sum && optimizer != "gd" ? p.train->num_samples() / p.batch : 1;
}

std::unique_ptr<ObjectiveOracle> make_oracle(const Problem& p, const std::string& optimizer, std::uint64_t seed) {
  if (steps_per_unit(p, optimizer) == 1) return std::make_unique<ObjectiveOracle>(*p.train);
  return std::make_unique<ObjectiveOracle>(*p.train, p.batch, Sampling::shuffle, Rng::derived(seed, 1).bits() >> 11);
}

// The cost spent so far, from the oracle's counters: epochs = samples/n on a finite sum, else
// gradient evaluations.
double cost_of(const Problem& p, const ObjectiveOracle& oracle) {
  if (!p.finite_sum) return static_cast<double>(oracle.calls());
  return static_cast<double>(oracle.samples()) / static_cast<double>(p.train->num_samples());
}

void record(const Problem& p, const ObjectiveOracle& oracle, const Vec& theta, double seconds, Curve& c) {
  c.cost.push_back(cost_of(p, oracle));
  c.loss.push_back(p.train->value(theta));  // diagnostics: the objective's counters, not the oracle's
  const std::optional<analysis::ClassificationMetrics> m =
      p.test ? analysis::classification_metrics(*p.test, theta) : std::nullopt;
  c.test_loss.push_back(m ? m->loss : kNan);
  c.test_error.push_back(m ? m->error : kNan);
  c.seconds.push_back(seconds);
}

// One run of `optimizer` at lr from the seeded start, recording every per_record units.
Curve run_curve(const Problem& p, const std::string& optimizer, double lr, std::uint64_t seed) {
  OptimizerPtr opt = make_optimizer(optimizer_spec(optimizer, lr));
  opt->reset(p.train->dim());
  const std::unique_ptr<ObjectiveOracle> oracle = make_oracle(p, optimizer, seed);
  Vec theta = initial_point(p.x0 + ",seed=" + std::to_string(seed), *p.train);
  const long records = p.units / p.per_record, steps = p.per_record * steps_per_unit(p, optimizer);
  Curve c;
  double seconds = 0.0;
  record(p, *oracle, theta, seconds, c);
  const double limit = kDivergence * (1.0 + std::abs(c.loss[0]));
  for (long k = 1; k <= records; ++k) {
    if (!c.diverged) {
      const auto start = std::chrono::steady_clock::now();
      try {
        for (long s = 0; s < steps; ++s) opt->step(theta, *oracle);
      } catch (const DivergenceError&) {  // a non-finite loss, gradient or iterate: data here
        c.diverged = true;
      }
      seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    if (c.diverged) {  // the run has stopped: its later records are kept, with NaN values
      for (auto* v : {&c.loss, &c.test_loss, &c.test_error, &c.seconds}) v->push_back(kNan);
      c.cost.push_back(static_cast<double>(k * p.per_record));
      continue;
    }
    record(p, *oracle, theta, seconds, c);
    if (!(c.loss.back() <= limit)) c.diverged = true;  // NaN or too large
  }
  // The budget is the same for every optimizer: checked against the oracle's own counters
  // (a diverged run stopped early).
  const double expected = static_cast<double>(records * p.per_record);
  if (!c.diverged &&
      (cost_of(p, *oracle) != expected || oracle->calls() != static_cast<std::uint64_t>(records * steps)))
    throw std::logic_error(kPrefix + optimizer + " on " + p.name + ": spent " + num(cost_of(p, *oracle)) +
                           " units, budget " + num(expected));
  return c;
}

// The tuning metric at the end of a run: final test error (classifiers) or final loss.
double final_metric(const Problem& p, const Curve& c) {
  if (c.diverged) return kNan;
  return p.test ? c.test_error.back() : c.loss.back();
}

std::vector<Problem> make_problems(const Spec& par) {
  const long batch = par.integer("batch", 1, 1'000'000), epochs = par.integer("epochs", 1, 1'000'000);
  const long steps = par.integer("steps", 1, 100'000'000);
  const long epoch_records = par.integer("epoch_records", 1, 10'000), step_records = par.integer("step_records", 1, 100'000);
  std::vector<Problem> out;
  for (const std::string& name : kProblems) {
    Problem p;
    p.name = name;
    p.train = make_objective(par.text(name + "_objective"));
    p.x0 = par.text(name + "_x0");
    if (p.x0.rfind("init:", 0) != 0 || p.x0.find("seed=") != std::string::npos)
      throw InputError(kPrefix + "key '" + name + "_x0': needs init:SCHEME[,gain=G] without seed (the run's seed is appended)");
    p.finite_sum = name == "mlp" || name == "logreg";
    if (p.finite_sum) {
      p.test = make_objective(par.text(name + "_test_objective"));
      if (!analysis::is_classifier(*p.train) || !analysis::is_classifier(*p.test) || p.test->dim() != p.train->dim())
        throw InputError(kPrefix + "key '" + name + "_test_objective': " + name +
                         " and its test objective must be classifiers of one dimension");
      if (p.train->num_samples() % batch != 0)
        throw InputError(kPrefix + "key 'batch': must divide the " + name + " samples (" +
                         std::to_string(p.train->num_samples()) + ")");
      p.batch = batch;
      p.units = epochs;
    } else {
      p.units = steps;
    }
    const long records = p.finite_sum ? epoch_records : step_records;
    if (p.units % records != 0)
      throw InputError(kPrefix + (p.finite_sum ? "key 'epoch_records': must divide epochs" : "key 'step_records': must divide steps"));
    p.per_record = p.units / records;
    (void)initial_point(p.x0 + ",seed=0", *p.train);  // bad scheme: exit 2 before any job
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<double> learning_rates(const Spec& par, std::vector<std::string>& texts) {
  texts = harness::parse_value_list("lrs", par.text("lrs"));
  std::vector<double> lrs;
  for (const std::string& t : texts) {
    double lr = 0.0;
    if (!parse_double(t, lr) || !(lr > 0)) throw InputError(kPrefix + "key 'lrs': " + t + " is not a positive number");
    if (!lrs.empty() && !(lr > lrs.back())) throw InputError(kPrefix + "key 'lrs': the grid must be ascending");
    lrs.push_back(lr);
  }
  return lrs;
}

std::vector<std::string> chosen_optimizers(const Spec& par) {
  std::vector<std::string> names =
      par.choice_list("optimizers", '/', {"gd", "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam",
                                          "adamax", "nadam", "amsgrad", "delta_bar_delta"});
  if (names.size() < 2) throw InputError(kPrefix + "key 'optimizers': a comparison needs at least two");
  for (std::size_t i = 0; i < names.size(); ++i)
    if (std::find(names.begin(), names.begin() + static_cast<long>(i), names[i]) != names.begin() + static_cast<long>(i))
      throw InputError(kPrefix + "key 'optimizers': " + names[i] + " is listed twice");
  return names;
}

}  // namespace

namespace {

// --- phase 1: the learning-rate grid -----------------------------------------------------------
struct Tuned {
  std::map<std::pair<std::string, std::string>, double> lr;  // (problem, optimizer) → chosen lr; absent: all diverged
};

Tuned tune(Experiment& ex, const std::vector<Problem>& probs, const std::vector<std::string>& opts,
           const std::vector<double>& lrs, const std::vector<std::string>& lr_texts, long tune_seeds) {
  harness::SweepAxes axes;
  axes.add_grid("problem", "range:0:" + std::to_string(probs.size() - 1));
  axes.add_grid("optimizer", "range:0:" + std::to_string(opts.size() - 1));
  axes.add_grid("lr", "range:0:" + std::to_string(lrs.size() - 1));
  axes.set_replicates(tune_seeds);
  const harness::JobTable table(axes, ex.seed());
  ex.csv("tuning.csv", {"problem", "optimizer", "lr", "tune_seed", "seed", "final_loss", "final_test_loss",
                        "final_test_error", "metric", "diverged"});
  const std::vector<JobResult> results = ex.run_jobs(table, [&](const harness::Job& job, JobResult& out) {
    const Problem& p = probs[std::stoul(job.value("problem"))];
    const std::string& o = opts[std::stoul(job.value("optimizer"))];
    const double lr = lrs[std::stoul(job.value("lr"))];
    const Curve c = run_curve(p, o, lr, job.replicate_seed);
    const double metric = final_metric(p, c);
    out.row("tuning.csv", {p.name, o, lr, static_cast<long long>(job.replicate),
                           static_cast<long long>(job.replicate_seed), c.loss.back(), c.test_loss.back(),
                           c.test_error.back(), metric, std::string(c.diverged ? "yes" : "no")});
    out.set("metric", metric);
  });
  ex.add_results(results);

  ex.csv("sensitivity.csv", {"problem", "optimizer", "lr", "metric", "diverged_runs", "chosen"});
  ex.csv("chosen.csv", {"problem", "optimizer", "lr", "metric", "grid_low", "grid_high", "at_edge"});
  Tuned tuned;
  std::size_t j = 0;  // jobs are in nested order: problem, optimizer, lr, tuning seed
  for (const Problem& p : probs)
    for (const std::string& o : opts) {
      std::vector<std::vector<double>> per_lr(lrs.size());
      std::vector<long> diverged(lrs.size(), 0);
      for (std::size_t i = 0; i < lrs.size(); ++i)
        for (long r = 0; r < tune_seeds; ++r, ++j) {
          per_lr[i].push_back(results[j].get("metric", kNan));
          diverged[i] += std::isnan(per_lr[i].back()) ? 1 : 0;
        }
      const std::vector<double> metric = analysis::grid_metric(per_lr);
      const std::optional<std::size_t> best = analysis::tuned_index(metric);
      for (std::size_t i = 0; i < lrs.size(); ++i)
        ex.csv("sensitivity.csv").row({p.name, o, lrs[i], metric[i], static_cast<long long>(diverged[i]),
                                       std::string(best == i ? "yes" : "no")});
      const std::string key = p.name + "_" + o + "_lr";
      if (!best) {
        ex.csv("chosen.csv").row({p.name, o, kNan, kNan, lrs.front(), lrs.back(), std::string("none")});
        ex.note(key, "none (every grid value diverged)");
        continue;
      }
      tuned.lr[{p.name, o}] = lrs[*best];
      const bool edge = analysis::at_grid_edge(*best, lrs.size());
      ex.csv("chosen.csv").row({p.name, o, lrs[*best], metric[*best], lrs.front(), lrs.back(),
                                std::string(edge ? "yes" : "no")});
      ex.note(key, lr_texts[*best] + (edge ? " (grid edge)" : ""));
    }
  return tuned;
}

// --- phase 2: seeds at the chosen learning rate --------------------------------------------------
// Every final run, by (problem, optimizer), seeds in order; an optimizer without a chosen lr
// has no runs.
using Runs = std::map<std::pair<std::string, std::string>, std::vector<Curve>>;

std::string key(const char* what, long k) { return what + std::to_string(k); }

Runs final_runs(Experiment& ex, const std::vector<Problem>& probs, const std::vector<std::string>& opts,
                const Tuned& tuned, long seeds) {
  harness::SweepAxes axes;
  axes.add_grid("problem", "range:0:" + std::to_string(probs.size() - 1));
  axes.add_grid("optimizer", "range:0:" + std::to_string(opts.size() - 1));
  axes.set_replicates(seeds);
  const harness::JobTable table(axes, Rng::derived(ex.seed(), 1).bits() >> 11);
  ex.csv("runs.csv", {"problem", "optimizer", "lr", "seed_index", "seed", "record", "evals", "loss", "test_loss",
                      "test_error", "diverged"});
  const std::vector<JobResult> results = ex.run_jobs(table, [&](const harness::Job& job, JobResult& out) {
    const Problem& p = probs[std::stoul(job.value("problem"))];
    const std::string& o = opts[std::stoul(job.value("optimizer"))];
    const auto lr = tuned.lr.find({p.name, o});
    if (lr == tuned.lr.end()) return;
    const Curve c = run_curve(p, o, lr->second, job.replicate_seed);
    for (std::size_t k = 0; k < c.cost.size(); ++k) {
      out.row("runs.csv", {p.name, o, lr->second, static_cast<long long>(job.replicate),
                           static_cast<long long>(job.replicate_seed), static_cast<long long>(k), c.cost[k], c.loss[k],
                           c.test_loss[k], c.test_error[k], std::string(c.diverged ? "yes" : "no")});
      const long kk = static_cast<long>(k);
      out.set(key("c", kk), c.cost[k]), out.set(key("l", kk), c.loss[k]), out.set(key("tl", kk), c.test_loss[k]);
      out.set(key("te", kk), c.test_error[k]), out.set(key("s", kk), c.seconds[k]);
    }
    out.set("records", static_cast<double>(c.cost.size()));
    out.set("diverged", c.diverged ? 1.0 : 0.0);
  });
  ex.add_results(results);
  Runs runs;
  for (std::size_t j = 0; j < table.size(); ++j) {
    const JobResult& r = results[j];
    const long n = static_cast<long>(r.get("records", 0.0));
    if (n == 0) continue;
    Curve c;
    for (long k = 0; k < n; ++k) {
      c.cost.push_back(r.get(key("c", k), kNan)), c.loss.push_back(r.get(key("l", k), kNan));
      c.test_loss.push_back(r.get(key("tl", k), kNan)), c.test_error.push_back(r.get(key("te", k), kNan));
      c.seconds.push_back(r.get(key("s", k), kNan));
    }
    c.diverged = r.get("diverged", 0.0) != 0.0;
    runs[{probs[std::stoul(table[j].value("problem"))].name, opts[std::stoul(table[j].value("optimizer"))]}]
        .push_back(std::move(c));
  }
  return runs;
}

// --- summaries ----------------------------------------------------------------------------------
// Quartiles over runs with a diverged (NaN) value counted as +inf: the band of "where the runs
// are", in which a blow-up is the worst outcome rather than a missing one.
std::vector<double> quartiles(std::vector<double> x) {
  for (double& v : x)
    if (std::isnan(v)) v = kInf;
  return {analysis::sample_quantile(x, 0.25), analysis::sample_quantile(x, 0.5), analysis::sample_quantile(x, 0.75)};
}

std::vector<double> at(const std::vector<Curve>& runs, std::vector<double> Curve::*field, std::size_t k) {
  std::vector<double> x;
  for (const Curve& c : runs) x.push_back((c.*field)[k]);
  return x;
}

void write_curves(Experiment& ex, const Problem& p, const std::string& o, double lr, const std::vector<Curve>& runs) {
  for (std::size_t k = 0; k < runs.front().cost.size(); ++k) {
    std::vector<harness::CsvCell> row{p.name, o, lr, static_cast<long long>(k), runs.front().cost[k]};
    for (auto field : {&Curve::loss, &Curve::test_loss, &Curve::test_error}) {
      const std::vector<double> q = p.test || field == &Curve::loss ? quartiles(at(runs, field, k))
                                                                    : std::vector<double>(3, kNan);
      row.insert(row.end(), q.begin(), q.end());
    }
    ex.csv("curves.csv").row(row);
  }
}

// The final metric of every seed (the tuning metric: test error or loss; NaN: diverged).
std::vector<double> finals(const Problem& p, const std::vector<Curve>& runs) {
  std::vector<double> x;
  for (const Curve& c : runs) x.push_back(final_metric(p, c));
  return x;
}

// summary.csv: per optimizer the final metric's median, quartiles, mean ± s.e. (over finite
// runs), diverged runs and rank by median; the winner and whether its quartile band is apart
// from the runner-up's (the "clear winner" test) go to the manifest.
void write_summary(Experiment& ex, const Problem& p, const std::vector<std::string>& opts, const Tuned& tuned,
                   const Runs& runs) {
  std::vector<std::pair<double, std::string>> ranked;
  std::map<std::string, std::vector<double>> q;
  for (const std::string& o : opts) {
    const auto it = runs.find({p.name, o});
    q[o] = it == runs.end() ? std::vector<double>(3, kInf) : quartiles(finals(p, it->second));
    ranked.emplace_back(q[o][1], o);
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (std::size_t rank = 0; rank < ranked.size(); ++rank) {
    const std::string& o = ranked[rank].second;
    const auto it = runs.find({p.name, o});
    std::vector<double> finite;
    long diverged = 0;
    if (it != runs.end())
      for (double v : finals(p, it->second)) {
        if (std::isnan(v)) ++diverged;
        else finite.push_back(v);
      }
    // Mean and s.e. s/√M over the finite runs; one finite run has a mean but no spread.
    double mean = kNan, se = kNan;
    if (finite.size() >= 2) {
      const analysis::MeanEstimate e = analysis::estimate_mean(finite);
      mean = e.mean;
      se = e.std_error;
    } else if (finite.size() == 1) {
      mean = finite.front();
    }
    const auto lr = tuned.lr.find({p.name, o});
    ex.csv("summary.csv").row({p.name, o, lr == tuned.lr.end() ? kNan : lr->second,
                               std::string(p.test ? "test_error" : "loss"), q[o][1], q[o][0], q[o][2], mean, se,
                               static_cast<long long>(diverged), static_cast<long long>(rank + 1)});
  }
  const std::string& best = ranked[0].second;
  const std::string& second = ranked[1].second;
  ex.note(p.name + "_winner", best);
  ex.note(p.name + "_winner_separated", q[best][2] < q[second][0] ? "yes (upper quartile below the runner-up's lower)"
                                                                  : "no (quartile band overlaps " + second + "'s)");
}

// Moré–Wild costs of every (problem, seed) instance × optimizer, in gradient evaluations and
// seconds; F_L the least F recorded on the instance by any optimizer.
struct Costs {
  double tol = 0.0;
  std::vector<std::vector<double>> evals, seconds;
  std::vector<std::pair<std::string, long>> instances;
};

Costs profile_costs(const std::vector<Problem>& probs, const std::vector<std::string>& opts, const Runs& runs,
                    long seeds, double tol) {
  Costs out;
  out.tol = tol;
  for (const Problem& p : probs)
    for (long r = 0; r < seeds; ++r) {
      double best = kInf;
      for (const std::string& o : opts)
        if (const auto it = runs.find({p.name, o}); it != runs.end())
          for (double f : it->second[static_cast<std::size_t>(r)].loss)
            if (!std::isnan(f)) best = std::min(best, f);
      std::vector<double> e(opts.size(), kInf), s(opts.size(), kInf);
      for (std::size_t i = 0; i < opts.size(); ++i) {
        const auto it = runs.find({p.name, opts[i]});
        if (it == runs.end() || !std::isfinite(best)) continue;
        const Curve& c = it->second[static_cast<std::size_t>(r)];
        e[i] = analysis::cost_to_target(c.cost, c.loss, best, tol);
        s[i] = analysis::cost_to_target(c.seconds, c.loss, best, tol);
      }
      out.evals.push_back(e), out.seconds.push_back(s), out.instances.emplace_back(p.name, r);
    }
  return out;
}

void write_profile(Experiment& ex, const std::vector<std::string>& opts, const Costs& costs) {
  const std::vector<std::vector<double>> ratios = analysis::performance_ratios(costs.evals);
  for (std::size_t i = 0; i < ratios.size(); ++i)
    for (std::size_t s = 0; s < opts.size(); ++s)
      ex.csv("ratios.csv").row({costs.tol, costs.instances[i].first, static_cast<long long>(costs.instances[i].second), opts[s],
                                costs.evals[i][s], ratios[i][s]});
  const analysis::PerformanceProfile prof = analysis::performance_profile(costs.evals);
  for (std::size_t s = 0; s < opts.size(); ++s) {
    for (std::size_t k = 0; k < prof.taus.size(); ++k)
      ex.csv("profile.csv").row({costs.tol, opts[s], prof.taus[k], prof.rho[s][k]});
    const std::string at = "profile_tol" + format_number(costs.tol, 6) + "_";  // short: a key
    ex.note(at + "rho1_" + opts[s], format_number(prof.rho[s][0], 4));
    ex.note(at + "solved_" + opts[s], format_number(prof.rho[s].back(), 4));
  }
}

// wall_time.json: {"runs": {problem: {optimizer: [[seconds at each record] per seed]}},
// "profiles": [{"tol": tol, "profile": {optimizer: [[τ, ρ], …]}}, …]} — wall time is not
// reproducible, so it is kept apart.
void write_wall_time(Experiment& ex, const std::vector<std::string>& opts, const Runs& runs,
                     const std::vector<Costs>& all) {
  nlohmann::ordered_json j;
  j["note"] = "seconds inside Optimizer::step (recording excluded); not reproducible";
  for (const auto& [id, curves] : runs)
    for (const Curve& c : curves) {
      nlohmann::ordered_json secs = nlohmann::ordered_json::array();
      for (double s : c.seconds) secs.push_back(std::isnan(s) ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s));
      j["runs"][id.first][id.second].push_back(std::move(secs));
    }
  for (const Costs& costs : all) {
    const analysis::PerformanceProfile prof = analysis::performance_profile(costs.seconds);
    nlohmann::ordered_json one;
    one["tol"] = costs.tol;
    for (std::size_t s = 0; s < opts.size(); ++s)
      for (std::size_t k = 0; k < prof.taus.size(); ++k)
        one["profile"][opts[s]].push_back(nlohmann::ordered_json::array({prof.taus[k], prof.rho[s][k]}));
    j["profiles"].push_back(std::move(one));
  }
  ex.write_file("wall_time.json", j.dump(1) + "\n");
}

void body(Experiment& ex) {
  const Spec& par = ex.params();
  const std::vector<Problem> probs = make_problems(par);
  std::vector<std::string> lr_texts;
  const std::vector<double> lrs = learning_rates(par, lr_texts);
  const std::vector<std::string> opts = chosen_optimizers(par);
  const long tune_seeds = par.integer("tune_seeds", 1, 1000), seeds = par.integer("seeds", 2, 10'000);
  const std::vector<double> tols = par.real_list("profile_tols", '/');
  for (double t : tols)
    if (!(t >= 0 && t <= 1)) throw InputError(kPrefix + "key 'profile_tols': " + num(t) + " is not in [0, 1]");
  ex.note("lr_grid", par.text("lrs"));

  const Tuned tuned = tune(ex, probs, opts, lrs, lr_texts, tune_seeds);
  const Runs runs = final_runs(ex, probs, opts, tuned, seeds);

  ex.csv("curves.csv", {"problem", "optimizer", "lr", "record", "evals", "loss_q25", "loss_median", "loss_q75",
                        "test_loss_q25", "test_loss_median", "test_loss_q75", "test_error_q25", "test_error_median",
                        "test_error_q75"});
  ex.csv("summary.csv", {"problem", "optimizer", "lr", "metric", "median", "q25", "q75", "mean", "std_error",
                         "diverged", "rank"});
  for (const Problem& p : probs) {
    for (const std::string& o : opts)
      if (const auto it = runs.find({p.name, o}); it != runs.end()) write_curves(ex, p, o, tuned.lr.at({p.name, o}), it->second);
    write_summary(ex, p, opts, tuned, runs);
  }
  ex.csv("ratios.csv", {"tol", "problem", "seed_index", "optimizer", "evals_to_target", "ratio"});
  ex.csv("profile.csv", {"tol", "optimizer", "tau", "rho"});
  std::vector<Costs> all;
  for (double tol : tols) {
    all.push_back(profile_costs(probs, opts, runs, seeds, tol));
    write_profile(ex, opts, all.back());
  }
  write_wall_time(ex, opts, runs, all);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string fm = "act=tanh,loss=ce,data=fashion-mnist";
  return optdyn::harness::run_experiment(
      argc, argv,
      {"optimizer_zoo",
       "twelve first-order optimizers on an MLP, a logistic regression, an ill-conditioned quadratic and Rosenbrock: "
       "learning rate tuned on a log grid at one budget of gradient evaluations, then many seeds; curves, "
       "sensitivity and a performance profile",
       {
           {"mlp_objective", "mlp:widths=784-4-10," + fm + ",n=128", "mlp:widths=784-32-10," + fm + ",n=2048",
            "training objective of the MLP problem"},
           {"mlp_test_objective", "mlp:widths=784-4-10," + fm + ",n=128,split=test",
            "mlp:widths=784-32-10," + fm + ",n=2000,split=test", "held-out objective of the MLP (test split)"},
           {"mlp_x0", "init:xavier", "init:xavier", "MLP start (the run's seed is appended)"},
           {"logreg_objective", "softmax_regression:n=128", "softmax_regression:n=2048",
            "training objective of the logistic regression (Fashion-MNIST, 10 classes)"},
           {"logreg_test_objective", "softmax_regression:n=128,split=test", "softmax_regression:n=2000,split=test",
            "held-out objective of the logistic regression"},
           {"logreg_x0", "init:xavier", "init:xavier", "logistic regression start"},
           {"quadratic_objective", "quadratic:dim=20,kappa=100,seed=1", "quadratic:dim=100,kappa=10000,seed=1",
            "ill-conditioned quadratic (λ from 1 down to 1/κ, rotated)"},
           {"quadratic_x0", "init:gaussian", "init:gaussian", "quadratic start"},
           {"rosenbrock_objective", "rosenbrock:dim=2", "rosenbrock:dim=2", "Rosenbrock function"},
           {"rosenbrock_x0", "init:gaussian,gain=0.5", "init:gaussian,gain=0.5", "Rosenbrock start"},
           {"optimizers", "gd/sgd/momentum/nesterov/adagrad/rmsprop/adadelta/adam/adamax/nadam/amsgrad/delta_bar_delta",
            "gd/sgd/momentum/nesterov/adagrad/rmsprop/adadelta/adam/adamax/nadam/amsgrad/delta_bar_delta",
            "the optimizers compared ('/'-separated)"},
           {"lrs", "log:1e-3:1:4", "log:1e-4:10:11", "learning-rate grid, ascending (log:LO:HI:N = N log-spaced values)"},
           {"batch", "16", "64", "minibatch of every optimizer but gd on the finite sums"},
           {"epochs", "2", "20", "budget on the finite sums, in epochs (n per-sample gradients each)"},
           {"steps", "100", "2000", "budget on quadratic and rosenbrock, in gradient evaluations"},
           {"epoch_records", "2", "20", "records per run on the finite sums (must divide epochs)"},
           {"step_records", "5", "100", "records per run on quadratic and rosenbrock (must divide steps)"},
           {"tune_seeds", "1", "1", "seeds per grid value in the tuning phase (DeepOBS: 1)"},
           {"seeds", "3", "10", "seeds at the chosen learning rate"},
           {"profile_tols", "0.1/0.001", "0.1/0.001",
            "Moré–Wild tolerances ('/'-separated): solved when F ≤ F_L + tol·(F(θ₀) − F_L), one profile each"},
       }},
      body);
}
