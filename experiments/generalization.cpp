// generalization — train against held-out loss and error of small networks on a small
// Fashion-MNIST subset, early stopping, the σ/√B return of larger minibatches, and the
// sampling order (issue 17 item 3; Goodfellow, Bengio & Courville 2016, §7.8 and §8.1.3, the
// topics of seed 001; seeds 000–003 for SGD; doc/references.md, "Generalization and early
// stopping"). Three panels:
//
//  (a) curves.csv: one-hidden-layer tanh networks 784-H-10 (cross-entropy) trained by SGD
//      (shuffled epochs) on the first train_n images, of which the last ⌈val_fraction·train_n⌉
//      are a validation part (analysis/held_out.hpp) and the rest the training set; the
//      first test_n test images are the test set. For every width H, batch size B and seed,
//      after every epoch: train loss and 0-1 error, validation and test loss and error
//      (analysis/classification_metrics.hpp: mean losses without a penalty, argmax errors).
//      early_stopping.csv: per run, the early-stopping rule (harness/early_stopping.hpp,
//      Algorithm 7.1) on the validation loss with `patience` epochs: the best epoch, where it
//      would stop, the test loss and error there and at the end; the epoch where the training
//      error first reaches 0 and the train loss then and at the end; the epoch of the lowest
//      test loss. The runs go on to the last epoch so the curves show what stopping avoids.
//  (b) noise.csv: at the initial point of a width-noise_width network, the per-sample
//      gradients g_i (ProbabilisticAccess::sample_gradients) give tr Σ = (1/n) Σ‖g_i − ∇F‖²
//      exactly; the measured E‖g_B − ∇F‖² over noise_draws minibatches of size B (drawn
//      with replacement and without, by MinibatchSampler) beside tr Σ/B and
//      tr Σ/B · (n − B)/(n − 1). budget.csv: SGD with each B for the same number of sample
//      gradients (budget_epochs passes), the train loss against sample gradients: the loss
//      per sample gradient stops improving with B once σ/√B is below the gradient's size.
//  (c) sampling.csv: shuffle (a fresh permutation each epoch), replacement (iid indices) and
//      cyclic (a fixed order) at batch sampling_batch, train loss after each epoch.
//
// Jobs (harness/job_table.hpp), three run_jobs calls: (a) width × batch × seed, (b) batch ×
// seed, (c) mode × seed. The init of a job is init:SCHEME,seed=<replicate seed>, the sampler's
// seed its job seed: the configurations of one replicate start from the same point. The data
// objectives are built in the experiment's process and shared. Bands in the figure: mean ±
// standard error over the seeds.
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "harness/early_stopping.hpp"
#include "harness/experiment.hpp"
#include "harness/job_table.hpp"
#include "optdyn/analysis/classification_metrics.hpp"
#include "optdyn/analysis/held_out.hpp"
#include "optdyn/core/error.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/core/text.hpp"
#include "optdyn/objectives/initial_point.hpp"
#include "optdyn/objectives/registry.hpp"
#include "optdyn/optimizers/minibatch_sampler.hpp"
#include "optdyn/optimizers/oracle.hpp"
#include "optdyn/optimizers/registry.hpp"

