#include "optdyn/analysis/curvature_monitor.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "optdyn/analysis/eigenvalue_count.hpp"
#include "optdyn/analysis/hessian_operator.hpp"
#include "optdyn/analysis/saddle_index.hpp"
#include "optdyn/core/error.hpp"

namespace optdyn::analysis {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The Hessian as the eigensolvers see it, refusing non-finite products: at an overflowing θ
// (finite, but with F or ∇²F beyond the doubles) the eigensolvers would return NaNs, fail to
// converge or trip over the saddle index's tolerance; that is the run's divergence, reported
// where it happens (core/error.hpp). Products and the dense matrix are the wrapped ones.
class FiniteHessian final : public SymmetricOperator {
 public:
  explicit FiniteHessian(const HessianOperator& op) : op_(op) {}
  Index rows() const override { return op_.rows(); }
  Mat dense() const override {
    Mat h = op_.dense();
    if (!h.allFinite()) throw DivergenceError("curvature monitor: Hessian not finite");
    return h;
  }

 protected:
  void product(const Vec& v, Vec& out) const override {
    op_.apply(v, out);
    if (!out.allFinite()) throw DivergenceError("curvature monitor: Hessian products not finite");
  }

 private:
  const HessianOperator& op_;
};
}  // namespace

CurvatureSnapshot measure_curvature(const Objective& objective, const Vec& theta, const CurvatureOptions& options,
                                    const Vec* gradient) {
  const std::uint64_t hvps_before = objective.counters().hvps;
  const HessianOperator hessian(objective, theta);  // checks θ's length
  const FiniteHessian op(hessian);
  const Index d = op.rows();

  EigenOptions eo;
  eo.k = options.k;
  eo.which = SpectrumEnd::both;
  eo.tol = options.tol;
  eo.method = options.method;
  eo.dense_threshold = options.dense_threshold;
  eo.max_iterations = options.max_iterations;
  eo.solver = options.solver;
  const EigenResult r = extreme_eigenpairs(op, eo);

  CurvatureSnapshot s;
  s.converged = r.converged;
  s.dense = r.spectrum.size() > 0;
  if (s.dense) {
    const Vec& all = r.spectrum;  // ascending
    s.lambda_min = all[0];
    s.lambda_max = all[d - 1];
    const double tau = options.zero_tol * std::max(std::abs(s.lambda_max), std::abs(s.lambda_min));
    const SaddleIndex si = saddle_index(all, tau);
    s.negative_count = si.negative;
    s.index = s.index_low = s.index_high = si.index;
    s.index_tau = tau;
    s.condition_positive = kNaN;
    for (Index i = 0; i < d; ++i)
      if (all[i] > tau) {  // the smallest eigenvalue above the band
        s.condition_positive = s.lambda_max / all[i];
        break;
      }
  } else {
    // which = both: the k largest (descending), then the k smallest (ascending).
    const Index k = r.eigenvalues.size() / 2;
    s.lambda_max = r.eigenvalues[0];
    s.lambda_min = r.eigenvalues[k];
    const double tau = options.zero_tol * std::max(std::abs(s.lambda_max), std::abs(s.lambda_min));
    s.condition_positive = s.lambda_min > tau ? s.lambda_max / s.lambda_min : kNaN;
    s.index = s.index_low = s.index_high = s.index_tau = kNaN;
    s.negative_count = kNaN;
    if (options.index_probes > 0) {
      // #λ < −τ by Chebyshev filters with an interval (eigenvalue_count.hpp; issue 5: "estimated
      // from the spectral density for large D, with an error bar"); τ raised to its resolution.
      IndexEstimateOptions io;
      io.probes = options.index_probes;
      io.degree = options.index_degree;
      io.tau = tau;
      Rng rng = Rng::derived(options.index_seed, kIndexStream);
      const IndexEstimate e = estimate_index(op, io, rng);
      // The central estimate is a mean over probes and can round outside its interval (which
      // is clipped to [0, 1]): e.g. −1e-16 with low = 0. Reported inside it, so neg_count ≥ 0.
      s.index_low = e.negative.low;
      s.index_high = e.negative.high;
      s.index = std::clamp(e.negative.value, s.index_low, s.index_high);
      s.index_tau = e.tau;
      s.negative_count = s.index * static_cast<double>(d);
    }
  }

  const Vec g = gradient != nullptr ? *gradient : objective.gradient(theta);
  if (g.size() != d) throw std::invalid_argument("measure_curvature: gradient has the wrong length");
  if (!g.allFinite()) throw DivergenceError("curvature monitor: gradient not finite");
  s.grad_norm = g.norm();
  const double gg = g.squaredNorm();
  if (gg > 0.0 && std::isfinite(gg)) {
    Vec hg(d);
    op.apply(g, hg);
    s.rayleigh_gradient = g.dot(hg) / gg;
  } else {
    s.rayleigh_gradient = kNaN;
  }

  // Every product, through the bound view or building a dense Hessian from HVPs, is counted
  // once, by the objective.
  s.hvps = objective.counters().hvps - hvps_before;
  return s;
}

