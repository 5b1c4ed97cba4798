// loss_concentration — the final losses of many seeded runs concentrate as the model grows
// (Choromanska, Henaff, Mathieu, Ben Arous & LeCun 2015, "The loss surfaces of multilayer
// networks", AISTATS; doc/references.md, "Concentration of final losses"; issue 15, part 3).
//
// Two models:
//  mlp    one-hidden-layer networks 784-H-10 (tanh, cross-entropy) on a Fashion-MNIST subset,
//         trained by minibatch SGD for a fixed number of epochs from init:SCHEME,seed=<run seed>,
//         the step annealed to 0 by a cosine over the run;
//         recorded: the final train loss (full batch over the training subset) and the test loss
//         of the same weights (the same network built with split=test).
//  pspin  the spherical 3-spin glass (objectives/spherical_pspin.hpp, a new coupling tensor per
//         run) descended by gd on the sphere (analysis/critical_points/sphere_descent.hpp) from a
//         uniform random start; recorded: the final energy per spin H/N, the gradient's size
//         and the steps taken. References (Auffinger, Ben Arous & Černý 2013): ground state
//         −E₀ ≈ −1.657 and threshold −E_∞ = −2√((p−1)/p) = −1.633 per spin for p = 3.
//
// Jobs: one per (system, seed), system = "mlp-H" or "pspin-N" (Experiment::run_jobs, so the
// files are the same bytes for any --jobs); a job's seed drives everything random in its run.
//
// Outputs: runs.csv (every run), summary.csv (per model, quantity and size: mean with its
// Student-t interval, sample variance with its chi-square and bootstrap intervals, minimum,
// quantiles, maximum; for mlp the train–test Pearson correlation), scaling.csv (the fitted
// exponent b of variance ≈ C·size^b with its standard error and interval), pspin_levels.csv
// (energies per spin against the ground state and the threshold).
#include <cmath>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "harness/experiment.hpp"
#include "optdyn/analysis/convergence_rates.hpp"
#include "optdyn/analysis/critical_points/sphere_descent.hpp"
#include "optdyn/analysis/critical_points/sphere_geometry.hpp"
#include "optdyn/analysis/mean_estimate.hpp"
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

const std::string kPrefix = "experiment 'loss_concentration': ";
constexpr int kP = 3;                         // the p of the p-spin runs
constexpr double kGroundState = -1.657;       // −E₀(3), ABC 2013 (energy per spin)
const double kThreshold = -2.0 * std::sqrt((kP - 1.0) / kP);  // −E_∞ = −2√((p−1)/p), ABC 2013
const std::vector<double> kQuantiles = {0.05, 0.25, 0.5, 0.75, 0.95};

// --- the mlp runs ---------------------------------------------------------------------------
struct MlpSetup {
  std::map<long, ObjectivePtr> train, test;  // by hidden width H
  std::string optimizer, init;
  long batch = 1, epochs = 1;
};

std::string mlp_spec(long width, const std::string& options, long n, const std::string& split) {
  return "mlp:widths=784-" + std::to_string(width) + "-10," + options + ",n=" + std::to_string(n) + ",split=" + split;
}

// `spec` with its step size annealed to 0 over `steps` steps by a cosine (Loshchilov & Hutter
// 2017): the last iterate then carries no step-size noise, so the spread over seeds is that of
// where the runs ended, not of their last minibatches.
std::string annealed(const std::string& spec, long steps) {
  return spec + "|cosine:t_max=" + std::to_string(steps) + ",min_factor=0";
}