namespace {

using namespace optdyn;
using harness::Experiment;
using harness::Job;
using harness::JobResult;

const std::string kPrefix = "experiment 'generalization': ";
const double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr std::uint64_t kNoiseStream = 21;  // the minibatches of panel (b)'s noise measurement

// The three data sets of one width: training part, validation part, test images.
struct Split {
  ObjectivePtr train, val, test;
};

struct Setup {
  std::map<long, Split> by_width;
  std::string optimizer, init;
  long epochs = 1, patience = 1;
};

std::string mlp_spec(long width, const std::string& options, long n) {
  return "mlp:widths=784-" + std::to_string(width) + "-10," + options + ",n=" + std::to_string(n);
}

Split make_split(long width, const Spec& p) {
  const ObjectivePtr whole = make_objective(mlp_spec(width, p.text("mlp_options"), p.integer("train_n", 2, 60000)));
  analysis::HeldOutParams validation;
  validation.split = analysis::HeldOutParams::Split::validation;
  validation.fraction = p.real("val_fraction", 1e-6, 0.9);
  analysis::HeldOut v = analysis::make_held_out(*whole, validation, kPrefix + "key 'val_fraction'");
  analysis::HeldOutParams test;
  test.n = p.integer("test_n", 1, 10000);
  analysis::HeldOut t = analysis::make_held_out(*whole, test, kPrefix + "key 'mlp_options'");
  return {std::move(v.train), std::move(v.held_out), std::move(t.held_out)};
}

long steps_per_epoch(const Objective& f, long batch) { return (f.num_samples() + batch - 1) / batch; }

// SGD from `theta` for `epochs` epochs of minibatches of `batch` drawn by `mode`; after every
// epoch (and before the first) calls at_epoch(epoch, θ). The one update loop of the panels.
template <class AtEpoch>
void train(const Objective& f, const std::string& optimizer, long batch, Sampling mode, std::uint64_t seed,
           long epochs, Vec& theta, AtEpoch&& at_epoch) {
  OptimizerPtr opt = make_optimizer(optimizer);
  opt->reset(f.dim());
  ObjectiveOracle oracle(f, batch, mode, seed);
  const long per_epoch = steps_per_epoch(f, batch);
  at_epoch(0, theta);
  for (long e = 1; e <= epochs; ++e) {
    for (long k = 0; k < per_epoch; ++k) opt->step(theta, oracle);
    if (!theta.allFinite()) throw DivergenceError(kPrefix + "non-finite parameters at epoch " + std::to_string(e));
    at_epoch(e, theta);
  }
}

// --- (a) curves and early stopping ------------------------------------------------------------

void run_curve(const Setup& s, long width, long batch, const Job& job, JobResult& out) {
  const Split& d = s.by_width.at(width);
  Vec theta = initial_point("init:" + s.init + ",seed=" + std::to_string(job.replicate_seed), *d.train);
  harness::EarlyStoppingParams rule;
  rule.patience = s.patience;
  harness::EarlyStopping stopping(rule);
  long stop_epoch = -1, zero_error_epoch = -1, min_test_epoch = 0;
  double zero_error_train_loss = kNan, min_test_loss = std::numeric_limits<double>::infinity();
  std::vector<analysis::ClassificationMetrics> test_at;  // by epoch, for the best epoch's numbers
  analysis::ClassificationMetrics last_train{}, last_test{};
  train(*d.train, s.optimizer, batch, Sampling::shuffle, job.seed, s.epochs, theta, [&](long epoch, const Vec& th) {
    const auto tr = *analysis::classification_metrics(*d.train, th);
    const auto va = *analysis::classification_metrics(*d.val, th);
    const auto te = *analysis::classification_metrics(*d.test, th);
    out.row("curves.csv", {static_cast<long long>(width), static_cast<long long>(batch),
                           static_cast<long long>(job.replicate), static_cast<long long>(epoch), tr.loss, tr.error,
                           va.loss, va.error, te.loss, te.error});
    if (!stopping.stop() && stopping.observe(epoch, va.loss, th)) stop_epoch = epoch;
    if (zero_error_epoch < 0 && tr.error == 0.0) zero_error_epoch = epoch, zero_error_train_loss = tr.loss;
    if (te.loss < min_test_loss) min_test_loss = te.loss, min_test_epoch = epoch;
    test_at.push_back(te);
    last_train = tr, last_test = te;
  });
  // No finite validation loss at any epoch (NaN is never an improvement): the run broke down
  // like one with non-finite parameters, and ends the same way (exit 3).
  if (stopping.best_step() < 0)
    throw DivergenceError(kPrefix + "no finite validation loss in any epoch (width " + std::to_string(width) +
                          ", batch " + std::to_string(batch) + ", replicate " + std::to_string(job.replicate) + ")");
  const auto& best = test_at.at(static_cast<std::size_t>(stopping.best_step()));
  out.row("early_stopping.csv",
          {static_cast<long long>(width), static_cast<long long>(batch), static_cast<long long>(job.replicate),
           static_cast<long long>(stopping.best_step()), static_cast<long long>(stop_epoch), stopping.best_value(),
           best.loss, best.error, last_test.loss, last_test.error, static_cast<long long>(min_test_epoch),
           min_test_loss, static_cast<long long>(zero_error_epoch), zero_error_train_loss, last_train.loss});
  out.set("best_test_error", best.error);
  out.set("final_test_error", last_test.error);
  out.set("turned_up", last_test.loss > min_test_loss ? 1.0 : 0.0);
}

// --- (b) gradient noise against B, and loss against sample gradients --------------------------

// E‖g_B − ∇F‖² over `draws` minibatches of size B from the per-sample gradients G (D × n):
// replacement draws B iid indices; shuffle takes the first batch of a fresh permutation (B
// distinct samples: exactly sampling without replacement; B = n is the full batch).
double measured_noise(const Mat& g, const Vec& mean, long batch, Sampling mode, long draws, std::uint64_t seed) {
  Rng rng = Rng::derived(seed, kNoiseStream);
  double total = 0.0;
  Vec gb(g.rows());
  for (long r = 0; r < draws; ++r) {
    MinibatchSampler sampler(g.cols(), batch, mode);
    const Batch indices = sampler.next(rng);
    if (indices.empty()) {
      gb = mean;  // the full batch
    } else {
      gb.setZero();
      for (Index i : indices) gb += g.col(i);
      gb /= static_cast<double>(indices.size());  // g_B = (1/B) Σ_{i∈batch} g_i
    }
    total += (gb - mean).squaredNorm();
  }
  return total / static_cast<double>(draws);
}

void write_noise(Experiment& ex, const Objective& f, const std::vector<long>& batches, const std::string& init,
                 long draws) {
  const Vec theta = initial_point("init:" + init + ",seed=" + std::to_string(ex.seed()), f);
  const Mat g = f.probabilistic()->sample_gradients(theta, {});
  const auto n = static_cast<double>(g.cols());
  const Vec mean = g.rowwise().mean();
  // tr Σ = (1/n) Σ_i ‖g_i − ḡ‖² (the finite population's covariance; doc/references.md).
  const double trace = (g.colwise() - mean).colwise().squaredNorm().sum() / n;
  ex.csv("noise.csv", {"batch", "trace_sigma", "grad_sq_norm", "replacement", "replacement_theory", "shuffle",
                       "shuffle_theory"});
  for (long b : batches) {
    const auto bd = static_cast<double>(b);
    const double with = measured_noise(g, mean, b, Sampling::replacement, draws, ex.seed());
    const double without = measured_noise(g, mean, b, Sampling::shuffle, draws, ex.seed());
    // tr Σ/B with replacement; tr Σ/B · (n − B)/(n − 1) without (finite-population correction).
    ex.csv("noise.csv").row({static_cast<long long>(b), trace, mean.squaredNorm(), with, trace / bd, without,
                             trace / bd * (n - bd) / (n - 1.0)});
  }
  ex.note("noise_trace_sigma", format_number(trace, 6));
}

void run_budget(const Split& d, const Setup& s, long batch, long epochs, const Job& job, JobResult& out) {
  Vec theta = initial_point("init:" + s.init + ",seed=" + std::to_string(job.replicate_seed), *d.train);
  const auto n = static_cast<long long>(d.train->num_samples());
  train(*d.train, s.optimizer, batch, Sampling::shuffle, job.seed, epochs, theta, [&](long epoch, const Vec& th) {
    const auto tr = *analysis::classification_metrics(*d.train, th);
    out.row("budget.csv", {static_cast<long long>(batch), static_cast<long long>(job.replicate),
                           static_cast<long long>(epoch), static_cast<long long>(epoch) * n,
                           static_cast<long long>(epoch * steps_per_epoch(*d.train, batch)), tr.loss});
  });
}

// --- (c) sampling order -------------------------------------------------------------------------

void run_sampling(const Split& d, const Setup& s, const std::string& mode, long batch, long epochs, const Job& job,
                  JobResult& out) {
  Vec theta = initial_point("init:" + s.init + ",seed=" + std::to_string(job.replicate_seed), *d.train);
  train(*d.train, s.optimizer, batch, parse_sampling(mode, "sampling_modes"), job.seed, epochs, theta,
        [&](long epoch, const Vec& th) {
          out.row("sampling.csv", {mode, static_cast<long long>(job.replicate), static_cast<long long>(epoch),
                                   d.train->value(th)});
        });
}

// --- the body -------------------------------------------------------------------------------------

std::vector<long> positive_list(const Spec& p, const std::string& key, long hi) {
  return p.integer_list(key, '/', 1, hi);
}

std::string joined(const std::vector<long>& values) {
  std::string s;
  for (long v : values) s += (s.empty() ? "" : ",") + std::to_string(v);
  return s;
}

void body(Experiment& ex) {
  const Spec& p = ex.params();
  const std::vector<long> widths = positive_list(p, "widths", 4096), batches = positive_list(p, "batches", 60000);
  const long runs = p.integer("runs", 1, 100000);
  const long noise_width = p.integer("noise_width", 1, 4096);
  Setup s;
  s.optimizer = p.text("optimizer"), s.init = p.text("init");
  s.epochs = p.integer("epochs", 1, 1000000), s.patience = p.integer("patience", 1, 1000000);
  for (long h : widths) s.by_width.emplace(h, make_split(h, p));
  if (!s.by_width.count(noise_width)) s.by_width.emplace(noise_width, make_split(noise_width, p));
  const Split& small = s.by_width.at(noise_width);
  const long n = small.train->num_samples();
  for (long b : batches)
    if (b > n) throw InputError(kPrefix + "key 'batches': " + std::to_string(b) + " is more than the " +
                                std::to_string(n) + " training samples");
  std::vector<long> noise_batches;  // 1, 2, 4, … and n
  for (long b = 1; b < n; b *= 2) noise_batches.push_back(b);
  noise_batches.push_back(n);
  const std::vector<long> budget_batches = positive_list(p, "budget_batches", n);
  const std::vector<std::string> modes = p.choice_list("sampling_modes", '/', {"shuffle", "replacement", "cyclic"});
  const long sampling_batch = p.integer("sampling_batch", 1, n), budget_epochs = p.integer("budget_epochs", 1, 1000000);
  const long draws = p.integer("noise_draws", 2, 10000000);
  make_optimizer(s.optimizer);  // a bad spec fails here, before any job
  initial_point("init:" + s.init + ",seed=0", *small.train);

  ex.csv("curves.csv", {"width", "batch", "replicate", "epoch", "train_loss", "train_error", "val_loss", "val_error",
                        "test_loss", "test_error"});
  ex.csv("early_stopping.csv", {"width", "batch", "replicate", "best_epoch", "stop_epoch", "best_val_loss",
                                "test_loss_at_best", "test_error_at_best", "final_test_loss", "final_test_error",
                                "min_test_epoch", "min_test_loss", "zero_train_error_epoch",
                                "train_loss_at_zero_error", "final_train_loss"});
  harness::SweepAxes curves;
  curves.add_grid("width", joined(widths));
  curves.add_grid("batch", joined(batches));
  curves.set_replicates(runs);
  const harness::JobTable curve_table(curves, ex.seed());
  const auto curve_results = ex.run_jobs(curve_table, [&](const Job& job, JobResult& out) {
    run_curve(s, std::stol(job.value("width")), std::stol(job.value("batch")), job, out);
  });
  ex.add_results(curve_results);
  double improved = 0, turned_up = 0;
  for (const JobResult& r : curve_results) {
    improved += r.get("best_test_error", kNan) <= r.get("final_test_error", kNan) ? 1.0 : 0.0;
    turned_up += r.get("turned_up", kNan);
  }
  const auto total = static_cast<double>(curve_results.size());
  ex.note("runs_where_early_stopping_test_error_is_not_worse", format_number(improved / total, 4));
  ex.note("runs_where_test_loss_turned_up", format_number(turned_up / total, 4));

  write_noise(ex, *small.train, noise_batches, s.init, draws);
  ex.csv("budget.csv", {"batch", "replicate", "epoch", "sample_gradients", "steps", "train_loss"});
  harness::SweepAxes budget;
  budget.add_grid("batch", joined(budget_batches));
  budget.set_replicates(runs);
  ex.add_results(ex.run_jobs(harness::JobTable(budget, ex.seed() + 1), [&](const Job& job, JobResult& out) {
    run_budget(small, s, std::stol(job.value("batch")), budget_epochs, job, out);
  }));

  ex.csv("sampling.csv", {"mode", "replicate", "epoch", "train_loss"});
  std::string mode_list;
  for (const std::string& m : modes) mode_list += (mode_list.empty() ? "" : ",") + m;
  harness::SweepAxes sampling;
  sampling.add_grid("mode", mode_list);
  sampling.set_replicates(runs);
  ex.add_results(ex.run_jobs(harness::JobTable(sampling, ex.seed() + 2), [&](const Job& job, JobResult& out) {
    run_sampling(small, s, job.value("mode"), sampling_batch, budget_epochs, job, out);
  }));
}

}  // namespace

