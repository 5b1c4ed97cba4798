// reparameterization — what a change of parameters does to optimization (issue 16 item 5; seed
// 004, "reparameterisation"; seed 001, symmetric initialisation; doc/references.md, "Symmetry
// and reparameterisation"). Five panels, one CSV each:
//
//  (a) invariance.csv: the invariance report (analysis/invariance.hpp): every optimizer of
//      InvarianceSetup against a permutation, a rescaling, a dense linear map and a sign flip
//      of a small MLP; the measured trajectory gap beside the theory's prediction.
//  (b) balance.csv: a relu MLP on Fashion-MNIST (ce) from a "balanced" init θ₀ (He) and from the
//      same function's "unbalanced" point φ₀ = R(e^s)θ₀ (every hidden unit rescaled by e^{s_u},
//      s_u uniform in [−unbalance, unbalance]; mlp_rescaling.hpp). GD and Path-SGD from both;
//      per recorded step the two losses and the gap ‖R(e^{−s})φ_k − θ_k‖ / ‖θ_k − θ₀‖ (0 for an
//      equivariant method: Path-SGD; Neyshabur et al. 2015 §3).
//  (c) sharpness.csv: Dinh et al. 2017 §4: GD-trained θ* (train_steps steps from the seed's
//      init) rescaled by T_α: layer-0 hidden units ×α (rows of W_0, b_0), their outgoing weights
//      (W_1) ×1/α. F(T_αθ*) = F(θ*), and differentiating F(Tθ) = F(θ) twice gives
//      H(Tθ) = T⁻¹H(θ)T⁻¹ (T diagonal), so λ_max(α) is measured two ways: Lanczos on the Hessian at
//      T_αθ*, and Lanczos on T⁻¹H(θ*)T⁻¹ (HVPs at θ* only); with the asymptotes
//      α²·λ_max(H_{W₁W₁}) (α → ∞) and λ_max(H_{W₀b₀,W₀b₀})/α² (α → 0) of the diagonal blocks.
//  (d) teleport.csv: GD and GD|teleport (Zhao et al. 2022, Algorithm 1; teleport.hpp) from the
//      same He init, `seeds` seeds: loss against gradient evaluations (gradients + HVPs, an HVP
//      counted as one evaluation). GD's step is teleport_gd_lr, smaller than gd_lr: at gd_lr
//      the teleported (steeper, sharper) points make GD overshoot and teleportation loses
//      even per step (measured at quick scale, 4 seeds).
//  (e) symmetry.csv: GD from "identical" (every hidden unit a copy of unit 0: tie_hidden_units),
//      "perturbed" (identical + perturbation·‖θ‖/√D Gaussian noise) and "random" (He) inits; the
//      hidden-unit spread (hidden_unit_spread: 0 iff units are identical) and the loss.
//
// Jobs (harness/job_table.hpp), in four run_jobs calls: (b) method × seed, (c) α, (d) method ×
// seed, (e) init × seed. A job's init uses the replicate's seed (common random numbers: the
// methods of one seed start from the same point); the Fashion-MNIST network and θ* are built in
// the experiment's process and shared. Every output is the same bytes for any --jobs.
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "harness/experiment.hpp"
#include "harness/job_table.hpp"
#include "optdyn/analysis/hessian_eigen.hpp"
#include "optdyn/analysis/invariance.hpp"
#include "optdyn/core/error.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/core/text.hpp"
#include "optdyn/linalg/operator.hpp"
#include "optdyn/objectives/initial_point.hpp"
#include "optdyn/objectives/mlp.hpp"
#include "optdyn/objectives/mlp_rescaling.hpp"
#include "optdyn/objectives/mlp_symmetry.hpp"
#include "optdyn/objectives/registry.hpp"
#include "optdyn/optimizers/registry.hpp"

