// index_vs_loss — the index of critical points against their loss (issue 15, part 3; figure
// papers/figures/index_vs_loss.py; doc/references.md, "Index against loss").
//
// Critical points of any index are found from many starts by the critical_points module
// (analysis/critical_points/: solve, describe with the exact dense index, deduplicate up to
// the network's symmetries) on four kinds of landscape, one job each:
//  (a) networks, the question of Dauphin et al. 2014 (Fig. 1) and Pennington & Bahri 2017:
//      teacher_mlp   a tanh MLP on Gaussian inputs with targets of a wider tanh teacher (mse),
//      fashion_mlp   a tanh MLP on a Fashion-MNIST subset, inputs reduced to their leading
//                    PCA-whitened components (data/principal_components.hpp), one-hot targets
//                    and mse (Pennington–Bahri's theory is for the squared loss),
//      deep_linear   W₂W₁ on whitened one-hot inputs X = I_d with Gaussian targets, whose
//                    critical points are known in closed form (Baldi & Hornik 1989,
//                    analysis/linear_critical_points.hpp): every found point is identified
//                    by its mode strengths and its loss and index checked against the
//                    enumeration (columns reference_loss, reference_negatives, matched).
//      Starts: `starts` random initialisations (gaussian, gains cycling through `gains`) and
//      `trajectories` gradient-descent runs from gain-1 initialisations (lr `gd_lr`), every
//      `trajectory_every`-th iterate up to `trajectory_steps` (Dauphin et al. §6 and
//      Pennington & Bahri §4 start from random points and from training trajectories).
//      Each set of starts is one search (origin "random" or "trajectory" in points.csv).
//      Solver `method` (newton: H p = −∇F with the Gauss–Newton fallback, dense).
//      Per family: the Pennington–Bahri fit α ≈ α₀|(ε − ε_c)/ε_c|^{3/2} on the points with
//      index ≤ `fit_max_index` (bootstrap over points, `bootstrap` resamples, 95 %), and
//      Spearman's ρ of (loss, index) over all points (Dauphin's monotone relation).
//  (b) the spherical p-spin (p = 3, N in `pspin_dims`; ABC 2013 normalisation, energies per
//      spin u = H/N in the loss column): Riemannian Newton from `pspin_starts` uniform points
//      on the sphere (origin "random"), from the iterates of `pspin_gd_runs` gradient descent
//      runs (`pspin_gd_steps` steps of lr `pspin_gd_lr` on the scale-invariant extension,
//      every `pspin_gd_every`-th: origin "trajectory", critical points at intermediate
//      energies) and from their end points (origin "gd": where GD stops, polished to exact
//      critical points: the "minima found by gradient descent"). Predictions
//      (analysis/pspin_complexity.hpp): E_k, E_∞ (abc_thresholds.csv), the semicircle index
//      law α(u) (pspin_index_law.csv; RMS distance of the points to it in fits.csv), and the
//      index-k bands [−E_k, −E_∞] (pspin_bands.csv). The dense coupling tensor caps N at 506
//      for p = 3 (objectives/spherical_pspin.hpp: 1.3e8 entries, about 1 GB per job).
//
// Outputs: points.csv (one row per distinct critical point), searches.csv (per search: starts,
// converged, duplicates, how the others stopped, oracle counts), fits.csv, pspin_bands.csv,
// pspin_gd.csv (GD end points before polishing), linear_enumeration.csv (every closed-form
// point of the deep linear net and how often the search found it), abc_thresholds.csv,
// pspin_index_law.csv. Jobs (harness/job_table.hpp): one per family and p-spin size, so the
// files are the same bytes for any --jobs.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/experiment.hpp"
#include "harness/job_table.hpp"
#include "optdyn/analysis/critical_points/critical_point_search.hpp"
#include "optdyn/analysis/critical_points/sphere_geometry.hpp"
#include "optdyn/analysis/critical_points/starting_points.hpp"
#include "optdyn/analysis/index_loss_law.hpp"
#include "optdyn/analysis/linear_critical_points.hpp"
#include "optdyn/analysis/pspin_complexity.hpp"
#include "optdyn/analysis/saxe_modes.hpp"
#include "optdyn/core/error.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/data/fashion_mnist.hpp"
#include "optdyn/data/principal_components.hpp"
#include "optdyn/objectives/mlp.hpp"
#include "optdyn/objectives/registry.hpp"
#include "optdyn/objectives/spherical_pspin.hpp"
#include "optdyn/optimizers/oracle.hpp"
#include "optdyn/optimizers/registry.hpp"