// SGD for `epochs` passes of shuffled minibatches, step annealed; the final train and test losses.
void run_mlp(const MlpSetup& s, long width, std::uint64_t seed, JobResult& out) {
  const Objective& train = *s.train.at(width);
  Vec theta = initial_point("init:" + s.init + ",seed=" + std::to_string(seed), train);
  const long steps = s.epochs * ((train.num_samples() + s.batch - 1) / s.batch);
  OptimizerPtr opt = make_optimizer(annealed(s.optimizer, steps));
  opt->reset(train.dim());
  ObjectiveOracle oracle(train, s.batch, Sampling::shuffle, Rng::derived(seed, 1).bits() >> 11);
  for (long k = 0; k < steps; ++k) opt->step(theta, oracle);
  const double train_loss = train.value(theta), test_loss = s.test.at(width)->value(theta);
  out.row("runs.csv", {std::string("mlp"), static_cast<long long>(width), static_cast<long long>(seed), train_loss,
                       test_loss, static_cast<long long>(steps), std::nan("")});
  out.set("train", train_loss);
  out.set("test", test_loss);
}

// --- the p-spin runs --------------------------------------------------------------------------
struct PspinSetup {
  analysis::SphereDescentParams descent;
};

// A new coupling tensor and a uniform start on ‖σ‖² = N (a normalised Gaussian vector).
void run_pspin(const PspinSetup& s, long n, std::uint64_t seed, JobResult& out) {
  const ObjectivePtr f = make_objective("spherical_pspin:dim=" + std::to_string(n) + ",p=" + std::to_string(kP) +
                                        ",seed=" + std::to_string(seed));
  Rng rng = Rng::derived(seed, 2);
  Vec start(n);
  for (Index i = 0; i < n; ++i) start[i] = rng.normal();
  const analysis::SphereDescent run = analysis::descend_on_sphere(*f, analysis::onto_sphere(start), s.descent);
  const double energy = f->value(run.theta) / static_cast<double>(n);  // H/N
  out.row("runs.csv", {std::string("pspin"), static_cast<long long>(n), static_cast<long long>(seed), energy,
                       std::nan(""), static_cast<long long>(run.steps), run.gradient_rms});
  out.set("energy", energy);
  out.set("steps", static_cast<double>(run.steps));
  out.set("gradient_rms", run.gradient_rms);
  out.set("converged", run.converged ? 1.0 : 0.0);
}

// --- analysis -----------------------------------------------------------------------------------
// The values of one (model, size): each recorded key over the runs, in job order.
using Values = std::map<std::string, std::vector<double>>;

void write_summary(Experiment& ex, const std::string& model, const std::string& quantity, long size,
                   const Values& v, Rng& rng, long resamples) {
  const std::vector<double>& x = v.at(quantity);
  const analysis::MeanEstimate m = analysis::estimate_mean(x);
  const analysis::VarianceEstimate var = analysis::estimate_variance(x, rng, resamples);
  std::vector<harness::CsvCell> row = {model, quantity, static_cast<long long>(size), static_cast<long long>(x.size()),
                                       m.mean, m.low, m.high, var.variance, var.chi2_low, var.chi2_high,
                                       var.boot_low, var.boot_high, analysis::sample_quantile(x, 0.0)};
  for (double q : kQuantiles) row.push_back(analysis::sample_quantile(x, q));
  row.push_back(analysis::sample_quantile(x, 1.0));
  row.push_back(model == "mlp" ? analysis::pearson_correlation(v.at("train"), v.at("test")) : std::nan(""));
  ex.csv("summary.csv").row(row);
}

// variance ≈ C·size^b by least squares in log–log (fit_power_law).
void write_scaling(Experiment& ex, const std::string& model, const std::string& quantity,
                   const std::map<long, Values>& by_size) {
  std::vector<double> sizes, variances;
  for (const auto& [size, v] : by_size) {
    sizes.push_back(static_cast<double>(size));
    variances.push_back(analysis::estimate_variance(v.at(quantity)).variance);
  }
  if (sizes.size() < 3) return;  // (a fit needs three sizes)
  const analysis::PowerLawFit fit = analysis::fit_power_law(sizes, variances);
  ex.csv("scaling.csv").row({model, quantity, fit.exponent, fit.exponent_stderr, fit.exponent_low, fit.exponent_high,
                             fit.prefactor, fit.r_squared, static_cast<long long>(fit.points)});
  ex.note(model + "_" + quantity + "_variance_exponent",
          format_number(fit.exponent, 4) + " ± " + format_number(fit.exponent_stderr, 3));
}

