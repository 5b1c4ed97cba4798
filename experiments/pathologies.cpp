// pathologies — the textbook failure modes of gradient methods on objectives built for them
// (issue 17; Goodfellow, Bengio & Courville, Deep Learning §8.2; Pascanu, Mikolov & Bengio
// 2013; Reddi, Kale & Kumar 2018). Panels, each a CSV:
//
//  (d) reddi.csv — Reddi et al.'s online counterexample (objectives/reddi_online.hpp), C =
//      `reddi_c`: projected Adam and AMSGrad with β₁ = 0, β₂ = 1/(1 + C²), α_t = α/√t,
//      α = ½√(1 − β₂) (their Theorem 1), x₁ = 1, the cyclic sampler with B = 1 handing out
//      f_1, f_2, … in order; every `reddi_record` steps: x_t and the average regret R_t/t
//      (closed form R_t = Σ s_k x_k + |Σ s_k|). Theorem 1: Adam's R_t/t stays ≥ 2(C − 2)/3;
//      AMSGrad's → 0. Deterministic: one run per method.
//  (c) rnn_jacobian.csv, rnn_training.csv — the recurrent chain of `rnn` (objectives/rnn.hpp,
//      adding task, T = `rnn_steps`, H = `rnn_hidden`, n = `rnn_n`) from W = ρQ for each ρ of
//      `rnn_radii`: ‖∂h_k/∂h_0‖₂ of sample 0 for k = 1 … T at the initial point (Pascanu et
//      al. §2.1), and full-batch GD with lr = `rnn_lr` for `rnn_train_steps` steps with and
//      without `|clip_norm:max=rnn_clip` (their Algorithm 1); `seeds` seeds per ρ (seed + s
//      for both the data and Rnn::initial_point), for bands. A run whose step diverges gets a
//      nan row and stops; one whose loss overflows to inf after a step keeps that row and stops.
//  (b) cliff.csv — `cliff` (objectives/cliff.hpp, default keys): GD with lr = `cliff_lr` from
//      (x, y) = (0, 1), plain, `|clip_norm:max=cliff_clip` and `|clip_value:max=cliff_clip`,
//      `cliff_steps` steps: where each lands after the edge (Goodfellow et al. Fig. 8.3).
//      Deterministic.
//  (a) mlp_curvature.csv — Goodfellow et al. Fig. 8.1: minibatch SGD (B = `mlp_batch`,
//      shuffled epochs) from init:xavier with `seeds` seeds on two tanh MLPs (cross-entropy):
//      on Fashion-MNIST (the first `fmnist_n` training images, widths `fmnist_widths`, every
//      lr of `fmnist_lrs`, `fmnist_steps` steps) and, as the contrast, on the labels of a tanh
//      teacher MLP (n = `mlp_n`, widths `mlp_widths`, lr = `mlp_lr`, `mlp_steps` steps). Every
//      `mlp_record` / `fmnist_record` steps: the full-batch F, 0-1 error, ‖g‖² = ‖∇F‖², gᵀHg
//      (one exact HVP), gᵀHg/‖g‖², the mean ‖g_B‖² of the minibatch gradients the steps since
//      the last row used (what the book's Fig. 8.1 plots), and λmax (Lanczos) when
//      `mlp_lambda_max`. Their §8.2.1: the second-order change of F along −εg is
//      −ε‖g‖² + ½ε²gᵀHg, so a growing gᵀHg against ‖g‖² is ill-conditioning showing up in
//      training; E‖g_B‖² = ‖∇F‖² + tr Σ/B·(n − B)/(n − 1) (doc/references.md, "Generalization and early stopping").
//      Third, data = "gd-eos": full-batch GD on the tanh regression MLP `eos_objective` (mse; the
//      net of central_flow) from init:gaussian with the run's seed, every lr of `eos_lrs`,
//      `eos_steps` steps, a row every `eos_record`: GD reaches the edge of stability (λmax → 2/η,
//      Cohen et al. 2021), after which it carries an oscillation along the top eigenvector whose
//      gradient ≈ (2/η)·δ keeps ‖∇F‖² up while the loss falls. ‖g_B‖² is then the full ‖∇F‖²
//      (B = n) and the 0-1 error NaN (regression).
//  (f) saddle.csv — an exact saddle: `noisy_quadratic:eigs=1/-0.5,rotate=false,n=saddle_n`
//      (θ* = 0 a saddle of F, per-sample gradients −A s_i ≠ 0 there; objectives/noisy_quadratic.hpp),
//      GD and SGD (B = 1, with replacement, `seeds` seeds), lr = `saddle_lr`, both from θ = θ*:
//      ‖θ − θ*‖ and F every step. GD sees ∇F(θ*) = −A·mean(s_i), zero up to rounding (~1e-17),
//      and stays; SGD's noise pushes θ along the negative-curvature direction (Ge et al. 2015;
//      Jin et al. 2017 add the noise on purpose).
//  (e) sparse.csv — rare informative features (Duchi, Hazan & Singer 2011: the motivation of AdaGrad): linear
//      least squares F = (1/2n)‖Aθ − b‖² (objectives/least_squares.hpp) with binary features
//      a_ij ~ Bernoulli(p_j), p_j = ½ for the first half of the `sparse_dim` features and
//      `sparse_rare_p` for the second, b = A·1 (every feature equally informative), n =
//      `sparse_n`; SGD (B = 1, shuffled, lr = `sparse_sgd_lr`) and AdaGrad (same batches,
//      lr = `sparse_adagrad_lr`) from θ = 0, `seeds` data-and-sampling seeds; every
//      `sparse_record` steps F and the mean |θ_j − 1| over the frequent and over the rare
//      features.
//
// Every update is Optimizer::step; jobs (harness/job_table.hpp) are the runs, in a fixed
// order, so the files are byte-identical for any --jobs and --threads.
#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "harness/experiment.hpp"
#include "harness/job_table.hpp"
#include "optdyn/analysis/classification_metrics.hpp"
#include "optdyn/analysis/hessian_eigen.hpp"
#include "optdyn/analysis/hessian_operator.hpp"
#include "optdyn/core/error.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/objectives/cliff.hpp"
#include "optdyn/objectives/initial_point.hpp"
#include "optdyn/objectives/least_squares.hpp"
#include "optdyn/objectives/registry.hpp"
#include "optdyn/objectives/reddi_online.hpp"
#include "optdyn/objectives/rnn.hpp"
#include "optdyn/optimizers/oracle.hpp"
#include "optdyn/optimizers/registry.hpp"

