// Predicted and measured convergence rates (convergence_rates.hpp has the formulas and sources).
#include "optdyn/analysis/convergence_rates.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <boost/math/distributions/students_t.hpp>

#include "optdyn/analysis/hessian_eigen.hpp"
#include "optdyn/analysis/hessian_operator.hpp"
#include "optdyn/core/error.hpp"
#include "optdyn/core/text.hpp"
#include "optdyn/optimizers/gd.hpp"
#include "optdyn/optimizers/momentum.hpp"
#include "optdyn/optimizers/nesterov.hpp"
#include "optdyn/optimizers/registry.hpp"

namespace optdyn::analysis {

const char* to_string(RateMethod method) {
  switch (method) {
    case RateMethod::gd: return "gd";
    case RateMethod::heavy_ball: return "heavy_ball";
    case RateMethod::nesterov: return "nesterov";
  }
  return "?";
}

OptimizerPtr make_rate_optimizer(const MethodParams& p) {
  switch (p.method) {
    case RateMethod::gd: return make_gd({.lr = p.lr});
    case RateMethod::heavy_ball:
      return make_momentum({.lr = p.lr, .mu = p.momentum, .convention = MomentumParams::Convention::classic});
    case RateMethod::nesterov: return make_nesterov({.lr = p.lr, .mu = p.momentum});
  }
  throw std::logic_error("make_rate_optimizer: unknown method");
}

std::string optimizer_spec(const MethodParams& p) { return make_rate_optimizer(p)->spec(); }

// Roots of z² − Tz + D: real (T ± √(T² − 4D))/2, or a complex pair of modulus √D.
double spectral_radius_2x2(double trace, double det) {
  const double disc = trace * trace - 4.0 * det;
  if (disc < 0.0) return std::sqrt(det);
  const double r = std::sqrt(disc);
  return std::max(std::abs(0.5 * (trace + r)), std::abs(0.5 * (trace - r)));
}

double eigen_rate(const MethodParams& p, double lambda) {
  const double h = p.lr * lambda;
  switch (p.method) {
    case RateMethod::gd:  // 1 − ηλ
      return std::abs(1.0 - h);
    case RateMethod::heavy_ball:  // [[β, λ], [−αβ, 1 − αλ]]: T = 1 + β − αλ, D = β (Goh 2017)
      return spectral_radius_2x2(1.0 + p.momentum - h, p.momentum);
    case RateMethod::nesterov:  // [[μ(1−ηλ), ηλ], [−μ(1−ηλ), 1−ηλ]]: T = (1+μ)(1−ηλ), D = μ(1−ηλ)
      return spectral_radius_2x2((1.0 + p.momentum) * (1.0 - h), p.momentum * (1.0 - h));
  }
  return 0.0;
}

double predicted_rate(const MethodParams& p, const Vec& eigenvalues) {
  double rho = 0.0;
  for (Index i = 0; i < eigenvalues.size(); ++i) rho = std::max(rho, eigen_rate(p, eigenvalues(i)));
  return rho;
}

double predicted_rate(const MethodParams& p, double mu, double L) {
  if (!(mu <= L)) throw std::invalid_argument("predicted_rate: need mu <= L");
  double rho = std::max(eigen_rate(p, mu), eigen_rate(p, L));
  if (p.method == RateMethod::gd) return rho;  // |1 − ηλ| is convex: the ends suffice
  constexpr int kGrid = 4097;
  for (int i = 1; i < kGrid - 1; ++i) rho = std::max(rho, eigen_rate(p, mu + (L - mu) * i / (kGrid - 1.0)));
  return rho;
}

MethodParams gd_optimal(double mu, double L) { return {RateMethod::gd, 2.0 / (L + mu), 0.0}; }

MethodParams heavy_ball_optimal(double mu, double L) {
  // α = (2/(√L + √μ))², β = ((√L − √μ)/(√L + √μ))²  (Goh 2017; Polyak 1964)
  const double a = std::sqrt(L), b = std::sqrt(mu);
  return {RateMethod::heavy_ball, std::pow(2.0 / (a + b), 2), std::pow((a - b) / (a + b), 2)};
}

MethodParams nesterov_standard(double mu, double L) {
  const double k = std::sqrt(L / mu);  // √κ
  return {RateMethod::nesterov, 1.0 / L, (k - 1.0) / (k + 1.0)};
}

MethodParams nesterov_optimal(double mu, double L) {
  // η = 4/(3L + μ), μ = (√(3κ+1) − 2)/(√(3κ+1) + 2)  (Lessard, Recht & Packard 2016)
  const double q = std::sqrt(3.0 * L / mu + 1.0);
  return {RateMethod::nesterov, 4.0 / (3.0 * L + mu), (q - 2.0) / (q + 2.0)};
}

double gd_optimal_rate(double kappa) { return (kappa - 1.0) / (kappa + 1.0); }
double heavy_ball_optimal_rate(double kappa) { return (std::sqrt(kappa) - 1.0) / (std::sqrt(kappa) + 1.0); }
double nesterov_optimal_rate(double kappa) { return 1.0 - 2.0 / std::sqrt(3.0 * kappa + 1.0); }

double gd_convex_bound_seed(double L, double r0_sq, double t) { return 2.0 * L * r0_sq / (t + 1.0); }
double gd_convex_bound_nesterov(double L, double r0_sq, double t) { return 2.0 * L * r0_sq / (t + 4.0); }
double nag_convex_bound(double step, double r0_sq, double k) { return 2.0 * r0_sq / (step * (k + 1.0) * (k + 1.0)); }

// --- fits ------------------------------------------------------------------------------------------
namespace {

struct Ols {
  double slope, intercept, slope_stderr, r_squared, half_width;
};

// Ordinary least squares y = a + b x with the Student-t half width of b's confidence interval.
Ols ordinary_least_squares(const std::vector<double>& x, const std::vector<double>& y, double confidence) {
  const auto n = static_cast<double>(x.size());
  if (x.size() < 3) throw std::invalid_argument("rate fit: need at least 3 points");
  if (!(confidence > 0.0 && confidence < 1.0)) throw std::invalid_argument("rate fit: confidence must be in (0, 1)");
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < x.size(); ++i) mx += x[i] / n, my += y[i] / n;
  double sxx = 0, sxy = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxx += (x[i] - mx) * (x[i] - mx);
    sxy += (x[i] - mx) * (y[i] - my);
    syy += (y[i] - my) * (y[i] - my);
  }
  if (!(sxx > 0)) throw std::invalid_argument("rate fit: all abscissae are equal");
  Ols o{};
  o.slope = sxy / sxx;
  o.intercept = my - o.slope * mx;
  const double ssr = std::max(0.0, syy - o.slope * sxy);  // residual sum of squares
  o.slope_stderr = std::sqrt(ssr / (n - 2.0) / sxx);
  o.r_squared = syy > 0 ? 1.0 - ssr / syy : 1.0;
  const boost::math::students_t dist(n - 2.0);
  o.half_width = boost::math::quantile(boost::math::complement(dist, 0.5 * (1.0 - confidence))) * o.slope_stderr;
  return o;
}