namespace {

using namespace optdyn;
using harness::Experiment;
using harness::ExperimentParam;
using harness::Job;
using harness::JobResult;

const std::string kPrefix = "experiment 'reparameterization': ";
constexpr std::uint64_t kUnbalanceStream = 11;
constexpr std::uint64_t kPerturbationStream = 12;
const double kNan = std::numeric_limits<double>::quiet_NaN();

// The network every panel but (a) trains, with its layout.
struct Network {
  ObjectivePtr f;
  MlpLayout layout;
};

Network fashion_network(const Spec& p) {
  ObjectivePtr f = make_objective("mlp:widths=" + p.text("widths") + ",act=relu,loss=ce,data=fashion-mnist,n=" +
                                  std::to_string(p.integer("n", 1, 60000)));
  MlpLayout layout = MlpLayout::from_blocks(f->parameter_blocks(), kPrefix + "key 'widths'");
  if (layout.num_layers() < 2) throw InputError(kPrefix + "key 'widths': needs at least one hidden layer");
  return {std::move(f), std::move(layout)};
}

Vec he_init(const Network& net, std::uint64_t seed) {
  return initial_point(InitParams{.scheme = InitParams::Scheme::he, .seed = seed}, *net.f);
}

std::string lr_spec(const char* name, double lr) { return std::string(name) + ":lr=" + harness::format_double(lr); }

// The iterates θ_0, θ_every, θ_2·every, … (and θ_steps) of `spec` from θ₀ with the oracle's
// evaluation count beside each. Divergence (a non-finite step, or a kept iterate whose loss is
// not finite: a huge but finite θ) is the experiment's divergence: DivergenceError, exit 3 with
// the rows of the jobs that finished.
struct Trajectory {
  std::vector<long> steps;
  std::vector<Vec> points;
  std::vector<double> evaluations;  // gradients + HVPs so far
};

Trajectory run(const Objective& f, const std::string& spec, Vec theta, long steps, long every) {
  OptimizerPtr opt = make_optimizer(spec);
  opt->reset(theta.size());
  ObjectiveOracle oracle(f);
  Trajectory t;
  const auto keep = [&](long k) {
    if (!std::isfinite(f.value(theta)))
      throw DivergenceError(spec + ": loss not finite at step " + std::to_string(k));
    t.steps.push_back(k);
    t.points.push_back(theta);
    t.evaluations.push_back(static_cast<double>(oracle.counts().gradients + oracle.counts().hvps));
  };
  keep(0);
  for (long k = 1; k <= steps; ++k) {
    opt->step(theta, oracle);
    if (k % every == 0 || k == steps) keep(k);
  }
  return t;
}

// (a) The invariance report as rows.
void invariance_panel(Experiment& ex, const Spec& p) {
  analysis::InvarianceSetup setup;
  setup.steps = p.integer("invariance_steps", 1, 10000);  // setup.seed stays the tested one (invariance_test)
  ex.csv("invariance.csv", {"optimizer", "transformation", "predicted", "applicable", "gap", "measured", "agrees", "reason"});
  for (const analysis::InvarianceRow& r : analysis::invariance_report(setup))
    ex.csv("invariance.csv")
        .row({r.optimizer, r.transformation, static_cast<long long>(r.predicted), static_cast<long long>(r.applicable),
              r.applicable ? r.gap : kNan, static_cast<long long>(r.measured),
              static_cast<long long>(r.applicable && r.measured == r.predicted), r.reason});
}

// (b) One method from θ₀ and from φ₀ = R(e^s)θ₀: both losses and the mapped-back gap.
void balance_job(const Spec& p, const Network& net, const std::string& method, const Job& job, JobResult& out) {
  const long steps = p.integer("steps", 1, 1L << 30), every = p.integer("record_every", 1, 1L << 30);
  const Vec theta0 = he_init(net, job.replicate_seed);
  Rng rng = Rng::derived(job.replicate_seed, kUnbalanceStream);
  const double spread = p.positive("unbalance");
  Vec s(num_hidden_units(net.layout));
  for (Index u = 0; u < s.size(); ++u) s[u] = rng.uniform(-spread, spread);
  Vec phi0 = theta0;
  scale_hidden_units(net.layout, phi0, s);
  const std::string spec = lr_spec(method == "gd" ? "gd" : "path_sgd", p.positive(method + "_lr"));
  const Trajectory a = run(*net.f, spec, theta0, steps, every), b = run(*net.f, spec, phi0, steps, every);
  for (std::size_t i = 0; i < a.points.size() || i < b.points.size(); ++i) {
    const bool both = i < a.points.size() && i < b.points.size();
    double gap = kNan;
    if (both && i > 0) {
      Vec back = b.points[i];
      scale_hidden_units(net.layout, back, -s);  // R(e^{−s}) = R(e^s)⁻¹
      gap = (back - a.points[i]).norm() / (a.points[i] - theta0).norm();
    }
    const long step = i < a.points.size() ? a.steps[i] : b.steps[i];
    out.row("balance.csv", {static_cast<long long>(job.replicate), method, static_cast<long long>(step),
                            i < a.points.size() ? net.f->value(a.points[i]) : kNan,
                            i < b.points.size() ? net.f->value(b.points[i]) : kNan, gap});
  }
}

// Log-scales log α on the units of hidden layer 0, 0 on the others: R(e^s) = T_α of panel (c).
Vec layer0_log_scales(const MlpLayout& layout, double alpha) {
  Vec s = Vec::Zero(num_hidden_units(layout));
  s.head(layout.widths()[1]).setConstant(std::log(alpha));
  return s;
}

// 1 on the entries of W_layer (and b_layer when `with_bias`), 0 elsewhere.
Vec layer_mask(const MlpLayout& layout, Index layer, bool with_bias) {
  Vec mask = Vec::Zero(layout.size());
  layout.mutable_weight(mask, layer).setOnes();
  if (with_bias && layout.has_bias()) layout.mutable_bias(mask, layer).setOnes();
  return mask;
}

// The largest eigenvalue of a symmetric operator (Lanczos, k = 1).
analysis::EigenResult largest(const SymmetricOperator& op, double tol) {
  analysis::EigenOptions o;
  o.k = 1;
  o.tol = tol;
  o.method = analysis::EigenMethod::lanczos;
  return analysis::extreme_eigenpairs(op, o);
}

// λ_max of the Hessian at θ restricted to the entries where `mask` is 1: P H P.
double block_lambda_max(const Objective& f, const Vec& theta, const Vec& mask, double tol) {
  const BoundCurvature h = f.bind(theta);
  const FunctionOperator block(theta.size(), [&](const Vec& v, Vec& out) {
    h.apply(mask.cwiseProduct(v), out);
    out = mask.cwiseProduct(out);
  });
  return largest(block, tol).eigenvalues[0];
}

// (c) One α: loss and λ_max at T_αθ*, λ_max(T⁻¹H(θ*)T⁻¹), and the two asymptotes.
void sharpness_job(const Spec& p, const Network& net, const Vec& trained, double alpha, JobResult& out) {
  const double tol = p.positive("lanczos_tol");
  const Vec s = layer0_log_scales(net.layout, alpha);
  Vec t = Vec::Ones(trained.size());  // diag(T_α): T is diagonal and linear, so T·1 is its diagonal
  scale_hidden_units(net.layout, t, s);
  Vec moved = trained;
  scale_hidden_units(net.layout, moved, s);
  const analysis::EigenResult at_moved = largest(net.f->bind(moved), tol);
  const BoundCurvature h = net.f->bind(trained);
  const FunctionOperator pulled(trained.size(), [&](const Vec& v, Vec& out_v) {  // T⁻¹H(θ*)T⁻¹
    h.apply(v.cwiseQuotient(t), out_v);
    out_v = out_v.cwiseQuotient(t);
  });
  const analysis::EigenResult predicted = largest(pulled, tol);
  const Vec in_mask = layer_mask(net.layout, 0, true), out_mask = layer_mask(net.layout, 1, false);
  const double large = alpha == 1.0 ? kNan : alpha * alpha * block_lambda_max(*net.f, trained, out_mask, tol);
  const double small = alpha == 1.0 ? kNan : block_lambda_max(*net.f, trained, in_mask, tol) / (alpha * alpha);
  out.row("sharpness.csv", {alpha, net.f->value(moved), at_moved.eigenvalues[0], predicted.eigenvalues[0], large, small,
                            static_cast<long long>(at_moved.products),
                            static_cast<long long>(at_moved.converged && predicted.converged)});
}

// (d) GD or GD|teleport from the replicate's He init: loss against evaluations.
void teleport_job(const Spec& p, const Network& net, const std::string& method, const Job& job, JobResult& out) {
  const std::string gd = lr_spec("gd", p.positive("teleport_gd_lr"));
  const std::string spec = method == "gd" ? gd : gd + "|teleport:" + p.text("teleport");
  const Trajectory t = run(*net.f, spec, he_init(net, job.replicate_seed), p.integer("steps", 1, 1L << 30),
                           p.integer("record_every", 1, 1L << 30));
  for (std::size_t i = 0; i < t.points.size(); ++i) {
    Vec g;
    const double loss = net.f->value_and_gradient(t.points[i], g);
    out.row("teleport.csv", {static_cast<long long>(job.replicate), method, static_cast<long long>(t.steps[i]),
                             t.evaluations[i], loss, g.norm()});
  }
}

// (e) The start of an init kind: identical units, identical + noise, or He.
Vec symmetry_start(const Spec& p, const Network& net, const std::string& kind, std::uint64_t seed) {
  Vec theta = he_init(net, seed);
  if (kind == "random") return theta;
  tie_hidden_units(net.layout, theta);
  if (kind == "perturbed") {
    const double scale = p.positive("perturbation") * theta.norm() / std::sqrt(static_cast<double>(theta.size()));
    theta += scale * Rng::derived(seed, kPerturbationStream).normal_vector(theta.size());
  }
  return theta;
}

void symmetry_job(const Spec& p, const Network& net, const std::string& kind, const Job& job, JobResult& out) {
  const Trajectory t = run(*net.f, lr_spec("gd", p.positive("gd_lr")), symmetry_start(p, net, kind, job.replicate_seed),
                           p.integer("steps", 1, 1L << 30), p.integer("record_every", 1, 1L << 30));
  for (std::size_t i = 0; i < t.points.size(); ++i)
    out.row("symmetry.csv", {static_cast<long long>(job.replicate), kind, static_cast<long long>(t.steps[i]),
                             net.f->value(t.points[i]), hidden_unit_spread(net.layout, t.points[i])});
}

// A table of `seeds` replicates per value of `key` (values as written).
harness::JobTable seeded_table(const Experiment& ex, const std::string& key, const std::string& values, long seeds) {
  harness::SweepAxes axes;
  axes.add_grid(key, values);
  axes.set_replicates(seeds);
  return harness::JobTable(axes, ex.seed());
}

// Every parameter, checked before anything runs (bad input: exit 2 in a second).
void check_parameters(const Spec& p) {
  p.integer("n", 1, 60000);
  p.integer("steps", 1, 1L << 30);
  p.integer("record_every", 1, 1L << 30);
  p.integer("seeds", 1, 10000);
  p.integer("invariance_steps", 1, 10000);
  p.integer("train_steps", 0, 1L << 30);
  for (const char* key : {"gd_lr", "path_sgd_lr", "teleport_gd_lr", "unbalance", "perturbation", "lanczos_tol"}) p.positive(key);
  for (const std::string& a : harness::parse_value_list("alphas", p.text("alphas")))
    if (double alpha = 0.0; !parse_double(a, alpha) || !(alpha >= 1e-6 && alpha <= 1e6))  // λ_max ∝ α², 1/α²
      throw InputError(kPrefix + "key 'alphas': every α must be a number in [1e-6, 1e6], got '" + a + "'");
  make_optimizer("gd:lr=0.1|teleport:" + p.text("teleport"));
}

void body(Experiment& ex) {
  const Spec& p = ex.params();
  check_parameters(p);
  const Network net = fashion_network(p);
  const long seeds = p.integer("seeds", 1, 10000);
  ex.note("network", net.f->spec());
  invariance_panel(ex, p);

  ex.csv("balance.csv", {"seed", "method", "step", "loss_balanced", "loss_unbalanced", "gap"});
  ex.add_results(ex.run_jobs(seeded_table(ex, "method", "gd,path_sgd", seeds), [&](const Job& job, JobResult& out) {
    balance_job(p, net, job.value("method"), job, out);
  }));

  const Trajectory training = run(*net.f, lr_spec("gd", p.positive("gd_lr")), he_init(net, ex.seed()),
                                  p.integer("train_steps", 0, 1L << 30), 1L << 30);
  const Vec& trained = training.points.back();
  ex.note("sharpness_train_loss", format_number(net.f->value(trained), 17));
  ex.csv("sharpness.csv", {"alpha", "loss", "lambda_max", "lambda_max_pulled_back", "asymptote_large_alpha",
                           "asymptote_small_alpha", "products", "converged"});
  harness::SweepAxes alphas;
  alphas.add_grid("alpha", p.text("alphas"));
  ex.add_results(ex.run_jobs(harness::JobTable(alphas, ex.seed()), [&](const Job& job, JobResult& out) {
    sharpness_job(p, net, trained, std::stod(job.value("alpha")), out);
  }));

  ex.csv("teleport.csv", {"seed", "method", "step", "evaluations", "loss", "grad_norm"});
  ex.add_results(ex.run_jobs(seeded_table(ex, "method", "gd,teleport", seeds), [&](const Job& job, JobResult& out) {
    teleport_job(p, net, job.value("method"), job, out);
  }));

  ex.csv("symmetry.csv", {"seed", "init", "step", "loss", "unit_spread"});
  ex.add_results(ex.run_jobs(seeded_table(ex, "init", "identical,perturbed,random", seeds),
                             [&](const Job& job, JobResult& out) { symmetry_job(p, net, job.value("init"), job, out); }));
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<ExperimentParam> params = {
      {"widths", "784-8-10", "784-64-10", "widths of the relu MLP on Fashion-MNIST (ce)"},
      {"n", "200", "2000", "training images (the first n of the train split)"},
      {"steps", "30", "300", "full-batch steps of every run in (b), (d), (e)"},
      {"record_every", "1", "5", "record every K steps (and step 0 and the last)"},
      {"seeds", "3", "16", "seeds (replicates) per method in (b), (d), (e)"},
      {"gd_lr", "0.1", "0.1", "GD's step size in (b)–(e)"},
      {"path_sgd_lr", "0.1", "0.1", "Path-SGD's step size in (b)"},
      {"unbalance", "1", "1", "(b): log-scales s_u uniform in [−unbalance, unbalance]"},
      {"invariance_steps", "10", "10", "(a): steps of every optimizer in the invariance report"},
      {"train_steps", "30", "300", "(c): GD steps from the seed's He init to θ*"},
      {"alphas", "0.1,0.3,1,3,10", "log:0.01:100:17", "(c): the rescalings α of layer 0 (α in [1e-6, 1e6])"},
      {"lanczos_tol", "1e-8", "1e-8", "(c): relative tolerance of the Lanczos λ_max"},
      {"teleport_gd_lr", "0.02", "0.02", "(d): GD's step size with and without teleportation"},
      {"teleport", "every=20,steps=3,lr=0.1", "every=20,steps=3,lr=0.1", "(d): the teleport modifier's keys"},
      {"perturbation", "1e-6", "1e-6", "(e): noise of the 'perturbed' init, relative to ‖θ‖/√D"},
  };
  return optdyn::harness::run_experiment(
      argc, argv,
      {"reparameterization",
       "invariance table; GD vs Path-SGD from balanced/unbalanced inits of one relu function; sharpness across "
       "rescalings (Dinh et al. 2017); teleportation's speed-up; symmetric initialisation",
       params},
      body);
}