namespace {

using namespace optdyn;
using harness::CsvCell;
using harness::CsvWriter;
using harness::Experiment;
using harness::ExperimentParam;
using harness::JobResult;

constexpr int kPSpinP = 3;
constexpr std::uint64_t kStartStream = 1, kTrajectoryStream = 2, kBootstrapStream = 3, kProbeStream = 4,
                        kGdStream = 5;
constexpr Index kMaxBandIndex = 4;      // pspin_bands.csv: k = 0..4
constexpr Index kMaxThresholdIndex = 10;  // abc_thresholds.csv: E_0..E_10
constexpr double kModeTolerance = 1e-5;   // relative, identifying a deep-linear point's modes
const double kNan = std::numeric_limits<double>::quiet_NaN();

// One landscape: its objective and how its points are reported.
struct Family {
  std::string name;
  ObjectivePtr objective;
  bool sphere = false;  // p-spin: Riemannian Newton, losses per spin
  Index n_spins = 0;
  analysis::SaxeModes modes;  // deep_linear only
  Index hidden = 0;           // deep_linear only
  double target_energy = 0.0; // deep_linear only: ‖Y‖²_F
};

std::string join(const std::vector<Index>& v, char sep) {
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? std::string(1, sep) : "") + std::to_string(v[i]);
  return s;
}

// --- the families ---------------------------------------------------------------------------
Family teacher_mlp(const Spec& p) {
  Family f;
  f.name = "teacher_mlp";
  f.objective = make_objective("mlp:widths=" + p.text("teacher_widths") + ",act=tanh,loss=mse,data=teacher-mlp," +
                               "teacher_widths=" + p.text("teacher_hidden") +
                               ",n=" + std::to_string(p.integer("teacher_n", 2, 100000)) + ",data_seed=1");
  return f;
}

Family fashion_mlp(const Spec& p) {
  Dataset data = load_fashion_mnist({.n = p.integer("fashion_n", 2, 60000)});
  const Index components = p.integer("fashion_pca", 1, 784);
  project_on_principal_components(data, components);
  const Index hidden = p.integer("fashion_hidden", 1, 1000);
  const std::string spec = "fashion-mnist-pca:components=" + std::to_string(components) +
                           ",hidden=" + std::to_string(hidden) + ",n=" + std::to_string(data.size());
  Family f;
  f.name = "fashion_mlp";
  f.objective = std::make_unique<Mlp>(
      MlpArchitecture{.widths = {components, hidden, 10}, .activation = Activation::tanh, .loss = MlpLoss::mse},
      std::move(data), spec);
  return f;
}

Family deep_linear(const Spec& p) {
  const Index d = p.integer("linear_dim", 1, 1000), h = p.integer("linear_hidden", 1, 1000);
  Dataset data;
  data.inputs = Mat::Identity(d, d);  // whitened: Σ¹¹ = I (summed)
  Rng rng = Rng::derived(1, kStartStream);
  data.targets = rng.normal_matrix(d, d);  // generic: distinct singular values
  Family f;
  f.name = "deep_linear";
  f.hidden = h;
  f.target_energy = data.targets.squaredNorm();
  f.modes = analysis::saxe_modes(data);
  f.objective = std::make_unique<Mlp>(MlpArchitecture{.widths = {d, h, d}, .activation = Activation::linear,
                                                      .loss = MlpLoss::mse, .bias = false},
                                      std::move(data), "deep-linear:d=" + std::to_string(d) + ",hidden=" + std::to_string(h));
  return f;
}

Family pspin(Index n) {
  Family f;
  f.name = "pspin";
  f.sphere = true;
  f.n_spins = n;
  f.objective = make_spherical_pspin({.dim = n, .p = kPSpinP, .seed = 1});
  return f;
}