std::vector<double> logs(std::span<const double> y, const char* what) {
  std::vector<double> out;
  for (double v : y) {
    if (!(v > 0.0) || !std::isfinite(v)) throw std::invalid_argument(std::string("rate fit: ") + what + " must be positive and finite");
    out.push_back(std::log(v));
  }
  return out;
}

}  // namespace

LinearRateFit fit_linear_rate(std::span<const double> t, std::span<const double> y, double power, double confidence) {
  if (t.size() != y.size()) throw std::invalid_argument("fit_linear_rate: t and y differ in length");
  if (!(power > 0)) throw std::invalid_argument("fit_linear_rate: power must be > 0");
  const Ols o = ordinary_least_squares(std::vector<double>(t.begin(), t.end()), logs(y, "values"), confidence);
  LinearRateFit f;
  f.slope = o.slope;
  f.slope_stderr = o.slope_stderr;
  f.intercept = o.intercept;
  f.r_squared = o.r_squared;
  f.confidence = confidence;
  f.points = static_cast<Index>(t.size());
  f.rate = std::exp(o.slope / power);  // ln y = a + p t ln ρ
  f.rate_low = std::exp((o.slope - o.half_width) / power);
  f.rate_high = std::exp((o.slope + o.half_width) / power);
  return f;
}

PowerLawFit fit_power_law(std::span<const double> t, std::span<const double> y, double confidence) {
  if (t.size() != y.size()) throw std::invalid_argument("fit_power_law: t and y differ in length");
  const Ols o = ordinary_least_squares(logs(t, "times"), logs(y, "values"), confidence);
  PowerLawFit f;
  f.exponent = o.slope;
  f.exponent_low = o.slope - o.half_width;
  f.exponent_high = o.slope + o.half_width;
  f.exponent_stderr = o.slope_stderr;
  f.prefactor = std::exp(o.intercept);
  f.r_squared = o.r_squared;
  f.confidence = confidence;
  f.points = static_cast<Index>(t.size());
  return f;
}

// --- any objective -----------------------------------------------------------------------------------
CurvatureRange curvature_range(const Objective& f, const Vec& theta) {
  CurvatureRange r;
  if (const std::optional<Vec> eigenvalues = f.known_hessian_eigenvalues()) {  // a quadratic
    r.mu = eigenvalues->minCoeff();
    r.L = eigenvalues->maxCoeff();
    r.source = "quadratic";
    return r;
  }
  const HessianOperator op(f, theta);
  EigenOptions options;
  options.k = 1;
  options.which = SpectrumEnd::both;
  const EigenResult e = extreme_eigenpairs(op, options);
  r.L = e.eigenvalues(0);   // the largest first,
  r.mu = e.eigenvalues(1);  // then the smallest (EigenResult ordering for `both`)
  r.source = e.method;
  r.residual = e.residuals.maxCoeff();
  r.converged = e.converged;
  return r;
}

RateComparison compare_rate(const Objective& f, const Vec& theta_star, const Vec& theta0, const MethodParams& params,
                            const CurvatureRange& range, Index max_steps, double tolerance) {
  RateComparison c;
  c.params = params;
  c.predicted = predicted_rate(params, range.mu, range.L);
  OptimizerPtr opt = make_rate_optimizer(params);
  opt->reset(f.dim());
  ObjectiveOracle oracle(f);
  Vec theta = theta0;
  const double target = tolerance * (theta0 - theta_star).norm();
  std::vector<double> d;  // d[k−1] = ‖θ_k − θ*‖
  for (Index k = 1; k <= max_steps; ++k) {
    opt->step(theta, oracle);  // DivergenceError (core/error.hpp) when the run blows up
    d.push_back((theta - theta_star).norm());
    if (!std::isfinite(d.back())) throw DivergenceError("compare_rate: distance to the minimiser overflows");
    if (d.back() <= target) {
      c.reached = true;
      break;
    }
  }
  c.steps = static_cast<Index>(d.size());
  if (c.steps < 6) throw std::invalid_argument("compare_rate: fewer than 6 steps to fit");
  std::vector<double> t, y;
  for (Index k = c.steps / 2; k <= c.steps; ++k)
    t.push_back(static_cast<double>(k)), y.push_back(d[static_cast<std::size_t>(k - 1)]);
  c.measured = fit_linear_rate(t, y, 1.0);
  return c;
}

}  // namespace optdyn::analysis
