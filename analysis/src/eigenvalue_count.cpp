#include "optdyn/analysis/eigenvalue_count.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <vector>

#include "optdyn/analysis/chebyshev_filter.hpp"
#include "optdyn/analysis/chebyshev_moments.hpp"
#include "optdyn/analysis/probe_statistics.hpp"
#include "optdyn/core/text.hpp"

namespace optdyn::analysis {

namespace {

using std::numbers::pi;

// θ(λ) = arccos((λ − c)/e), clamped to [0, π] (λ above the interval: 0; below: π).
double angle_of(double lambda, const SpectralInterval& s) {
  return std::acos(std::clamp((lambda - s.center()) / s.half_width(), -1.0, 1.0));
}

double value_at(double theta, const SpectralInterval& s) { return s.center() + s.half_width() * std::cos(theta); }

// The three filters of "λ ≤ t" (eigenvalue_count.hpp): central, upper bound, lower bound.
struct ThresholdFilters {
  Vec central, upper, lower;
};

ThresholdFilters threshold_filters(double t, const SpectralInterval& s, const Vec& jackson, double delta) {
  const double theta = angle_of(t, s);
  return {jackson_step_filter(theta, jackson), jackson_step_filter(std::max(theta - delta, 0.0), jackson),
          jackson_step_filter(std::min(theta + delta, pi), jackson)};
}

// One probe's fraction of eigenvalues ≤ t: the central estimate and its bracket (tr φ/D ± ε;
// μ_0 = zᵀz = D for a Rademacher probe).
struct Bracket {
  double central, upper, lower;
};

Bracket bracket(const ThresholdFilters& f, const Vec& mu, double epsilon) {
  const double d = mu[0];
  return {f.central.dot(mu) / d, f.upper.dot(mu) / d + epsilon, f.lower.dot(mu) / d - epsilon};
}

// A mass's per-probe central values and bracket ends.
struct MassSamples {
  std::vector<double> central, lower, upper;
  void add(double c, double lo, double hi) {
    central.push_back(c);
    lower.push_back(lo);
    upper.push_back(hi);
  }
};

MassInterval summarize(const MassSamples& m, double t) {
  const Estimate c = mean_and_stderr(m.central), lo = mean_and_stderr(m.lower), hi = mean_and_stderr(m.upper);
  MassInterval r;
  r.value = c.value;
  r.stderr_ = c.stderr_;
  r.low = std::clamp(lo.value - t * lo.stderr_, 0.0, 1.0);
  r.high = std::clamp(hi.value + t * hi.stderr_, 0.0, 1.0);
  r.ambiguity = hi.value - lo.value;
  return r;
}

// Moments of P probes; when one exceeds |μ_k| ≤ μ_0 (the spectrum left the interval) the
// interval is widened and the same probes are drawn again (deterministic).
std::vector<Vec> probe_moments(const SymmetricOperator& op, SpectralInterval& s, Index probes, Index degree, Rng& rng) {
  const Rng start = rng;
  for (int attempt = 0; attempt < 4; ++attempt, s = s.widened()) {
    Rng draw = start;
    std::vector<Vec> moments;
    for (Index p = 0; p < probes; ++p) {
      Vec mu = chebyshev_moments(op, s, rademacher(op.rows(), draw), degree);
      if (!bounded(mu)) break;
      moments.push_back(std::move(mu));
    }
    if (static_cast<Index>(moments.size()) == probes) {
      rng = draw;
      return moments;
    }
  }
  throw std::runtime_error("estimate_index: Chebyshev moments unbounded after widening the spectral interval 4 times");
}

// The smallest τ whose bands at ±τ keep λ = 0 at least `reach` (an angle) away: 0 when 0 lies
// outside the interval (no zero cluster to keep out).
double resolution_tau(const SpectralInterval& s, double reach) {
  if (!(s.lower < 0.0 && s.upper > 0.0)) return 0.0;
  const double theta0 = angle_of(0.0, s);
  const double below = -value_at(std::min(theta0 + reach, pi), s);
  const double above = value_at(std::max(theta0 - reach, 0.0), s);
  return std::max(below, above);
}

void validate(const IndexEstimateOptions& o) {
  if (o.degree < 2) throw std::invalid_argument("estimate_index: degree must be >= 2");
  if (o.probes < 2) throw std::invalid_argument("estimate_index: probes must be >= 2");
  if (!(o.level > 0.0 && o.level < 1.0)) throw std::invalid_argument("estimate_index: level must lie in (0, 1)");
  if (!(o.filter_error > 0.0 && o.filter_error < 0.5))
    throw std::invalid_argument("estimate_index: filter_error must lie in (0, 0.5)");
  if (!(o.budget >= 0.0)) throw std::invalid_argument("estimate_index: budget must be >= 0");
  if (!(o.tau >= 0.0) || !std::isfinite(o.tau)) throw std::invalid_argument("estimate_index: tau must be finite and >= 0");
  if (!(o.resolution_margins >= 2.0)) throw std::invalid_argument("estimate_index: resolution_margins must be >= 2");
  if (o.bound_steps < 1) throw std::invalid_argument("estimate_index: bound_steps must be >= 1");
  if (!(o.bound_margin >= 0.0)) throw std::invalid_argument("estimate_index: bound_margin must be >= 0");
}

std::string status_message(const IndexEstimate& e, double budget) {
  std::string msg;
  if (e.tau > e.tau_requested)
    msg = "tau raised from " + format_number(e.tau_requested, 4) + " to the filter resolution " + format_number(e.tau, 4);
  if (e.resolved) return msg;
  const std::pair<const char*, const MassInterval*> masses[] = {
      {"negative", &e.negative}, {"near_zero", &e.near_zero}, {"positive", &e.positive}};
  std::string which;
  for (const auto& [name, m] : masses)
    if (m->ambiguity > budget) which += std::string(which.empty() ? "" : ", ") + name + " " + format_number(m->ambiguity, 3);
  return (msg.empty() ? "" : msg + "; ") + "unresolved: transition-band mass (" + which + ") exceeds the budget " +
         format_number(budget, 3) + " of D; the interval still holds: raise the degree or tau";
}

}  // namespace

IndexEstimate estimate_index(const SymmetricOperator& op, const IndexEstimateOptions& o, Rng& rng) {
  validate(o);
  const std::uint64_t before = op.products();
  const Vec jackson = jackson_coefficients(o.degree);
  const double delta = jackson_margin(jackson, o.filter_error);
  SpectralInterval s = spectral_interval(op, o.bound_steps, o.bound_margin, rng);
  const std::vector<Vec> moments = probe_moments(op, s, o.probes, o.degree, rng);

  IndexEstimate e;
  e.dim = op.rows();
  e.level = o.level;
  e.degree = o.degree;
  e.probes = o.probes;
  e.lambda_lower = s.lower;
  e.lambda_upper = s.upper;
  e.filter_error = o.filter_error;
  e.margin_angle = delta;
  e.tau_requested = o.tau;
  e.tau_resolution = resolution_tau(s, o.resolution_margins * delta);
  e.tau = std::max(o.tau, e.tau_resolution);

  const ThresholdFilters at_minus = threshold_filters(-e.tau, s, jackson, delta);
  const ThresholdFilters at_plus = threshold_filters(e.tau, s, jackson, delta);
  MassSamples negative, near_zero, positive;
  for (const Vec& mu : moments) {
    const Bracket m = bracket(at_minus, mu, o.filter_error);  // fraction ≤ −τ
    const Bracket p = bracket(at_plus, mu, o.filter_error);   // fraction ≤ +τ
    negative.add(m.central, m.lower, m.upper);
    near_zero.add(p.central - m.central, p.lower - m.upper, p.upper - m.lower);
    positive.add(1.0 - p.central, 1.0 - p.upper, 1.0 - p.lower);
  }
  const double t = student_t_multiplier(o.probes, o.level);
  e.negative = summarize(negative, t);
  e.near_zero = summarize(near_zero, t);
  e.positive = summarize(positive, t);
  e.resolved = std::max({e.negative.ambiguity, e.near_zero.ambiguity, e.positive.ambiguity}) <= o.budget;
  e.message = status_message(e, o.budget);
  e.products = op.products() - before;
  return e;
}

}  // namespace optdyn::analysis