// --- starts ---------------------------------------------------------------------------------
std::vector<Vec> random_network_starts(const Spec& p, const Objective& f, std::uint64_t seed) {
  Rng rng = Rng::derived(seed, kStartStream);
  const std::vector<double> gains = p.real_list("gains", '/');
  const long count = p.integer("starts", 0, 1L << 24);
  std::vector<Vec> starts;
  for (std::size_t g = 0; g < gains.size(); ++g) {
    const long share = count / static_cast<long>(gains.size()) + (static_cast<long>(g) < count % static_cast<long>(gains.size()));
    for (Vec& s : analysis::random_starts(f, {.gain = gains[g]}, share, rng)) starts.push_back(std::move(s));
  }
  return starts;
}

std::vector<Vec> trajectory_network_starts(const Spec& p, const Objective& f, std::uint64_t seed) {
  std::vector<Vec> starts;
  Rng trajectory_rng = Rng::derived(seed, kTrajectoryStream);
  const long runs = p.integer("trajectories", 0, 1L << 20);
  ObjectiveOracle oracle(f);
  for (long r = 0; r < runs; ++r) {
    OptimizerPtr gd = make_optimizer("gd:lr=" + harness::format_double(p.positive("gd_lr")));
    const Vec theta0 = analysis::random_starts(f, {.gain = 1.0}, 1, trajectory_rng)[0];
    try {
      for (Vec& s : analysis::trajectory_starts(*gd, oracle, theta0, p.integer("trajectory_steps", 0, 1L << 24),
                                                p.integer("trajectory_every", 1, 1L << 24)))
        starts.push_back(std::move(s));
    } catch (const DivergenceError&) {  // a diverging run contributes no starts
    }
  }
  return starts;
}

// Gradient descent on the p-spin's scale-invariant extension from uniform points on the sphere:
// its iterates every `pspin_gd_every` steps (trajectory starts, the end excluded) and its end
// points (rescaled onto the sphere; energies per spin in pspin_gd.csv). pspin_gd_every divides
// pspin_gd_steps, so the last kept iterate is the end.
struct GdStarts {
  std::vector<Vec> trajectory, ends;
};

GdStarts pspin_gd_starts(const Spec& p, const Family& f, std::uint64_t seed, JobResult& out) {
  Rng rng = Rng::derived(seed, kGdStream);
  const long runs = p.integer("pspin_gd_runs", 0, 1L << 20), steps = p.integer("pspin_gd_steps", 1, 1L << 24);
  const long every = p.integer("pspin_gd_every", 1, 1L << 24);
  const auto& pspin = dynamic_cast<const SphericalPSpin&>(*f.objective);
  GdStarts starts;
  ObjectiveOracle oracle(*f.objective);
  for (const Vec& theta0 : analysis::sphere_starts(f.n_spins, runs, rng)) {
    OptimizerPtr gd = make_optimizer("gd:lr=" + harness::format_double(p.positive("pspin_gd_lr")));
    std::vector<Vec> path = analysis::trajectory_starts(*gd, oracle, theta0, steps, every);  // ends at step `steps`
    Vec end = analysis::onto_sphere(path.back());
    path.pop_back();
    out.row("pspin_gd.csv", {static_cast<long long>(f.n_spins), static_cast<long long>(starts.ends.size()),
                             static_cast<long long>(steps), pspin.energy(end) / static_cast<double>(f.n_spins),
                             pspin.riemannian_gradient(end).norm()});
    for (const Vec& theta : path) starts.trajectory.push_back(analysis::onto_sphere(theta));
    starts.ends.push_back(std::move(end));
  }
  return starts;
}

// --- one search and its rows ----------------------------------------------------------------
analysis::CriticalPointSearchOptions search_options(const Spec& p, bool sphere) {
  analysis::CriticalPointSearchOptions o;
  o.solver.method = sphere ? analysis::CriticalPointMethod::riemannian_newton
                           : analysis::parse_critical_point_method(p.text("method"));
  o.solver.tol = p.positive("tol");
  o.solver.max_steps = p.integer("max_steps", 1, 1L << 20);
  o.index.method = analysis::IndexMethod::dense;
  o.duplicate_tolerance = p.positive("duplicate_tolerance");
  return o;
}

Index negatives(const analysis::CriticalPoint& c) { return std::lround(c.index * static_cast<double>(c.dim)); }

