#pragma once
// Curvature monitors (issue 5; doc/design.md "Observer": called at recorded steps/times, shared by
// discrete runs and flows so that both produce the same columns).
//
// measure_curvature(F, θ, options) measures, at one point θ, with H = ∇²F(θ), g = ∇F(θ):
//
//   lambda_max          λmax(H) (the sharpness).
//   lambda_min          λmin(H).
//   condition_positive  the condition number of the positive part of the spectrum:
//                         dense path:   λmax / λ₊, λ₊ = the smallest eigenvalue with λ > τ;
//                                       NaN when no eigenvalue exceeds τ;
//                         Lanczos path: λmax / λmin when λmin > τ (H positive definite: the
//                                       positive part is the whole spectrum); NaN otherwise
//                                       (λ₊ inside the spectrum is not computed).
//   rayleigh_gradient   gᵀHg / gᵀg, the curvature along the gradient: seed 001's
//                       ill-conditioning check (seed 001, its item on the
//                       Hessian's ill-conditioning: "monitor gᵀg and gᵀHg"; the second-order term of a GD step,
//                       ½η²gᵀHg − ηgᵀg, turns the step uphill when gᵀHg/gᵀg > 2/η). NaN when gᵀg is 0 or
//                       not finite (the product is then skipped).
//   grad_norm           ‖g‖₂.
//   index               the saddle index α = (#λ < −τ) / D (seed 004), exact from the dense
//                       spectrum. On the Lanczos path only the ends are known: NaN, unless
//                       index_probes = P > 0, when it is the Chebyshev-filter (KPM) estimate of
//                       eigenvalue_count.hpp (P Rademacher probes, degree index_degree, probes
//                       from Rng::derived(index_seed, kIndexStream), the same at every
//                       measurement), whose interval brackets the truth at 95% and whose τ is
//                       raised to what the degree resolves (SLQ is not used: its quadrature
//                       cannot place a cluster at λ ≈ 0 and is biased outside its error bar).
//   index_low/high      the index's interval: equal to index on the dense path; the KPM
//                       interval (95%, per mass) on the Lanczos path; NaN without an index.
//   index_tau           the τ the index used: zero_tol · max(|λmax|, |λmin|), on the KPM path
//                       raised to the estimator's resolution; NaN without an index.
//   negative_count      #λ < −τ (dense path); index·D on the KPM path; NaN otherwise.
//   hvps                Hessian-vector products this measurement used: solver products,
//                       residual checks, KPM products, the one product for gᵀHg, and for the dense path the
//                       D products that build H (0 for objectives with a closed-form Hessian,
//                       e.g. the quadratic). Counted apart from any optimizer's evaluations.
//   converged           the eigen solve converged (always true for the dense path).
//
// τ (the near-zero band) is RELATIVE, as in `optdyn spectrum`: τ = zero_tol · max(|λmax|, |λmin|).
//
// Path: dense (all D eigenvalues, Eigen's SelfAdjointEigenSolver) when method = automatic and
// D ≤ dense_threshold, or method = dense; otherwise Lanczos at both ends with k pairs each
// (extreme_eigenpairs, which = both): Krylov–Schur, one Krylov space for both ends, or Spectra
// (two solves) with solver=spectra; tol = the relative tolerance of both.
//
// CurvatureMonitor is the observer form: built from a spec `curvature:every=K,...` (the keys,
// defaults and ranges are CurvatureMonitorParams::table(); CurvatureMonitor::synopsis() writes
// them out for `optdyn help run` and the README) or from a CurvatureMonitorParams
// (unknown keys and bad values are InputErrors naming the key), it gives the column names,
// whether a recorded step is due (step % every == 0, so always row 0), and the cells of one
// row: the measurement when due and θ is finite, NaN in every cell otherwise.
//
// Tracker (issue 18; analysis/curvature_tracker.hpp): with `tracker=on` the monitor also
// follows the Hessian's top eigenpairs from one measurement to the next (warm-started LOBPCG),
// adding the columns
//   track_lambda0 … track_lambda{P−1}   the tracked eigenvalues by identity: slot s holds one
//                                       eigenvector's eigenvalue while it is tracked (through
//                                       crossings), NaN while the slot is free; P = tracker_pairs
//   track_count                         how many eigenvalues are tracked (λ > threshold, ≥ 1)
//   track_hvps                          the tracker's Hessian-vector products (this measurement)
//   track_grad_overlap                  ‖P_V g‖/‖g‖, g's share in the tracked subspace
//   track_converged                     every block pair met ‖Hv − λv‖ ≤ tracker_tol·|λ|
// threshold = tracker_threshold, or with `tracker_threshold=auto` (the default) 1.5/η with η
// the optimizer's base step size (`optdyn run` with a step-size method; an InputError naming
// the key otherwise, e.g. for `optdyn flow`). `tracker=only` skips the cold measurement (its
// cells NaN): the tracker's products alone. The tracker's block is part of the monitor's
// checkpoint state.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "optdyn/analysis/curvature_tracker.hpp"
#include "optdyn/analysis/hessian_eigen.hpp"
#include "optdyn/core/params.hpp"
#include "optdyn/core/spec.hpp"
#include "optdyn/core/types.hpp"
#include "optdyn/objectives/objective.hpp"