const ParamTable<CurvatureMonitorParams>& CurvatureMonitorParams::table() {
  using P = CurvatureMonitorParams;
  static const auto t =
      ParamTable<P>("monitor", "curvature", "Hessian curvature at recorded steps (extreme eigenvalues, index)")
          .integer("every", &P::every, 1, std::numeric_limits<long>::max(),
                   "measure at recorded steps that are multiples of K (and step 0); required")
          .integer("k", &P::k, 1, 1000, "eigenpairs per end on the Lanczos path")
          .real("tol", &P::tol, Range::closed(1e-300, 0.5), "relative convergence tolerance (Lanczos path)")
          .choice("solver", &P::solver, {{"krylov_schur", KrylovSolver::krylov_schur}, {"spectra", KrylovSolver::spectra}},
                  "krylov_schur | spectra: the Lanczos path's eigensolver")
          .choice("dense", &P::dense,
                  {{"auto", EigenMethod::automatic}, {"always", EigenMethod::dense}, {"never", EigenMethod::lanczos}},
                  "auto | always | never: dense full spectrum (exact index) vs Lanczos ends")
          .integer("dense_threshold", &P::dense_threshold, 0, 100000, "auto: dense when dim <= this")
          .real("zero_tol", &P::zero_tol, Range::closed(0.0, 1.0),
                "near-zero band |lambda| <= zero_tol * max(|lambda_max|, |lambda_min|)")
          .integer("index_probes", &P::index_probes, 0, 10000,
                   "Lanczos path: >= 2 estimates the index by Chebyshev filters (KPM) with this many probes")
          .integer("index_degree", &P::index_degree, 2, 100000, "Chebyshev degree of the KPM index filters")
          .seed("index_seed", &P::index_seed, "seed of the KPM probes (the same probes at every measurement)")
          .choice("tracker", &P::tracker, {{"off", TrackerMode::off}, {"on", TrackerMode::on}, {"only", TrackerMode::only}},
                  "off | on | only: follow the top eigenpairs by warm-started LOBPCG (only: without the cold measurement)")
          .real_or("tracker_threshold", &P::tracker_threshold, "auto", Range::any(),
                   "track eigenvalues above this; auto: 1.5/lr of the optimizer")
          .real("tracker_tol", &P::tracker_tol, Range::closed(1e-300, 0.5),
                "tracker residual tolerance: |Hv - lambda v| <= tol * |lambda|")
          .integer("tracker_pairs", &P::tracker_pairs, 1, 100, "most eigenpairs tracked (track_lambda0.. columns)")
          .rule([](const P& p, const Spec& s) {
            if (!p.every) s.reject("every", "missing value");
            if (p.index_probes == 1) s.reject("index_probes", "must be 0 (no estimate) or >= 2 (a standard error needs two probes)");
          });
  return t;
}

CurvatureOptions CurvatureMonitorParams::options() const {
  CurvatureOptions o;
  o.k = k;
  o.tol = tol;
  o.solver = solver;
  o.method = dense;
  o.dense_threshold = dense_threshold;
  o.zero_tol = zero_tol;
  o.index_probes = index_probes;
  o.index_degree = index_degree;
  o.index_seed = index_seed;
  return o;
}

std::vector<ParamInfo> CurvatureMonitor::params() { return CurvatureMonitorParams::table().info(); }

std::string CurvatureMonitor::synopsis() {
  const auto& table = CurvatureMonitorParams::table();
  std::string out = table.name() + ":";
  bool first = true;
  for (const ParamInfo& p : table.info()) {
    // A required key (no default) is written bare with a placeholder; a choice with its words.
    // (a real-or-word key, e.g. tracker_threshold's "auto | …", shows its default word)
    const bool choice = p.range.find('|') != std::string::npos && p.range.find('[') == std::string::npos &&
                        p.range.find(" | ") == std::string::npos;
    const std::string entry = p.key + "=" + (p.default_value.empty() ? "K" : choice ? p.range : p.default_value);
    out += p.default_value.empty() ? (first ? "" : ",") + entry : "[," + entry + "]";
    first = false;
  }
  return out;
}

CurvatureMonitor::CurvatureMonitor(const std::string& text, std::optional<double> step_size) {
  Spec spec = Spec::parse(text, "monitor");
  if (spec.name() != "curvature")
    throw InputError("monitor '" + spec.name() + "': unknown monitor (known: curvature)");
  spec.apply_schema(params());
  const CurvatureMonitorParams p = CurvatureMonitorParams::table().from_spec(spec);
  configure(p, step_size);
  canonical_ = spec.canonical();
}