// The loss column: F, or the energy per spin H/N on the sphere.
double loss_of(const Family& f, const analysis::CriticalPoint& c) {
  return f.sphere ? c.loss / static_cast<double>(f.n_spins) : c.loss;
}

// The Baldi–Hornik point a deep-linear critical point is (reference loss and negatives), if any.
std::optional<analysis::LinearCriticalPoint> reference_point(const Family& f, const analysis::CriticalPoint& c) {
  const auto& net = dynamic_cast<const Mlp&>(*f.objective);
  const Vec strengths = analysis::mode_strengths(f.modes, net.layout(), c.theta);
  const auto used = analysis::used_modes(strengths, f.modes.s, kModeTolerance);
  if (!used || static_cast<Index>(used->size()) > f.hidden) return std::nullopt;
  return analysis::linear_critical_point(f.modes.s, *used, f.hidden, f.target_energy, f.modes.samples);
}

long long size_of(const Family& f) { return f.sphere ? f.n_spins : f.objective->dim(); }

void point_rows(const Family& f, const std::string& origin, const analysis::CriticalPointSearch& s, JobResult& out,
                std::map<std::string, Index>* classes) {
  for (std::size_t i = 0; i < s.points.size(); ++i) {
    const analysis::CriticalPoint& c = s.points[i].point;
    double ref_loss = kNan, ref_negatives = kNan, matched = kNan;
    if (f.name == "deep_linear") {
      matched = 0.0;
      if (const auto r = reference_point(f, c)) {
        ref_loss = r->loss;
        ref_negatives = static_cast<double>(r->negatives);
        matched = std::abs(c.loss - r->loss) <= 1e-8 * std::max(1.0, r->loss) && negatives(c) == r->negatives ? 1.0 : 0.0;
        ++(*classes)[join(r->modes, '+')];
      }
    }
    out.row("points.csv", {f.name, size_of(f), static_cast<long long>(c.dim), origin, static_cast<long long>(i),
                           loss_of(f, c), c.index, c.index_low, c.index_high, static_cast<long long>(negatives(c)),
                           c.near_zero, c.gradient_norm, static_cast<long long>(s.points[i].found),
                           static_cast<long long>(c.solver.steps), ref_loss, ref_negatives, matched});
  }
}

void search_row(const Family& f, const std::string& origin, const analysis::CriticalPointSearch& s, JobResult& out) {
  std::string stopped;
  for (const auto& [reason, count] : s.not_converged)
    stopped += (stopped.empty() ? "" : ";") + reason + ":" + std::to_string(count);
  out.row("searches.csv", {f.name, size_of(f), origin, static_cast<long long>(s.starts),
                           static_cast<long long>(s.converged), static_cast<long long>(s.duplicates),
                           static_cast<long long>(s.points.size()), stopped, static_cast<long long>(s.counts.gradients),
                           static_cast<long long>(s.counts.hvps)});
}

analysis::CriticalPointSearch search(const Spec& p, const Family& f, const std::vector<Vec>& starts, std::uint64_t seed) {
  Rng probes = Rng::derived(seed, kProbeStream);  // unused by the dense index
  return analysis::search_critical_points(*f.objective, starts, search_options(p, f.sphere), probes);
}

// --- summaries ------------------------------------------------------------------------------
struct Sample {
  std::vector<double> loss, index;
};

Sample sample_of(const Family& f, const std::vector<const analysis::CriticalPointSearch*>& searches) {
  Sample s;
  for (const auto* search : searches)
    for (const auto& d : search->points) {
      s.loss.push_back(loss_of(f, d.point));
      s.index.push_back(d.point.index);
    }
  return s;
}