int main(int argc, char** argv) {
  return optdyn::harness::run_experiment(
      argc, argv,
      {"generalization",
       "Train vs validation vs test loss and 0-1 error of small MLPs on a Fashion-MNIST subset across widths "
       "and batch sizes, early stopping, gradient noise against batch size, and sampling orders",
       {
           {"widths", "8/32", "8/32/128", "hidden widths H of 784-H-10 ('/'-separated)"},
           {"batches", "10/100", "10/50/250", "minibatch sizes of panel (a) ('/'-separated)"},
           {"mlp_options", "act=tanh,loss=ce,data=fashion-mnist", "act=tanh,loss=ce,data=fashion-mnist",
            "keys of the mlp objective besides widths and n"},
           {"train_n", "250", "1500", "training images (the first n of the train split), validation part included"},
           {"val_fraction", "0.2", "0.2", "share of the training images held out for validation (the last ones)"},
           {"test_n", "250", "2000", "test images (the first n of the test split)"},
           {"optimizer", "sgd:lr=0.1", "sgd:lr=0.1", "optimizer of every run"},
           {"init", "xavier", "xavier", "initialisation scheme (init:SCHEME,seed=<replicate seed>)"},
           {"epochs", "12", "100", "epochs of panel (a)"},
           {"patience", "3", "10", "early stopping: epochs without a better validation loss"},
           {"noise_width", "8", "32", "hidden width of panels (b) and (c)"},
           {"noise_draws", "200", "400", "minibatches per batch size in the noise measurement"},
           {"budget_batches", "1/10/50/200", "1/4/16/64/256/1200", "batch sizes of the sample-budget runs (<= training n)"},
           {"budget_epochs", "3", "20", "epochs (passes of sample gradients) of panels (b) and (c)"},
           {"sampling_modes", "shuffle/replacement/cyclic", "shuffle/replacement/cyclic", "sampling orders of panel (c)"},
           {"sampling_batch", "10", "10", "batch size of panel (c)"},
           {"runs", "2", "10", "seeds per configuration"},
       }},
      body);
}