void write_levels(Experiment& ex, long n, const Values& v) {
  const std::vector<double>& e = v.at("energy");
  const analysis::MeanEstimate m = analysis::estimate_mean(e);
  double below = 0, converged = 0, gradient_max = 0;
  for (std::size_t r = 0; r < e.size(); ++r) {
    below += e[r] < kThreshold ? 1.0 : 0.0;
    converged += v.at("converged")[r];
    gradient_max = std::max(gradient_max, v.at("gradient_rms")[r]);
  }
  const auto runs = static_cast<double>(e.size());
  ex.csv("pspin_levels.csv").row({static_cast<long long>(n), m.mean, m.low, m.high, kGroundState, kThreshold,
                                  m.mean - kThreshold, m.mean - kGroundState, below / runs, converged / runs,
                                  analysis::sample_quantile(v.at("steps"), 0.5), gradient_max});
}

std::vector<long> sizes(const Spec& p, const std::string& key, long lo, long hi) {
  std::vector<long> s = p.integer_list(key, '/', lo, hi);
  for (std::size_t i = 1; i < s.size(); ++i)
    if (s[i] <= s[i - 1]) throw InputError(kPrefix + "key '" + key + "': sizes must increase");
  return s;
}

// The job axis `system`: "mlp-H" for every width, then "pspin-N" for every N.
std::string systems(const std::vector<long>& widths, const std::vector<long>& spins) {
  std::string s;
  for (long h : widths) s += (s.empty() ? "mlp-" : ",mlp-") + std::to_string(h);
  for (long n : spins) s += ",pspin-" + std::to_string(n);
  return s;
}

// "model-size" → (model, size).
std::pair<std::string, long> parse_system(const std::string& system) {
  const std::size_t dash = system.find('-');
  return {system.substr(0, dash), std::stol(system.substr(dash + 1))};
}