// Pennington–Bahri fit (networks), Spearman ρ, and for the p-spin the RMS distance to α(u).
void fit_row(const Spec& p, const Family& f, const Sample& all, std::uint64_t seed, JobResult& out) {
  analysis::IndexLossFit fit;
  fit.alpha0 = fit.eps_c = fit.alpha0_sd = fit.eps_c_sd = kNan;
  fit.alpha0_low = fit.alpha0_high = fit.eps_c_low = fit.eps_c_high = fit.rss = kNan;
  if (!f.sphere) {
    Sample small;
    const double max_index = p.real("fit_max_index", 0.0, 1.0);
    for (std::size_t i = 0; i < all.loss.size(); ++i)
      if (all.index[i] <= max_index) small.loss.push_back(all.loss[i]), small.index.push_back(all.index[i]);
    fit.points = static_cast<Index>(small.loss.size());
    const bool fittable = std::any_of(small.index.begin(), small.index.end(), [](double a) { return a > 0.0; });
    if (fittable) {
      Rng rng = Rng::derived(seed, kBootstrapStream);
      fit = analysis::bootstrap_index_loss_law(small.loss, small.index, rng, p.integer("bootstrap", 2, 1L << 20));
    }
  }
  double semicircle_rms = kNan;
  if (f.sphere && !all.loss.empty()) {
    double s = 0.0;
    for (std::size_t i = 0; i < all.loss.size(); ++i)
      s += std::pow(all.index[i] - analysis::pspin_index_fraction(kPSpinP, all.loss[i]), 2);
    semicircle_rms = std::sqrt(s / static_cast<double>(all.loss.size()));
  }
  const auto [lo, hi] = std::minmax_element(all.loss.begin(), all.loss.end());
  out.row("fits.csv", {f.name, size_of(f), static_cast<long long>(all.loss.size()), static_cast<long long>(fit.points),
                       fit.alpha0, fit.alpha0_sd, fit.alpha0_low, fit.alpha0_high, fit.eps_c, fit.eps_c_sd,
                       fit.eps_c_low, fit.eps_c_high, fit.rss, static_cast<long long>(fit.resamples),
                       static_cast<long long>(fit.at_bound ? 1 : 0), analysis::spearman_rho(all.loss, all.index), all.loss.empty() ? kNan : *lo,
                       all.loss.empty() ? kNan : *hi, semicircle_rms});
}

// Energies per spin of the index-k points against ABC's band [−E_k, −E_∞].
void band_rows(const Family& f, const std::vector<const analysis::CriticalPointSearch*>& searches, JobResult& out) {
  const double e_inf = analysis::pspin_threshold_energy(kPSpinP);
  for (Index k = 0; k <= kMaxBandIndex; ++k) {
    std::vector<double> u;
    for (const auto* s : searches)
      for (const auto& d : s->points)
        if (negatives(d.point) == k) u.push_back(loss_of(f, d.point));
    const double e_k = analysis::pspin_index_energy(kPSpinP, static_cast<int>(k));
    const auto inside = std::count_if(u.begin(), u.end(), [&](double x) { return x >= -e_k; });
    double mean = 0.0;
    for (double x : u) mean += x / static_cast<double>(u.size());
    const auto [lo, hi] = std::minmax_element(u.begin(), u.end());
    out.row("pspin_bands.csv", {static_cast<long long>(f.n_spins), static_cast<long long>(k),
                                static_cast<long long>(u.size()), u.empty() ? kNan : *lo, u.empty() ? kNan : mean,
                                u.empty() ? kNan : *hi, -e_k, -e_inf,
                                u.empty() ? kNan : static_cast<double>(inside) / static_cast<double>(u.size())});
  }
}

void enumeration_rows(const Family& f, const std::map<std::string, Index>& classes, JobResult& out) {
  const Index d = f.objective->dim();
  for (const auto& c : analysis::enumerate_linear_critical_points(f.modes.s, f.hidden, f.target_energy, f.modes.samples)) {
    const std::string key = join(c.modes, '+');
    const auto it = classes.find(key);
    out.row("linear_enumeration.csv", {key.empty() ? std::string("none") : key, static_cast<long long>(c.modes.size()),
                                       c.loss, static_cast<long long>(c.negatives),
                                       static_cast<double>(c.negatives) / static_cast<double>(d),
                                       static_cast<long long>(it == classes.end() ? 0 : it->second)});
  }
}

