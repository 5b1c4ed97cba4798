#include "optdyn/analysis/critical_points/critical_point.hpp"

#include <Eigen/Eigenvalues>
#include <cmath>
#include <string>

#include "optdyn/analysis/critical_points/sphere_geometry.hpp"
#include "optdyn/analysis/saddle_index.hpp"
#include "optdyn/core/error.hpp"

namespace optdyn::analysis {
namespace {

void check_options(const CharacterisationOptions& o) {
  if (!(o.tau >= 0.0) || !(o.relative_tau >= 0.0))
    throw InputError("critical points: tau and relative_tau must be >= 0");
  if (o.dense_max < 0 || o.inertia_max < 0)
    throw InputError("critical points: dense_max and inertia_max must be >= 0");
}

IndexMethod resolve(const CharacterisationOptions& o, Index dim) {
  if (o.method != IndexMethod::automatic) return o.method;
  return dim <= o.dense_max ? IndexMethod::dense : dim <= o.inertia_max ? IndexMethod::inertia : IndexMethod::kpm;
}

// An exact index (dense eigenvalues or inertia) of the symmetric matrix h into `point`.
void exact_index(const Mat& h, IndexMethod method, const CharacterisationOptions& o, CriticalPoint& point) {
  const double rms = h.norm() / std::sqrt(static_cast<double>(h.rows()));  // ‖H‖_F/√D' = √(mean λ²)
  const double tau = std::max(o.tau, o.relative_tau * rms);
  const SaddleIndex s = method == IndexMethod::dense
                            ? saddle_index(Eigen::SelfAdjointEigenSolver<Mat>(h, Eigen::EigenvaluesOnly).eigenvalues(), tau)
                            : saddle_index_by_inertia(h, tau);
  point.index_method = method == IndexMethod::dense ? "dense" : "inertia";
  point.tau = tau;
  point.index = point.index_low = point.index_high = s.index;
  point.near_zero = point.near_zero_low = point.near_zero_high = s.near_zero / static_cast<double>(s.dim);
}

// The Chebyshev-filter estimate on the bound Hessian.
void estimated_index(const Objective& f, const Vec& theta, const CharacterisationOptions& o, Rng* rng,
                     CriticalPoint& point) {
  if (!rng) throw InputError("critical points: the kpm index needs an Rng for its probes");
  IndexEstimateOptions kpm = o.kpm;
  kpm.tau = o.tau;
  const IndexEstimate e = estimate_index(BoundCurvature(f, theta), kpm, *rng);
  point.index_method = "kpm";
  point.tau = e.tau;
  point.index = e.negative.value;
  point.index_low = e.negative.low;
  point.index_high = e.negative.high;
  point.near_zero = e.near_zero.value;
  point.near_zero_low = e.near_zero.low;
  point.near_zero_high = e.near_zero.high;
  point.resolved = e.resolved;
  point.index_products = e.products;
}

}  // namespace

IndexMethod parse_index_method(std::string_view name) {
  if (name == "auto") return IndexMethod::automatic;
  if (name == "dense") return IndexMethod::dense;
  if (name == "inertia") return IndexMethod::inertia;
  if (name == "kpm") return IndexMethod::kpm;
  throw InputError("critical points: unknown index method '" + std::string(name) + "' (auto|dense|inertia|kpm)");
}

CriticalPoint describe_critical_point(const Objective& f, SolverRun run, Geometry geometry,
                                      const CharacterisationOptions& options, Rng* rng) {
  check_options(options);
  CriticalPoint point;
  point.theta = run.theta;
  point.loss = f.value(run.theta);
  point.gradient_norm = critical_gradient_norm(f, run.theta, geometry);
  const bool sphere = geometry == Geometry::sphere;
  point.dim = sphere ? f.dim() - 1 : f.dim();
  const IndexMethod method = resolve(options, point.dim);
  if (sphere && method == IndexMethod::kpm)
    throw InputError("critical points: on the sphere the index is exact only (dense or inertia, D <= inertia_max)");
  if (method == IndexMethod::kpm)
    estimated_index(f, run.theta, options, rng, point);
  else
    exact_index(sphere ? tangent_hessian(f, run.theta) : Mat(BoundCurvature(f, run.theta).dense()), method, options,
                point);
  point.solver = std::move(run);
  return point;
}

}  // namespace optdyn::analysis