void body(Experiment& ex) {
  const Spec& par = ex.params();
  const std::vector<long> widths = sizes(par, "mlp_widths", 1, 4096);
  const std::vector<long> spins = sizes(par, "pspin_sizes", 2, 506);  // N³ ≤ 1.3e8 (dense tensor, about 1 GB)
  const long runs = par.integer("runs", 3, 100'000), resamples = par.integer("bootstrap", 10, 1'000'000);

  MlpSetup mlp;
  mlp.optimizer = par.text("mlp_optimizer"), mlp.init = par.text("mlp_init");
  mlp.batch = par.integer("mlp_batch", 1, 60'000), mlp.epochs = par.integer("mlp_epochs", 1, 100'000);
  const std::string options = par.text("mlp_options");
  const long train_n = par.integer("mlp_train_n", 2, 60'000), test_n = par.integer("mlp_test_n", 2, 10'000);
  for (long h : widths) {
    mlp.train[h] = make_objective(mlp_spec(h, options, train_n, "train"));
    mlp.test[h] = make_objective(mlp_spec(h, options, test_n, "test"));
  }
  make_optimizer(annealed(mlp.optimizer, 1));  // bad specs fail here, before any job
  PspinSetup pspin{{.optimizer = par.text("pspin_optimizer"), .max_steps = par.integer("pspin_steps", 1, 100'000'000),
                    .tol = par.positive("pspin_tol")}};
  make_optimizer(pspin.descent.optimizer);

  harness::SweepAxes axes;
  axes.add_grid("system", systems(widths, spins));
  axes.set_replicates(runs);
  const harness::JobTable table(axes, ex.seed());
  ex.csv("runs.csv", {"model", "size", "seed", "value", "test_value", "steps", "gradient_rms"});
  const std::vector<JobResult> results = ex.run_jobs(table, [&](const harness::Job& job, JobResult& out) {
    const auto [model, size] = parse_system(job.value("system"));
    if (model == "mlp")
      run_mlp(mlp, size, job.seed, out);
    else
      run_pspin(pspin, size, job.seed, out);
  });
  ex.add_results(results);

  // Gather every run's values by (model, size), in job order.
  std::map<std::string, std::map<long, Values>> by_model;
  for (std::size_t j = 0; j < table.size(); ++j) {
    const auto [model, size] = parse_system(table[j].value("system"));
    Values& v = by_model[model][size];
    for (const std::string key : {"train", "test", "energy", "steps", "gradient_rms", "converged"}) {
      const double x = results[j].get(key, std::nan(""));
      if (!std::isnan(x)) v[key].push_back(x);
    }
  }

  std::vector<std::string> columns = {"model", "quantity", "size", "runs", "mean", "mean_low", "mean_high",
                                      "variance", "var_chi2_low", "var_chi2_high", "var_boot_low", "var_boot_high",
                                      "min", "q05", "q25", "median", "q75", "q95", "max", "train_test_correlation"};
  ex.csv("summary.csv", columns);
  ex.csv("scaling.csv", {"model", "quantity", "exponent", "std_error", "low", "high", "prefactor", "r_squared",
                         "points"});
  ex.csv("pspin_levels.csv", {"size", "mean", "mean_low", "mean_high", "ground_state", "threshold",
                              "mean_minus_threshold", "mean_minus_ground_state", "fraction_below_threshold",
                              "fraction_converged", "median_steps", "max_gradient_rms"});
  Rng rng = Rng::derived(ex.seed(), 0xc0c0);  // the bootstrap's stream
  const std::map<std::string, std::vector<std::string>> quantities = {{"mlp", {"train", "test"}},
                                                                      {"pspin", {"energy"}}};
  for (const auto& [model, names] : quantities)
    for (const std::string& q : names) {
      for (const auto& [size, v] : by_model[model]) write_summary(ex, model, q, size, v, rng, resamples);
      write_scaling(ex, model, q, by_model[model]);
    }
  for (const auto& [n, v] : by_model["pspin"]) write_levels(ex, n, v);
}

}  // namespace

int main(int argc, char** argv) {
  return optdyn::harness::run_experiment(
      argc, argv,
      {"loss_concentration",
       "Final losses of many SGD runs of one-hidden-layer networks on Fashion-MNIST and final GD energies of "
       "the spherical 3-spin glass concentrate as the size grows: histograms, variance against size",
       {
           {"mlp_widths", "4/8/16", "10/20/40/80/160/320", "hidden widths H ('/'-separated, increasing)"},
           {"mlp_options", "act=tanh,loss=ce,data=fashion-mnist", "act=tanh,loss=ce,data=fashion-mnist",
            "keys of the mlp objective besides widths, n and split"},
           {"mlp_train_n", "200", "1000", "training images (the first n of the train split)"},
           {"mlp_test_n", "200", "1000", "test images (the first n of the test split)"},
           {"mlp_optimizer", "sgd:lr=0.1", "sgd:lr=0.1", "optimizer of the mlp runs (annealed: |cosine to 0 is appended)"},
           {"mlp_batch", "10", "10", "minibatch size (shuffled epochs)"},
           {"mlp_epochs", "2", "10", "passes over the training images"},
           {"mlp_init", "xavier", "xavier", "initialisation scheme (init:SCHEME,seed=<run seed>)"},
           {"pspin_sizes", "10/20/40", "25/50/100/200", "numbers of spins N ('/'-separated, increasing, <= 506)"},
           {"pspin_optimizer", "gd:lr=0.15", "gd:lr=0.15", "optimizer of the p-spin runs (retracted to the sphere)"},
           {"pspin_steps", "300", "3000", "most steps of a p-spin run"},
           {"pspin_tol", "1e-5", "1e-5", "stop when ‖grad H‖/√N is below this"},
           {"runs", "12", "100", "seeds per (model, size)"},
           {"bootstrap", "200", "2000", "bootstrap resamples of each variance interval"},
       }},
      body);
}