CurvatureMonitor::CurvatureMonitor(const CurvatureMonitorParams& p, std::optional<double> step_size) {
  CurvatureMonitorParams::table().check(p);
  configure(p, step_size);
  canonical_ = CurvatureMonitorParams::table().to_spec(p);
}

void CurvatureMonitor::configure(const CurvatureMonitorParams& p, std::optional<double> step_size) {
  every_ = *p.every;
  options_ = p.options();
  tracker_mode_ = p.tracker;
  if (p.tracker == TrackerMode::off) return;
  TrackerOptions to;
  if (p.tracker_threshold) {
    to.threshold = *p.tracker_threshold;
  } else if (step_size && *step_size > 0.0 && std::isfinite(*step_size)) {
    // 1.5/η: the eigenvalues that matter near GD's stability limit 2/η (the central-flows
    // code's threshold; doc/references.md, "Hessian spectra").
    to.threshold = 1.5 / *step_size;
  } else {
    throw InputError(
        "monitor 'curvature': key 'tracker_threshold': auto (1.5/lr) needs an optimizer with a step size; give a "
        "number");
  }
  to.tol = p.tracker_tol;
  to.max_pairs = p.tracker_pairs;
  to.max_iterations = options_.max_iterations;
  to.seed = p.index_seed;
  tracker_ = std::make_unique<CurvatureTracker>(to);
}

void CurvatureMonitor::check_dimension(Index dim) const {
  if (tracker_ && dim < 2)
    throw InputError("monitor 'curvature': key 'tracker': needs dimension >= 2, the objective has " + std::to_string(dim));
  const bool lanczos = options_.method == EigenMethod::lanczos ||
                       (options_.method == EigenMethod::automatic && dim > options_.dense_threshold);
  if (!lanczos) return;
  EigenOptions eo;
  eo.k = options_.k;
  eo.which = SpectrumEnd::both;
  eo.solver = options_.solver;
  try {
    lanczos_ncv(eo, dim);
  } catch (const std::invalid_argument& e) {
    throw InputError(std::string("monitor 'curvature': key 'k': ") + e.what() + " on the Lanczos path");
  }
}

const std::vector<std::string>& CurvatureMonitor::columns() {
  static const std::vector<std::string> names = {"lambda_max", "lambda_min", "cond_pos", "rayleigh_g",
                                                 "index",      "index_low",  "index_high", "index_tau",
                                                 "neg_count",  "curv_hvps",  "curv_converged"};
  return names;
}

std::vector<std::string> CurvatureMonitor::column_names() const {
  std::vector<std::string> names = columns();
  if (!tracker_) return names;
  for (Index s = 0; s < tracker_->options().max_pairs; ++s) names.push_back("track_lambda" + std::to_string(s));
  for (const char* n : {"track_count", "track_hvps", "track_grad_overlap", "track_converged"}) names.emplace_back(n);
  return names;
}

void CurvatureMonitor::archive(StateArchive& a) {
  a.constant("spec", canonical_);
  a.field("hvps", hvps_);
  a.field("measurements", measurements_);
  if (tracker_) a.scope("tracker", [&] { tracker_->archive(a); });
}

std::vector<double> CurvatureMonitor::tracker_cells(const Objective& objective, const Vec& theta, const Vec* gradient) {
  const HessianOperator hessian(objective, theta);
  const FiniteHessian op(hessian);
  const Vec g = gradient != nullptr ? *gradient : objective.gradient(theta);
  const TrackerMeasurement m = tracker_->measure(op, &g);
  hvps_ += m.products;
  std::vector<double> cells(static_cast<std::size_t>(tracker_->options().max_pairs), kNaN);
  for (const TrackedPair& p : m.pairs) cells[static_cast<std::size_t>(p.slot)] = p.value;
  cells.push_back(static_cast<double>(m.pairs.size()));
  cells.push_back(static_cast<double>(m.products));
  cells.push_back(m.gradient_overlap);
  cells.push_back(m.converged ? 1.0 : 0.0);
  return cells;
}

std::vector<double> CurvatureMonitor::cells(const Objective& objective, const Vec& theta, bool measure,
                                            const Vec* gradient) {
  if (!measure || !theta.allFinite()) return std::vector<double>(column_names().size(), kNaN);
  std::vector<double> cells(columns().size(), kNaN);
  if (tracker_mode_ != TrackerMode::only) {
    const CurvatureSnapshot s = measure_curvature(objective, theta, options_, gradient);
    hvps_ += s.hvps;
    cells = {s.lambda_max, s.lambda_min, s.condition_positive, s.rayleigh_gradient,
             s.index,      s.index_low,  s.index_high,         s.index_tau,
             s.negative_count, static_cast<double>(s.hvps), s.converged ? 1.0 : 0.0};
  }
  ++measurements_;
  if (tracker_) {
    const std::vector<double> t = tracker_cells(objective, theta, gradient);
    cells.insert(cells.end(), t.begin(), t.end());
  }
  return cells;
}

}  // namespace optdyn::analysis