// --- one job --------------------------------------------------------------------------------
void run_family(const Spec& p, const Family& f, std::uint64_t seed, JobResult& out) {
  std::map<std::string, Index> classes;
  std::vector<std::pair<std::string, analysis::CriticalPointSearch>> searches;
  if (!f.sphere) {
    searches.emplace_back("random", search(p, f, random_network_starts(p, *f.objective, seed), seed));
    searches.emplace_back("trajectory", search(p, f, trajectory_network_starts(p, *f.objective, seed), seed));
  } else {
    Rng rng = Rng::derived(seed, kStartStream);
    searches.emplace_back("random", search(p, f, analysis::sphere_starts(f.n_spins, p.integer("pspin_starts", 0, 1L << 24), rng), seed));
    GdStarts gd = pspin_gd_starts(p, f, seed, out);
    searches.emplace_back("trajectory", search(p, f, gd.trajectory, seed));
    searches.emplace_back("gd", search(p, f, gd.ends, seed));
  }
  std::vector<const analysis::CriticalPointSearch*> all;
  for (const auto& [origin, s] : searches) {
    search_row(f, origin, s, out);
    point_rows(f, origin, s, out, &classes);
    all.push_back(&s);
  }
  fit_row(p, f, sample_of(f, all), seed, out);
  if (f.name == "deep_linear") enumeration_rows(f, classes, out);
  if (f.sphere) band_rows(f, all, out);
}

// --- the predictions (no randomness) --------------------------------------------------------
void write_predictions(Experiment& ex) {
  CsvWriter& t = ex.csv("abc_thresholds.csv", {"p", "k", "energy", "e_inf"});
  const double e_inf = analysis::pspin_threshold_energy(kPSpinP);
  for (Index k = 0; k <= kMaxThresholdIndex; ++k)
    t.row({static_cast<long long>(kPSpinP), static_cast<long long>(k),
           -analysis::pspin_index_energy(kPSpinP, static_cast<int>(k)), -e_inf});
  CsvWriter& law = ex.csv("pspin_index_law.csv", {"p", "energy", "index"});
  constexpr int kGrid = 200;
  for (int i = 0; i <= kGrid; ++i) {
    const double u = -1.8 + 3.6 * i / kGrid;  // [−1.8, 1.8]: from below −E_0 to above E_0 (H(−σ) = −H(σ))
    law.row({static_cast<long long>(kPSpinP), u, analysis::pspin_index_fraction(kPSpinP, u)});
  }
}

void open_tables(Experiment& ex) {
  ex.csv("points.csv", {"family", "size", "dim", "origin", "point", "loss", "index", "index_low", "index_high",
                        "negatives", "near_zero", "gradient_norm", "found", "steps", "reference_loss",
                        "reference_negatives", "matched"});
  ex.csv("searches.csv", {"family", "size", "origin", "starts", "converged", "duplicates", "distinct", "not_converged",
                          "gradients", "hvps"});
  ex.csv("fits.csv", {"family", "size", "points", "fit_points", "alpha0", "alpha0_sd", "alpha0_low", "alpha0_high",
                      "eps_c", "eps_c_sd", "eps_c_low", "eps_c_high", "rss", "resamples", "eps_c_at_bound", "spearman_rho", "loss_min",
                      "loss_max", "semicircle_rms"});
  ex.csv("pspin_bands.csv", {"size", "k", "count", "energy_min", "energy_mean", "energy_max", "abc_e_k", "abc_e_inf",
                             "fraction_above_e_k"});
  ex.csv("pspin_gd.csv", {"size", "run", "steps", "energy", "gradient_norm"});
  ex.csv("linear_enumeration.csv", {"modes", "rank", "loss", "negatives", "index", "found_points"});
}

// Every parameter the jobs read, checked before any work (bad input: exit 2 in a second).
void check_parameters(const Spec& p) {
  search_options(p, false);
  for (double g : p.real_list("gains", '/'))
    if (!(g > 0.0)) throw InputError("experiment 'index_vs_loss': key 'gains': every gain must be > 0");
  p.integer("starts", 0, 1L << 24);
  p.integer("trajectories", 0, 1L << 20);
  p.integer("trajectory_steps", 0, 1L << 24);
  p.integer("trajectory_every", 1, 1L << 24);
  p.positive("gd_lr");
  p.real("fit_max_index", 0.0, 1.0);
  p.integer("bootstrap", 2, 1L << 20);
  p.integer("pspin_starts", 0, 1L << 24);
  p.integer("pspin_gd_runs", 0, 1L << 20);
  p.integer("pspin_gd_steps", 1, 1L << 24);
  if (p.integer("pspin_gd_steps", 1, 1L << 24) % p.integer("pspin_gd_every", 1, 1L << 24) != 0)
    throw InputError("experiment 'index_vs_loss': key 'pspin_gd_every': must divide pspin_gd_steps");
  p.positive("pspin_gd_lr");
}