namespace optdyn::analysis {

struct CurvatureOptions {
  Index k = 1;                  // eigenpairs per end (Lanczos path)
  double tol = 1e-8;            // relative convergence tolerance (hessian_eigen.hpp)
  KrylovSolver solver = KrylovSolver::krylov_schur;
  EigenMethod method = EigenMethod::automatic;
  Index dense_threshold = 1500;  // automatic: dense when D ≤ this
  double zero_tol = 1e-8;       // τ = zero_tol · max(|λmax|, |λmin|)
  Index max_iterations = 1000;  // Lanczos restarts
  Index index_probes = 0;       // Lanczos path: > 0 (≥ 2) estimates the index by KPM
  Index index_degree = 500;     // Chebyshev degree of the KPM filters (⌈N/2⌉ products per probe)
  std::uint64_t index_seed = 0; // probes from Rng::derived(index_seed, kIndexStream)
};

inline constexpr std::uint64_t kIndexStream = 0x4b504dULL;  // "KPM"

struct CurvatureSnapshot {
  double lambda_max = 0.0;
  double lambda_min = 0.0;
  double condition_positive = 0.0;  // NaN when undefined (see above)
  double rayleigh_gradient = 0.0;   // gᵀHg / gᵀg; NaN when gᵀg is 0 or not finite
  double grad_norm = 0.0;
  double index = 0.0;           // negative / D; NaN on the Lanczos path without KPM
  double index_low = 0.0, index_high = 0.0;  // its interval (= index when exact)
  double index_tau = 0.0;       // the τ of the count
  double negative_count = 0.0;  // NaN on the Lanczos path without KPM
  std::uint64_t hvps = 0;
  bool converged = false;
  bool dense = false;  // which path was taken
};

// Throws InputError when θ has the wrong length; std::invalid_argument for impossible
// options (e.g. Lanczos with k ≥ D). `gradient`, when given, must be ∇F(θ) (saves one
// gradient evaluation). DivergenceError ("curvature monitor: Hessian products not finite",
// core/error.hpp) when a Hessian product, the dense Hessian or the gradient is not finite.
CurvatureSnapshot measure_curvature(const Objective& objective, const Vec& theta, const CurvatureOptions& options = {},
                                    const Vec* gradient = nullptr);

enum class TrackerMode { off, on, only };

// The keys of `curvature:every=K,...`: `every` is required (no default), the others are the
// CurvatureOptions of every measurement.
struct CurvatureMonitorParams {
  std::optional<long> every;  // measure at recorded steps that are multiples of K (and step 0)
  long k = 1;
  double tol = 1e-8;
  KrylovSolver solver = KrylovSolver::krylov_schur;
  EigenMethod dense = EigenMethod::automatic;
  long dense_threshold = 1500;
  double zero_tol = 1e-8;
  long index_probes = 0;
  long index_degree = 500;
  std::uint64_t index_seed = 0;
  TrackerMode tracker = TrackerMode::off;
  std::optional<double> tracker_threshold = std::nullopt;  // nullopt: auto, 1.5/η
  double tracker_tol = 1e-8;
  long tracker_pairs = 4;
  static const ParamTable<CurvatureMonitorParams>& table();
  // The measurement options these keys give.
  CurvatureOptions options() const;
};

class CurvatureMonitor {
 public:
  // The spec's keys, defaults and descriptions (for help texts): CurvatureMonitorParams::table().info().
  static std::vector<ParamInfo> params();
  // `curvature:every=K[,k=1][,tol=1e-8][,solver=krylov_schur|spectra]...`: every key of the
  // table with its default (or its choices), as `optdyn help run` and the README print it.
  static std::string synopsis();
  // Parses and checks `curvature:every=K,...`; InputError naming the key otherwise.
  // `step_size`: the optimizer's base η, for tracker_threshold=auto (1.5/η).
  explicit CurvatureMonitor(const std::string& spec, std::optional<double> step_size = std::nullopt);
  // The same from typed keys (InputError naming the key, e.g. when `every` is unset); spec() is
  // then CurvatureMonitorParams::table().to_spec(params).
  explicit CurvatureMonitor(const CurvatureMonitorParams& params, std::optional<double> step_size = std::nullopt);

  // InputError (naming 'k') when the Lanczos path would be taken with k ≥ dim, or (naming
  // 'tracker') when the tracker is on and dim < 2.
  void check_dimension(Index dim) const;

  // lambda_max, lambda_min, cond_pos, rayleigh_g, index, index_low, index_high, index_tau,
  // neg_count, curv_hvps, curv_converged (the cold measurement's columns)
  static const std::vector<std::string>& columns();
  // The columns of this monitor: columns(), then the tracker's with tracker=on|only.
  std::vector<std::string> column_names() const;
  bool due(long step) const { return step % every_ == 0; }
  // The cells of one row (columns() order): measured when `measure` and θ is finite, NaN
  // otherwise. Adds the products used to hvps().
  std::vector<double> cells(const Objective& objective, const Vec& theta, bool measure, const Vec* gradient = nullptr);

  long every() const { return every_; }
  const CurvatureOptions& options() const { return options_; }
  // The tracker (tracker=on|only), else nullptr.
  const CurvatureTracker* tracker() const { return tracker_.get(); }
  std::string spec() const { return canonical_; }
  std::uint64_t hvps() const { return hvps_; }
  std::uint64_t measurements() const { return measurements_; }
  // Saves or restores the totals above (checkpoints) and the tracker's block: a cold
  // measurement keeps no other state, each one starts from its options alone.
  void archive(StateArchive& a);

 private:
  void configure(const CurvatureMonitorParams& p, std::optional<double> step_size);
  std::vector<double> tracker_cells(const Objective& objective, const Vec& theta, const Vec* gradient);

  long every_ = 1;
  CurvatureOptions options_;
  std::string canonical_;
  std::uint64_t hvps_ = 0, measurements_ = 0;
  TrackerMode tracker_mode_ = TrackerMode::off;
  std::unique_ptr<CurvatureTracker> tracker_;
};

}  // namespace optdyn::analysis