namespace {

using namespace optdyn;
using harness::CsvCell;
using harness::Experiment;
using harness::ExperimentParam;
using harness::JobResult;

const double kNan = std::numeric_limits<double>::quiet_NaN();
std::string num(double x) { return harness::format_double(x); }

// One step; false (and θ left as it was before the step's update) when it diverged.
bool step_or_diverge(Optimizer& opt, Vec& theta, Oracle& oracle) {
  try {
    opt.step(theta, oracle);
    return true;
  } catch (const DivergenceError&) {
    return false;
  }
}

// The panels' one driver: k = 0 … steps of `opt`, calling record(k, ok) at k = 0, at every
// `every`-th k, at the last, and at a step that diverged (ok = false, θ as before it), after
// which it stops; record returning false stops it too.
void drive(Optimizer& opt, Vec& theta, Oracle& oracle, long steps, long every,
           const std::function<bool(long k, bool ok)>& record) {
  for (long k = 0; k <= steps; ++k) {
    const bool ok = k == 0 || step_or_diverge(opt, theta, oracle);
    if ((!ok || k % every == 0 || k == steps) && !record(k, ok)) break;
    if (!ok) break;
  }
}

// --- (d) Reddi et al.'s counterexample ---------------------------------------------------
void run_reddi(const Spec& p, const std::string& method, JobResult& out) {
  const double c = p.real_above("reddi_c", 2.0, 1e6);
  const long steps = p.integer("reddi_steps", 3, 1L << 34), every = p.integer("reddi_record", 1, 1L << 34);
  const auto f = make_reddi_online({.c = c});
  const double beta2 = 1.0 / (1.0 + c * c);  // Reddi et al. Theorem 1
  OptimizerPtr opt = make_optimizer(method + ":lr=" + num(0.5 * std::sqrt(1.0 - beta2)) + ",beta1=0,beta2=" + num(beta2) +
                                    ",eps=1e-12|inverse_sqrt|project_box:lo=-1,hi=1");
  opt->reset(1);
  ObjectiveOracle oracle(*f, 1, Sampling::cyclic, 0);
  Vec theta = Vec::Constant(1, 1.0);
  double played = 0, total_slope = 0;  // Σ s_k x_k, Σ s_k: R_t = played + |total_slope|
  for (long t = 1; t <= steps; ++t) {
    const double s = f->slope(static_cast<std::uint64_t>(t));
    played += s * theta[0];
    total_slope += s;
    if (t % every == 0 || t == steps)
      out.row("reddi.csv", {method, static_cast<long long>(t), theta[0], (played + std::abs(total_slope)) / static_cast<double>(t)});
    opt->step(theta, oracle);
  }
}

// --- (c) the recurrent chain -------------------------------------------------------------
std::unique_ptr<Rnn> rnn_of(const Spec& p, double radius, std::uint64_t data_seed) {
  return make_rnn({.steps = p.integer("rnn_steps", 2, 100000),
                   .hidden = p.integer("rnn_hidden", 1, 4096),
                   .n = p.integer("rnn_n", 1, 1'000'000),
                   .radius = radius,
                   .seed = data_seed});
}

void run_rnn_jacobian(const Spec& p, double radius, std::uint64_t seed, JobResult& out) {
  const auto f = rnn_of(p, radius, seed);
  const Vec theta = f->initial_point(seed);
  for (Index k = 1; k <= f->steps(); ++k)
    out.row("rnn_jacobian.csv", {radius, static_cast<long long>(seed), static_cast<long long>(k),
                                 f->hidden_jacobian_norm(theta, 0, k)});
}

void run_rnn_training(const Spec& p, double radius, bool clip, std::uint64_t seed, JobResult& out) {
  const auto f = rnn_of(p, radius, seed);
  const long steps = p.integer("rnn_train_steps", 1, 1L << 30), every = p.integer("rnn_record", 1, 1L << 30);
  std::string spec = "gd:lr=" + num(p.positive("rnn_lr"));
  if (clip) spec += "|clip_norm:max=" + num(p.positive("rnn_clip"));
  OptimizerPtr opt = make_optimizer(spec);
  opt->reset(f->dim());
  ObjectiveOracle oracle(*f);
  Vec theta = f->initial_point(seed), g;
  const std::string label = clip ? "clip_norm" : "none";
  // The loss is checked at every step (a non-finite one ends the run, recorded); rows at every K.
  drive(*opt, theta, oracle, steps, 1, [&](long k, bool ok) {
    const double loss = ok ? f->value_and_gradient(theta, g) : kNan;
    if (!ok || !std::isfinite(loss) || k % every == 0 || k == steps)
      out.row("rnn_training.csv", {radius, label, static_cast<long long>(seed), static_cast<long long>(k), loss,
                                   ok && std::isfinite(loss) ? g.norm() : kNan});
    return ok && std::isfinite(loss);
  });
}

// --- (b) the cliff ---------------------------------------------------------------------------
void run_cliff(const Spec& p, const std::string& label, JobResult& out) {
  const auto f = make_cliff();
  std::string spec = "gd:lr=" + num(p.positive("cliff_lr"));
  if (label != "gd") spec += "|" + label + ":max=" + num(p.positive("cliff_clip"));
  OptimizerPtr opt = make_optimizer(spec);
  opt->reset(2);
  ObjectiveOracle oracle(*f);
  Vec theta(2), g;
  theta << 0.0, 1.0;
  const long steps = p.integer("cliff_steps", 1, 1L << 30);
  drive(*opt, theta, oracle, steps, 1, [&](long k, bool ok) {
    const double loss = ok ? f->value_and_gradient(theta, g) : kNan;
    out.row("cliff.csv", {label, static_cast<long long>(k), ok ? theta[0] : kNan, ok ? theta[1] : kNan, loss,
                          ok ? g.norm() : kNan});
    return true;
  });
}

// --- (a) ‖g‖² and gᵀHg along MLP training ------------------------------------------------
// The two data sets of panel (a): labels of a tanh teacher MLP (`teacher`: realisable, so the
// cross-entropy can go to 0) and Fashion-MNIST (`fashion-mnist`: real images, not fitted
// exactly by a small network at these n).
std::string mlp_spec(const Spec& p, const std::string& data) {
  if (data == "gd-eos") return p.text("eos_objective");
  if (data == "teacher")
    return "mlp:data=teacher-mlp,targets=labels,n=" + std::to_string(p.integer("mlp_n", 1, 1'000'000)) + ",widths=" +
           p.text("mlp_widths") + ",act=tanh,loss=ce,teacher_widths=16,data_seed=1";
  return "mlp:data=fashion-mnist,n=" + std::to_string(p.integer("fmnist_n", 1, 60'000)) + ",widths=" +
         p.text("fmnist_widths") + ",act=tanh,loss=ce";
}

// λmax(∇²F(θ)) by Lanczos (k = 1, HVPs only; relative tolerance 1e-6); NaN when it did not
// converge. λmax ≥ gᵀHg/‖g‖² for every g (Rayleigh quotient).
double sharpness(const Objective& f, const Vec& theta) {
  analysis::EigenOptions o;
  o.k = 1;
  o.tol = 1e-6;
  o.method = analysis::EigenMethod::lanczos;
  const analysis::EigenResult r = analysis::extreme_eigenpairs(analysis::HessianOperator(f, theta), o);
  return r.converged ? r.eigenvalues[0] : kNan;
}

// One SGD run: every `mlp_record` steps the full-batch F, 0-1 error, ‖∇F‖², gᵀHg and their
// ratio, the mean of ‖g_B‖² over the minibatch gradients the steps since the last row used
// (the book's Fig. 8.1 plots the norms of these individual gradient evaluations), and λmax
// when `mlp_lambda_max` is on.
// The keys of a data set of panel (a): its step count and record interval.
std::string panel_a_prefix(const std::string& data) {
  return data == "teacher" ? "mlp" : data == "fashion-mnist" ? "fmnist" : "eos";
}

void run_mlp(const Spec& p, const std::string& data, double lr, std::uint64_t seed, JobResult& out) {
  const ObjectivePtr f = make_objective(mlp_spec(p, data));
  const std::string prefix = panel_a_prefix(data);
  const long steps = p.integer(prefix + "_steps", 1, 1L << 30), every = p.integer(prefix + "_record", 1, 1L << 30);
  const bool with_lambda_max = p.boolean("mlp_lambda_max");
  const bool full_batch = data == "gd-eos";
  OptimizerPtr opt = make_optimizer((full_batch ? "gd:lr=" : "sgd:lr=") + num(lr));
  opt->reset(f->dim());
  ObjectiveOracle sampled = full_batch ? ObjectiveOracle(*f)
                                       : ObjectiveOracle(*f, p.integer("mlp_batch", 1, 1'000'000), Sampling::shuffle, seed);
  double batch_sum = 0;  // Σ ‖g_B‖² over the steps since the last row
  long batch_count = 0;
  FunctionOracle oracle(f->dim(), [&](const Vec& theta, Vec& g) {  // the step's own gradient, seen on its way
    const double loss = sampled.gradient(theta, g);
    batch_sum += g.squaredNorm();
    ++batch_count;
    return loss;
  });
  Vec theta = full_batch ? initial_point("init:gaussian,seed=" + std::to_string(seed), *f)
                         : initial_point(InitParams{.scheme = InitParams::Scheme::xavier, .seed = seed}, *f);
  Vec g;
  drive(*opt, theta, oracle, steps, every, [&](long k, bool ok) {
    const double loss = ok ? f->value_and_gradient(theta, g) : kNan;
    const double g2 = ok ? g.squaredNorm() : kNan, ghg = ok ? g.dot(f->hessian_vector(theta, g)) : kNan;
    const auto metrics = analysis::classification_metrics(*f, theta);
    out.row("mlp_curvature.csv",
            {data, lr, static_cast<long long>(seed), static_cast<long long>(k), loss, ok && metrics ? metrics->error : kNan,
             g2, ghg, ghg / g2, batch_count > 0 ? batch_sum / static_cast<double>(batch_count) : kNan,
             ok && with_lambda_max ? sharpness(*f, theta) : kNan});
    batch_sum = 0;
    batch_count = 0;
    return true;
  });
}

// --- (f) SGD's noise leaving an exact saddle ----------------------------------------------
void run_saddle(const Spec& p, bool stochastic, std::uint64_t seed, JobResult& out) {
  const ObjectivePtr f =
      make_objective("noisy_quadratic:eigs=1/-0.5,rotate=false,noise=1,n=" + std::to_string(p.integer("saddle_n", 2, 1'000'000)));
  const long steps = p.integer("saddle_steps", 1, 1L << 30);
  OptimizerPtr opt = make_optimizer("gd:lr=" + num(p.positive("saddle_lr")));
  opt->reset(f->dim());
  ObjectiveOracle full(*f), sampled(*f, 1, Sampling::replacement, seed);
  Oracle& oracle = stochastic ? static_cast<Oracle&>(sampled) : static_cast<Oracle&>(full);
  Vec theta = Vec::Zero(f->dim());  // θ* = 0 (shift = 0): the saddle
  const std::string label = stochastic ? "sgd" : "gd";
  drive(*opt, theta, oracle, steps, 1, [&](long k, bool ok) {
    out.row("saddle.csv", {label, static_cast<long long>(seed), static_cast<long long>(k), ok ? theta.norm() : kNan,
                           ok ? f->value(theta) : kNan});
    return true;
  });
}

// --- (e) rare informative features ----------------------------------------------------------
std::unique_ptr<LeastSquares> sparse_problem(const Spec& p, std::uint64_t seed) {
  const Index n = p.integer("sparse_n", 1, 1'000'000), d = p.integer("sparse_dim", 2, 10000);
  const double rare = p.real_above("sparse_rare_p", 0.0, 1.0);
  Rng rng = Rng::derived(seed, 11);
  Mat a(n, d);
  for (Index i = 0; i < n; ++i)
    for (Index j = 0; j < d; ++j) a(i, j) = rng.uniform() < (j < d / 2 ? 0.5 : rare) ? 1.0 : 0.0;  // a_ij ~ Bernoulli(p_j)
  const Vec truth = Vec::Ones(d);
  Vec b = a * truth;  // b = A·1, no noise
  return std::make_unique<LeastSquares>(std::move(a), std::move(b), truth, "rare-feature least squares");
}

void run_sparse(const Spec& p, const std::string& method, std::uint64_t seed, JobResult& out) {
  const auto f = sparse_problem(p, seed);
  const Index d = f->dim();
  const long steps = p.integer("sparse_steps", 1, 1L << 30), every = p.integer("sparse_record", 1, 1L << 30);
  OptimizerPtr opt = make_optimizer(method == "sgd" ? "sgd:lr=" + num(p.positive("sparse_sgd_lr"))
                                                    : "adagrad:lr=" + num(p.positive("sparse_adagrad_lr")));
  opt->reset(d);
  ObjectiveOracle oracle(*f, 1, Sampling::shuffle, seed);
  Vec theta = Vec::Zero(d);
  drive(*opt, theta, oracle, steps, every, [&](long k, bool ok) {
    const Vec err = (theta - f->theta_true()).cwiseAbs();
    out.row("sparse.csv", {method, static_cast<long long>(seed), static_cast<long long>(k), ok ? f->value(theta) : kNan,
                           ok ? err.head(d / 2).mean() : kNan, ok ? err.tail(d - d / 2).mean() : kNan});
    return true;
  });
}

// Every key the runs read, checked before any output is written (exit 2 naming the key).
// The learning rates of a data set of panel (a), key `key` (fmnist_lrs, eos_lrs): a '/'-separated
// list of distinct values in (0, 1e6], or "none" (no such runs, e.g. on a machine without
// Fashion-MNIST).
std::vector<double> panel_a_lrs(const Spec& p, const std::string& key) {
  if (p.text(key) == "none") return {};
  const std::vector<double> lrs = p.real_list(key, '/');
  for (std::size_t i = 0; i < lrs.size(); ++i) {
    if (!(lrs[i] > 0.0 && lrs[i] <= 1e6))
      throw InputError("experiment 'pathologies': key '" + key + "': " + num(lrs[i]) + " is outside (0, 1e6]");
    for (std::size_t j = 0; j < i; ++j)
      if (lrs[j] == lrs[i]) throw InputError("experiment 'pathologies': key '" + key + "': " + num(lrs[i]) + " is listed twice");
  }
  return lrs;
}

void check_parameters(const Spec& p) {
  p.real_above("reddi_c", 2.0, 1e6);
  p.integer("reddi_steps", 3, 1L << 34);
  p.integer("reddi_record", 1, 1L << 34);
  p.integer("seeds", 1, 10000);
  for (const double r : p.real_list("rnn_radii", '/'))
    if (!(r >= 0.0 && r <= 1e6)) throw InputError("experiment 'pathologies': key 'rnn_radii': " + num(r) + " is outside [0, 1e6]");
  rnn_of(p, 1.0, 0);
  p.integer("rnn_train_steps", 1, 1L << 30);
  p.integer("rnn_record", 1, 1L << 30);
  p.positive("rnn_lr");
  p.positive("rnn_clip");
  p.positive("cliff_lr");
  p.positive("cliff_clip");
  p.integer("cliff_steps", 1, 1L << 30);
  for (const std::string data : {"teacher", "fashion-mnist", "gd-eos"}) {
    const std::string prefix = panel_a_prefix(data);
    if (data != "teacher" && panel_a_lrs(p, prefix + "_lrs").empty()) continue;  // fmnist_lrs=none, eos_lrs=none
    const std::string spec = mlp_spec(p, data);  // its keys' own errors name them
    try {
      make_objective(spec);
    } catch (const InputError& e) {  // name the experiment's keys, and the objective (a missing data file)
      const std::string keys = data == "gd-eos" ? "key 'eos_objective'" : "keys '" + prefix + "_widths', '" + prefix + "_n'";
      throw InputError("experiment 'pathologies': " + keys + " (objective '" + spec + "'" +
                       (data == "fashion-mnist" ? "; fmnist_lrs=none runs panel (a) without it" : "") + "): " + e.what());
    }
    p.integer(prefix + "_steps", 1, 1L << 30);
    p.integer(prefix + "_record", 1, 1L << 30);
  }
  p.integer("mlp_batch", 1, 1'000'000);
  p.positive("mlp_lr");
  p.boolean("mlp_lambda_max");
  p.integer("saddle_n", 2, 1'000'000);
  p.integer("saddle_steps", 1, 1L << 30);
  p.positive("saddle_lr");
  p.integer("sparse_n", 1, 1'000'000);
  p.integer("sparse_dim", 2, 10000);
  p.real_above("sparse_rare_p", 0.0, 1.0);
  p.integer("sparse_steps", 1, 1L << 30);
  p.integer("sparse_record", 1, 1L << 30);
  p.positive("sparse_sgd_lr");
  p.positive("sparse_adagrad_lr");
}

void body(Experiment& ex) {
  const Spec& p = ex.params();
  check_parameters(p);
  const std::vector<double> radii = p.real_list("rnn_radii", '/');
  const long seeds = p.integer("seeds", 1, 10000);
  std::vector<std::function<void(JobResult&)>> runs;  // in file and job order
  for (const std::string m : {"adam", "amsgrad"}) runs.push_back([&p, m](JobResult& o) { run_reddi(p, m, o); });
  for (const double r : radii)
    for (long s = 0; s < seeds; ++s) {
      const std::uint64_t seed = ex.seed() + static_cast<std::uint64_t>(s);
      runs.push_back([&p, r, seed](JobResult& o) { run_rnn_jacobian(p, r, seed, o); });
      for (const bool clip : {false, true})
        runs.push_back([&p, r, clip, seed](JobResult& o) { run_rnn_training(p, r, clip, seed, o); });
    }
  for (const std::string m : {"gd", "clip_norm", "clip_value"}) runs.push_back([&p, m](JobResult& o) { run_cliff(p, m, o); });
  for (long s = 0; s < seeds; ++s) {
    const std::uint64_t seed = ex.seed() + static_cast<std::uint64_t>(s);
    runs.push_back([&p, seed](JobResult& o) { run_mlp(p, "teacher", p.real("mlp_lr"), seed, o); });
  }
  for (const std::string data : {"fashion-mnist", "gd-eos"})
    for (const double lr : panel_a_lrs(p, panel_a_prefix(data) + "_lrs"))
      for (long s = 0; s < seeds; ++s) {
        const std::uint64_t seed = ex.seed() + static_cast<std::uint64_t>(s);
        runs.push_back([&p, data, lr, seed](JobResult& o) { run_mlp(p, data, lr, seed, o); });
      }
  for (long s = 0; s < seeds; ++s)
    for (const std::string m : {"sgd", "adagrad"}) {
      const std::uint64_t seed = ex.seed() + static_cast<std::uint64_t>(s);
      runs.push_back([&p, m, seed](JobResult& o) { run_sparse(p, m, seed, o); });
    }
  runs.push_back([&p, &ex](JobResult& o) { run_saddle(p, false, ex.seed(), o); });
  for (long s = 0; s < seeds; ++s) {
    const std::uint64_t seed = ex.seed() + static_cast<std::uint64_t>(s);
    runs.push_back([&p, seed](JobResult& o) { run_saddle(p, true, seed, o); });
  }

  ex.csv("reddi.csv", {"method", "t", "x", "average_regret"});
  ex.csv("rnn_jacobian.csv", {"radius", "seed", "k", "jacobian_norm"});
  ex.csv("rnn_training.csv", {"radius", "clip", "seed", "step", "loss", "grad_norm"});
  ex.csv("cliff.csv", {"method", "step", "x", "y", "loss", "grad_norm"});
  ex.csv("mlp_curvature.csv", {"data", "lr", "seed", "step", "loss", "error", "grad_norm_sq", "gHg", "gHg_over_g2",
                               "batch_grad_norm_sq", "lambda_max"});
  ex.csv("saddle.csv", {"method", "seed", "step", "distance", "loss"});
  ex.csv("sparse.csv", {"method", "seed", "step", "loss", "frequent_error", "rare_error"});
  ex.note("mlp_spec", mlp_spec(p, "teacher"));
  if (!panel_a_lrs(p, "fmnist_lrs").empty()) ex.note("fmnist_spec", mlp_spec(p, "fashion-mnist"));
  ex.note("reddi_closed_form_adam_lower_bound", num(2.0 * (p.real("reddi_c") - 2.0) / 3.0));
  harness::SweepAxes axes;
  axes.add_grid("run", "range:0:" + std::to_string(runs.size() - 1));
  ex.add_results(ex.run_jobs(harness::JobTable(axes, ex.seed()), [&](const harness::Job& job, JobResult& out) {
    runs[std::stoul(job.value("run"))](out);
  }));
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<ExperimentParam> params = {
      {"reddi_c", "3", "3", "C of Reddi et al.'s f_t (C > 2)"},
      {"reddi_steps", "3000", "300000", "online rounds T"},
      {"reddi_record", "30", "300", "record x_t and R_t/t every K rounds"},
      {"seeds", "3", "10", "initialisations per spectral radius (RNN panels)"},
      {"rnn_radii", "0.8/1/1.3", "0.8/1/1.3", "spectral radii ρ of W at the initial point, '/'-separated"},
      {"rnn_steps", "20", "50", "T of the adding task"},
      {"rnn_hidden", "8", "16", "hidden units H"},
      {"rnn_n", "32", "128", "sequences"},
      {"rnn_train_steps", "100", "400", "full-batch GD steps"},
      {"rnn_record", "5", "10", "record the RNN loss every K steps"},
      {"rnn_lr", "0.5", "0.5", "GD learning rate on the RNN"},
      {"rnn_clip", "1", "1", "clip_norm threshold of the clipped RNN runs"},
      {"cliff_lr", "0.1", "0.1", "GD learning rate on the cliff"},
      {"cliff_clip", "1", "1", "threshold of clip_norm and clip_value on the cliff"},
      {"cliff_steps", "40", "40", "GD steps on the cliff"},
      {"mlp_widths", "10-32-3", "10-64-3", "widths of the tanh teacher-label MLP of panel (a)"},
      {"mlp_n", "256", "1024", "samples (teacher-MLP labels) of panel (a)"},
      {"mlp_batch", "16", "16", "SGD minibatch of panel (a) (both data sets)"},
      {"mlp_lr", "0.1", "0.1", "SGD learning rate on the teacher labels of panel (a)"},
      {"mlp_steps", "300", "5000", "SGD steps on the teacher labels of panel (a)"},
      {"mlp_record", "10", "50", "record F, ‖g‖², gᵀHg every K steps"},
      {"fmnist_widths", "784-16-10", "784-16-10", "widths of the tanh MLP on Fashion-MNIST of panel (a)"},
      {"fmnist_n", "512", "4096", "Fashion-MNIST training images of panel (a) (the first n)"},
      {"fmnist_lrs", "0.1", "0.03/0.1/0.3", "SGD learning rates on Fashion-MNIST of panel (a), '/'-separated, or none"},
      {"fmnist_steps", "300", "3000", "SGD steps on Fashion-MNIST of panel (a)"},
      {"fmnist_record", "10", "100", "record every K steps on Fashion-MNIST"},
      {"eos_objective", "mlp:widths=5-10-10-1,act=tanh,loss=mse,data=teacher-mlp,teacher_widths=20,noise=1,n=100,data_seed=1",
       "mlp:widths=5-10-10-1,act=tanh,loss=mse,data=teacher-mlp,teacher_widths=20,noise=1,n=100,data_seed=1",
       "regression MLP of panel (a)'s full-batch GD at the edge of stability"},
      {"eos_lrs", "0.2", "0.05/0.1/0.2", "full-batch GD learning rates of panel (a), '/'-separated, or none"},
      {"eos_steps", "600", "3000", "full-batch GD steps of panel (a)"},
      {"eos_record", "10", "10", "record every K steps (full-batch GD)"},
      {"mlp_lambda_max", "false", "true", "λmax of the Hessian by Lanczos at every row of panel (a)"},
      {"sparse_n", "500", "2000", "samples of the rare-feature problem (e)"},
      {"sparse_dim", "20", "40", "features (first half frequent, p = ½; second half rare)"},
      {"sparse_rare_p", "0.02", "0.01", "probability of a rare feature being on"},
      {"sparse_steps", "2000", "20000", "SGD / AdaGrad steps (B = 1)"},
      {"sparse_record", "50", "200", "record every K steps"},
      {"sparse_sgd_lr", "0.02", "0.02", "SGD learning rate (e)"},
      {"sparse_adagrad_lr", "0.3", "0.3", "AdaGrad learning rate (e)"},
      {"saddle_n", "50", "50", "samples of the noisy quadratic saddle (f)"},
      {"saddle_lr", "0.1", "0.1", "learning rate of GD and SGD at the saddle (f)"},
      {"saddle_steps", "150", "150", "steps from the saddle (f)"},
  };
  return optdyn::harness::run_experiment(
      argc, argv,
      {"pathologies",
       "‖g‖² and gᵀHg along MLP training, GD on a cliff, the RNN Jacobian chain and clipped training, Reddi et al.'s "
       "Adam counterexample, AdaGrad vs SGD on rare features, SGD leaving an exact saddle",
       params},
      body);
}