void body(Experiment& ex) {
  const Spec& p = ex.params();
  check_parameters(p);
  std::vector<Family> families;
  for (long n : p.integer_list("pspin_dims", '-', 3, 506)) families.push_back(pspin(n));  // largest cost first
  std::reverse(families.begin(), families.end());
  families.push_back(fashion_mlp(p));
  families.push_back(teacher_mlp(p));
  families.push_back(deep_linear(p));
  for (const Family& f : families)
    ex.note(f.name + "_" + std::to_string(size_of(f)) + "_spec", f.objective->spec());
  open_tables(ex);
  write_predictions(ex);
  harness::SweepAxes axes;
  axes.add_grid("family", "range:0:" + std::to_string(families.size() - 1));
  const std::vector<JobResult> results =
      ex.run_jobs(harness::JobTable(axes, ex.seed()), [&](const harness::Job& job, JobResult& out) {
        run_family(p, families[std::stoul(job.value("family"))], job.seed, out);
      });
  ex.add_results(results);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<ExperimentParam> params = {
      {"method", "newton", "newton", "critical-point solver of the networks (gauss_newton|newton|saddle_free_newton)"},
      {"tol", "1e-7", "1e-7", "‖∇F‖ (Riemannian on the sphere) at which a point counts as critical"},
      {"max_steps", "200", "200", "solver steps per start"},
      {"duplicate_tolerance", "1e-6", "1e-6", "RMS distance of canonical representatives below which points are one"},
      {"starts", "60", "2500", "random starts per network"},
      {"gains", "0.1/0.3/1", "0.1/0.3/1", "gains of the gaussian random starts ('/'-separated, cycled)"},
      {"trajectories", "2", "20", "gradient-descent runs per network whose iterates are starts"},
      {"trajectory_steps", "200", "2000", "steps of each gradient-descent run"},
      {"trajectory_every", "50", "100", "keep every K-th iterate as a start"},
      {"gd_lr", "0.1", "0.1", "step of the gradient-descent runs (networks)"},
      {"fit_max_index", "0.25", "0.25", "the Pennington–Bahri fit uses the points of index ≤ this"},
      {"bootstrap", "100", "1000", "bootstrap resamples of the fit"},
      {"teacher_widths", "4-3-1", "8-6-1", "widths of the student tanh MLP on teacher data"},
      {"teacher_hidden", "8", "16", "hidden widths of the tanh teacher generating the targets"},
      {"teacher_n", "40", "100", "samples of the teacher data"},
      {"fashion_n", "60", "100", "Fashion-MNIST training images (the first n)"},
      {"fashion_pca", "4", "4", "PCA-whitened input components"},
      {"fashion_hidden", "3", "3", "hidden tanh units of the Fashion-MNIST MLP (10 outputs)"},
      {"linear_dim", "5", "8", "d: inputs (one-hot, X = I) and outputs of the deep linear net"},
      {"linear_hidden", "2", "4", "hidden units of the deep linear net"},
      {"pspin_dims", "20", "50-100-200", "N of the spherical 3-spin ('-'-separated, N ≤ 506)"},
      {"pspin_starts", "20", "200", "uniform starts on the sphere per N (Riemannian Newton)"},
      {"pspin_gd_runs", "3", "10", "gradient-descent runs per N whose end points are polished"},
      {"pspin_gd_steps", "300", "1000", "steps of each p-spin gradient-descent run"},
      {"pspin_gd_every", "30", "50", "p-spin gradient-descent iterates kept as starts every K steps"},
      {"pspin_gd_lr", "0.05", "0.05", "step of the p-spin gradient descent"},
  };
  return optdyn::harness::run_experiment(
      argc, argv,
      {"index_vs_loss",
       "index of critical points against their loss: small MLPs (teacher data, Fashion-MNIST) and a deep linear net "
       "(Pennington–Bahri fit, Dauphin's monotone relation, Baldi–Hornik check), and the spherical 3-spin against "
       "Auffinger–Ben Arous–Černý and the semicircle index law",
       params},
      body);
}
