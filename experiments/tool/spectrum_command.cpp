// `optdyn spectrum --objective SPEC --x0 SPEC --k K --which largest|smallest|both
//   [--tol T] [--ncv N] [--max-iterations I] [--dense auto|always|never] [--dense-threshold D]
//   [--zero-tol Z] [--index auto|none|dense|inertia|kpm|slq --index-degree N --index-probes P
//   --index-level L --index-budget B --index-seed S]
//   [--density --probes P --lanczos-steps M --sigma2 S --grid G --seed S] --out DIR`
// Extreme Hessian eigenpairs, the saddle index and (optionally) the SLQ spectral density at
// one point (analysis/hessian_eigen.hpp, saddle_index.hpp, spectral_density.hpp). Writes:
//
//   DIR/eigen.csv     rank,eigenvalue,residual   (rank = position in the ascending spectrum,
//                                                 1 = smallest, D = largest; residual =
//                                                 ‖Hv − λv‖₂ recomputed with fresh HVPs)
//   DIR/density.csv   lambda,density              (with --density; smoothed SLQ density)
//   DIR/summary.json  see the help text below
//
// The saddle index (summary.json "index"): exact from the dense spectrum or by inertia
// (saddle_index.hpp), or estimated by Chebyshev filters (eigenvalue_count.hpp: three masses
// with intervals at a stated level, τ raised to what the degree resolves, status "resolved" or
// "unresolved"), or by SLQ (kept for comparison: its error bar is the probe error only).
// An unresolved index is an answer, not a failure: exit 0, "status": "unresolved" and the
// message in summary.json, and one note on stderr.
//
// Non-convergence is not an error: exit 0, "converged": false in summary.json, only the
// converged pairs in eigen.csv, and one warning line on stderr. Bad input: exit 2 with one
// line naming the option (also for sizes over budget: --grid <= 1e6; the Lanczos bases
// D x ncv and D x lanczos-steps within core/budget.hpp's kMaxDataDoubles; SLQ work
// probes x steps x D <= 1e13 and grid x probes x steps <= 1e9; a point whose Hessian is
// not finite names --x0). Files are written to .tmp and renamed; DIR is created if needed
// and existing files in it are replaced.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "harness/output_file.hpp"
#include "harness/output_lock.hpp"
#include "harness/command_line.hpp"
#include "harness/csv_writer.hpp"
#include "optdyn/analysis/eigenvalue_count.hpp"
#include "optdyn/analysis/hessian_eigen.hpp"
#include "optdyn/analysis/hessian_operator.hpp"
#include "optdyn/analysis/saddle_index.hpp"
#include "optdyn/analysis/spectral_density.hpp"
#include "optdyn/core/budget.hpp"
#include "optdyn/core/error.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/core/text.hpp"
#include "optdyn/objectives/initial_point.hpp"
#include "optdyn/objectives/registry.hpp"
#include "tool/command.hpp"

namespace optdyn::tool {
namespace {

namespace fs = std::filesystem;
using namespace optdyn::analysis;

constexpr Index kMaxDenseDim = 10000;
constexpr long kMaxGridPoints = 1000000;
// SLQ work caps: HVP work probes·min(M, D)·D, and the density's Gaussian bin integrals
// grid·probes·min(M, D) (each an erfc pair).
constexpr double kMaxSlqFlops = 1e13;
constexpr double kMaxDensityTerms = 1e9;

// Throws InputError naming `option` when a block of `doubles` exceeds the memory budget.
void check_option_doubles(double doubles, const std::string& option, const std::string& what) {
  if (doubles <= kMaxDataDoubles) return;
  throw InputError(option + ": " + what + " needs " + gib_of_doubles(doubles) + ", more than the budget of " +
                   gib_of_doubles(kMaxDataDoubles));
}

nlohmann::ordered_json number_or_null(double x) {
  return std::isfinite(x) ? nlohmann::ordered_json(x) : nlohmann::ordered_json(nullptr);
}

// Where the saddle index comes from (--index).
enum class IndexChoice { automatic, none, dense, inertia, kpm, slq };

IndexChoice parse_index_choice(const std::string& text) {
  if (text == "auto") return IndexChoice::automatic;
  if (text == "none") return IndexChoice::none;
  if (text == "dense") return IndexChoice::dense;
  if (text == "inertia") return IndexChoice::inertia;
  if (text == "kpm") return IndexChoice::kpm;
  if (text == "slq") return IndexChoice::slq;
  throw InputError("--index: unknown method '" + text + "' (known: auto, none, dense, inertia, kpm, slq)");
}

// The exact (dense, inertia) or SLQ index: counts, τ and, for SLQ, the probe standard errors.
nlohmann::ordered_json saddle_index_json(const SaddleIndex& s, IndexChoice source, double zero_tol, double scale) {
  nlohmann::ordered_json index;
  index["source"] = source == IndexChoice::dense ? "dense_spectrum" : source == IndexChoice::inertia ? "inertia" : "slq";
  index["exact"] = s.exact;
  index["status"] = s.exact ? "exact" : "probe_error_only";
  index["index"] = s.index;
  index["index_stderr"] = s.index_stderr;
  index["negative"] = s.negative;
  index["near_zero"] = s.near_zero;
  index["near_zero_stderr"] = s.near_zero_stderr;
  index["positive"] = s.positive;
  index["zero_tol"] = zero_tol;
  index["tolerance"] = s.tolerance;
  index["scale"] = scale;
  index["log_count"] = log_saddle_count(s.dim, s.index);
  return index;
}

// The Chebyshev-filter estimate: each mass as a count (fraction × D) with its interval.
nlohmann::ordered_json kpm_index_json(const IndexEstimate& e, double zero_tol, double scale, std::uint64_t seed,
                                      std::uint64_t hvps) {
  const double d = static_cast<double>(e.dim);
  auto mass = [d](const MassInterval& m) {
    return nlohmann::ordered_json{{"count", m.value * d},         {"low", m.low * d},
                                  {"high", m.high * d},           {"stderr", m.stderr_ * d},
                                  {"ambiguity", m.ambiguity * d}};
  };
  nlohmann::ordered_json index;
  index["source"] = "kpm";
  index["exact"] = false;
  index["status"] = e.resolved ? "resolved" : "unresolved";
  index["message"] = e.message;
  index["index"] = e.negative.value;
  index["index_low"] = e.negative.low;
  index["index_high"] = e.negative.high;
  index["index_stderr"] = e.negative.stderr_;
  index["level"] = e.level;
  index["negative"] = mass(e.negative);
  index["near_zero"] = mass(e.near_zero);
  index["positive"] = mass(e.positive);
  index["zero_tol"] = zero_tol;
  index["tolerance"] = e.tau;
  index["tau_requested"] = e.tau_requested;
  index["tau_resolution"] = e.tau_resolution;
  index["scale"] = scale;
  index["degree"] = e.degree;
  index["probes"] = e.probes;
  index["seed"] = seed;
  index["filter_error"] = e.filter_error;
  index["spectral_interval"] = {e.lambda_lower, e.lambda_upper};
  index["hvps"] = hvps;
  index["log_count"] = log_saddle_count(e.dim, std::clamp(e.negative.value, 0.0, 1.0));  // the central value may stray below 0
  return index;
}

int run_spectrum(const po::variables_map& vm) {
  const auto start = std::chrono::steady_clock::now();
  const std::string objective_spec = vm["objective"].as<std::string>();
  const std::string x0_spec = vm["x0"].as<std::string>();
  const fs::path out = vm["out"].as<std::string>();
  if (out.empty()) throw InputError("--out: empty path");
  const long k = vm["k"].as<long>();
  const bool want_density = vm.count("density") > 0;
  for (const char* opt : {"probes", "lanczos-steps", "sigma2", "grid", "seed"})
    if (!vm[opt].defaulted() && !want_density) throw InputError(std::string("--") + opt + ": needs --density");

  EigenOptions eo;
  try {
    eo.which = parse_spectrum_end(vm["which"].as<std::string>());
  } catch (const std::invalid_argument& e) {
    throw InputError(std::string("--which: ") + e.what());
  }
  try {
    eo.method = parse_dense_choice(vm["dense"].as<std::string>());
  } catch (const std::invalid_argument& e) {
    throw InputError(std::string("--dense: ") + e.what());
  }
  try {
    eo.solver = parse_krylov_solver(vm["solver"].as<std::string>());
  } catch (const std::invalid_argument& e) {
    throw InputError(std::string("--solver: ") + e.what());
  }
  eo.tol = vm["tol"].as<double>();
  if (!(eo.tol > 0.0) || !(eo.tol < 1.0)) throw InputError("--tol: must lie in (0, 1)");
  const long ncv = vm["ncv"].as<long>();
  if (ncv < 0) throw InputError("--ncv: must be >= 0 (0: automatic)");
  eo.ncv = ncv;
  const long maxit = vm["max-iterations"].as<long>();
  if (maxit < 1) throw InputError("--max-iterations: must be >= 1");
  eo.max_iterations = maxit;
  const long threshold = vm["dense-threshold"].as<long>();
  if (threshold < 0) throw InputError("--dense-threshold: must be >= 0");
  eo.dense_threshold = threshold;
  const double zero_tol = vm["zero-tol"].as<double>();
  if (!(zero_tol >= 0.0) || !std::isfinite(zero_tol)) throw InputError("--zero-tol: must be finite and >= 0");
  SlqOptions so;
  so.probes = vm["probes"].as<long>();
  so.lanczos_steps = vm["lanczos-steps"].as<long>();
  so.sigma_squared = vm["sigma2"].as<double>();
  so.grid_points = vm["grid"].as<long>();
  const std::uint64_t seed = harness::parse_uint64(vm["seed"].as<std::string>(), "--seed");
  const IndexChoice index_choice = parse_index_choice(vm["index"].as<std::string>());
  IndexEstimateOptions io;
  io.degree = vm["index-degree"].as<long>();
  io.probes = vm["index-probes"].as<long>();
  io.level = vm["index-level"].as<double>();
  io.budget = vm["index-budget"].as<double>();
  const std::uint64_t index_seed = harness::parse_uint64(vm["index-seed"].as<std::string>(), "--index-seed");
  if (io.degree < 2) throw InputError("--index-degree: must be >= 2");
  if (io.probes < 2) throw InputError("--index-probes: must be >= 2 (an interval needs a spread)");
  if (!(io.level > 0.0 && io.level < 1.0)) throw InputError("--index-level: must lie in (0, 1)");
  if (!(io.budget >= 0.0) || !std::isfinite(io.budget)) throw InputError("--index-budget: must be finite and >= 0");
  if (index_choice == IndexChoice::slq && !want_density) throw InputError("--index: slq needs --density");
  if (so.probes < 1) throw InputError("--probes: must be >= 1");
  if (so.lanczos_steps < 1) throw InputError("--lanczos-steps: must be >= 1");
  if (!(so.sigma_squared > 0.0) || !std::isfinite(so.sigma_squared)) throw InputError("--sigma2: must be finite and > 0");
  if (so.grid_points < 2) throw InputError("--grid: must be >= 2");
  if (so.grid_points > kMaxGridPoints) throw InputError("--grid: must be <= " + std::to_string(kMaxGridPoints));
  if (threshold > kMaxDenseDim)
    throw InputError("--dense-threshold: must be <= the dense limit " + std::to_string(kMaxDenseDim));

  ObjectivePtr f = make_objective(objective_spec);
  const Index d = f->dim();
  eo.k = k;
  const bool dense = eo.method == EigenMethod::dense || (eo.method == EigenMethod::automatic && d <= eo.dense_threshold);
  if (k < 1) throw InputError("--k: must be >= 1");
  if (dense) {
    if (k > d) throw InputError("--k: " + std::to_string(k) + " exceeds the dimension " + std::to_string(d));
    if (d > kMaxDenseDim)  // only with --dense always: auto needs d <= --dense-threshold <= the limit
      throw InputError("--dense: dimension " + std::to_string(d) + " exceeds the dense limit " + std::to_string(kMaxDenseDim));
  } else {
    Index used = 0;
    try {
      used = lanczos_ncv(eo, d);
    } catch (const std::invalid_argument& e) {
      const std::string what = e.what();
      throw InputError((what.rfind("ncv", 0) == 0 ? "--ncv: " : "--k: ") + what);
    }
    // Krylov–Schur keeps the basis and its products (2 D x ncv; the products only while they fit
    // in its own 2 GiB limit, else residuals cost fresh products).
    const double blocks = eo.solver == KrylovSolver::krylov_schur ? 2.0 : 1.0;
    check_option_doubles(blocks * static_cast<double>(used) * static_cast<double>(d), "--ncv",
                         "the Lanczos basis (D x ncv = " + std::to_string(d) + " x " + std::to_string(used) + ")");
  }
  if (want_density) {
    const double dd = static_cast<double>(d);
    const double steps = std::min(static_cast<double>(so.lanczos_steps), dd);
    const double probes = static_cast<double>(so.probes);
    check_option_doubles(steps * dd, "--lanczos-steps",
                         "the SLQ Lanczos basis (D x M = " + std::to_string(d) + " x " +
                             std::to_string(static_cast<long long>(steps)) + ")");
    if (!(probes * steps * dd <= kMaxSlqFlops))
      throw InputError("--probes: probes x lanczos-steps x D = " + format_number(probes * steps * dd, 4) +
                       " exceeds the SLQ work cap of " + format_number(kMaxSlqFlops, 4) +
                       " (lower --probes or --lanczos-steps)");
    if (!(static_cast<double>(so.grid_points) * probes * steps <= kMaxDensityTerms))
      throw InputError("--grid: grid x probes x lanczos-steps = " +
                       format_number(static_cast<double>(so.grid_points) * probes * steps, 4) +
                       " exceeds the density work cap of " + format_number(kMaxDensityTerms, 4));
  }
  if (index_choice == IndexChoice::dense && !dense)
    throw InputError("--index: dense needs the dense path (--dense always, or auto with D <= --dense-threshold)");
  if (index_choice == IndexChoice::inertia && d > kMaxDenseDim)
    throw InputError("--index: inertia needs the dense Hessian; dimension " + std::to_string(d) +
                     " exceeds the dense limit " + std::to_string(kMaxDenseDim));
  if (index_choice == IndexChoice::kpm || (index_choice == IndexChoice::automatic && !dense && want_density)) {
    const double work = static_cast<double>(io.probes) * static_cast<double>((io.degree + 1) / 2) * static_cast<double>(d);
    if (!(work <= kMaxSlqFlops))
      throw InputError("--index-probes: index-probes x index-degree/2 x D = " + format_number(work, 4) +
                       " exceeds the work cap of " + format_number(kMaxSlqFlops, 4) +
                       " (lower --index-probes or --index-degree)");
  }
  const Vec x = initial_point(x0_spec, *f);  // after the budgets: x0 allocates D doubles
  // DIR is created if needed and locked for the run; existing files are replaced (no --force).
  harness::ClaimedDirectory claimed = harness::claim_output_directory(out, true);
  const harness::ClaimScope claim_scope(claimed);  // a failure leaves no new empty DIR

  HessianOperator op(*f, x);
  {
    // A non-finite Hessian (e.g. an overflowing point) would fail deep inside the eigen
    // solvers: check one product H·1 first (any inf/NaN entry makes it non-finite); not counted.
    const Vec probe = op * Vec::Ones(d);
    op.reset_products();
    if (!probe.allFinite())
      throw InputError("--x0: the Hessian of '" + f->spec() + "' at this point is not finite (H*1 has inf/NaN entries)");
  }
  const EigenResult r = extreme_eigenpairs(op, eo);
  double scale = r.eigenvalues.size() > 0 ? r.eigenvalues.cwiseAbs().maxCoeff() : 0.0;
  if (r.spectrum.size() > 0) scale = r.spectrum.cwiseAbs().maxCoeff();

  std::optional<SpectralDensity> sd;
  if (want_density) {
    Rng rng(seed);
    sd = spectral_density(op, so, rng);
    if (r.spectrum.size() == 0) scale = std::max({scale, std::abs(sd->lambda_min), std::abs(sd->lambda_max)});
  }
  const double abs_tol = zero_tol * scale;

  // Staged; renamed into place together with summary.json at the end.
  harness::CsvWriter eigen_csv(out / "eigen.csv", {"rank", "eigenvalue", "residual"});
  for (Index i = 0; i < r.eigenvalues.size(); ++i)
    eigen_csv.row({static_cast<long long>(r.ranks[i]), r.eigenvalues[i], r.residuals[i]});
  eigen_csv.stage();
  std::optional<harness::CsvWriter> density_csv;
  if (sd) {
    density_csv.emplace(out / "density.csv", std::vector<std::string>{"lambda", "density"});
    for (Index i = 0; i < sd->grid.size(); ++i) density_csv->row({sd->grid[i], sd->density[i]});
    density_csv->stage();
  }

  nlohmann::ordered_json j;
  j["objective"] = f->spec();
  j["x0"] = x0_spec;
  j["dim"] = d;
  j["which"] = vm["which"].as<std::string>();
  j["k"] = k;
  j["method"] = r.method;
  j["solver"] = r.solver.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.solver);
  j["residual_source"] = r.residual_source;
  j["tol"] = eo.tol;
  j["ncv"] = r.ncv;
  j["converged"] = r.converged;
  j["pairs_converged"] = r.eigenvalues.size();
  j["iterations"] = r.iterations;
  j["max_residual"] = r.residuals.size() > 0 ? number_or_null(r.residuals.maxCoeff()) : nlohmann::ordered_json(nullptr);
  j["cached_hvp"] = op.cached();
  j["hvps_eigen"] = r.products;
  // auto: the exact count when the dense spectrum is there; with a density (the spectrum's
  // shape was asked for) the filter estimate; otherwise none: extreme eigenpairs alone do
  // not pay for the ⌈N/2⌉·P products of the estimate.
  const IndexChoice used = index_choice != IndexChoice::automatic ? index_choice
                           : r.spectrum.size() > 0                ? IndexChoice::dense
                           : want_density                         ? IndexChoice::kpm
                                                                  : IndexChoice::none;
  nlohmann::ordered_json index = nullptr;  // --index none: no index
  std::string index_note;
  if (used == IndexChoice::kpm) {
    io.tau = abs_tol;
    Rng rng(index_seed);
    const std::uint64_t before = op.products();
    const IndexEstimate e = estimate_index(op, io, rng);
    index = kpm_index_json(e, zero_tol, scale, index_seed, op.products() - before);
    if (!e.resolved) index_note = e.message;
  } else if (used != IndexChoice::none) {
    const SaddleIndex s = used == IndexChoice::dense     ? saddle_index(r.spectrum, abs_tol)
                          : used == IndexChoice::inertia ? saddle_index_by_inertia(symmetric_part(op.dense()), abs_tol)
                                                         : saddle_index(*sd, abs_tol);
    index = saddle_index_json(s, used, zero_tol, scale);
  }
  j["index"] = index;
  if (sd) {
    j["density"] = {{"probes", so.probes},
                    {"lanczos_steps", so.lanczos_steps},
                    {"sigma_squared", so.sigma_squared},
                    {"smoothing_variance", sd->smoothing_variance},
                    {"seed", seed},
                    {"lambda_min", sd->lambda_min},
                    {"lambda_max", sd->lambda_max},
                    {"hvps", sd->products}};
    j["trace"] = {{"value", number_or_null(sd->trace.value)}, {"stderr", number_or_null(sd->trace.stderr_)}};
  }
  j["hvps"] = op.products();
  j["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  harness::OutputFile summary(out / "summary.json", false);
  summary.write(j.dump(2) + "\n");
  // Together, with interrupts held off; a density.csv of an earlier run with --density is
  // removed when this run has none (it would not match summary.json).
  std::vector<harness::OutputFile*> files = {&eigen_csv.file()};
  if (density_csv) files.push_back(&density_csv->file());
  files.push_back(&summary);
  harness::commit_all(files, [&] {
    if (!density_csv && fs::is_regular_file(fs::symlink_status(out / "density.csv"))) fs::remove(out / "density.csv");
  });

  if (!index_note.empty()) std::cerr << "optdyn spectrum: note: index " << index_note << " (exit 0: an answer)\n";
  if (!r.converged)
    std::cerr << "optdyn spectrum: warning: " << r.eigenvalues.size() << " of "
              << (eo.which == SpectrumEnd::both ? 2 * k : k) << " eigenpairs converged within " << maxit
              << " restarts (tol " << eo.tol << "); see summary.json\n";
  return kExitOk;
}

}  // namespace

Command spectrum_command() {
  Command c;
  c.name = "spectrum";
  c.summary = "extreme Hessian eigenpairs, saddle index and spectral density at a point";
  c.synopsis =
      "optdyn spectrum --objective SPEC --x0 SPEC --k K --which largest|smallest|both [--tol T]\n"
      "       [--solver krylov_schur|spectra] [--ncv N]\n"
      "       [--dense auto|always|never] [--zero-tol Z] [--index auto|none|dense|inertia|kpm|slq]\n"
      "       [--index-degree N] [--index-probes P] [--index-level L] [--index-budget B] [--index-seed S]\n"
      "       [--density [--probes P] [--lanczos-steps M] [--seed S]]\n"
      "       --out DIR";
  c.details =
      "Writes DIR/eigen.csv (rank,eigenvalue,residual; rank = position in the ascending\n"
      "spectrum, 1 = smallest; residual = ||Hv - lambda v|| recomputed with fresh HVPs),\n"
      "DIR/density.csv (lambda,density; with --density: stochastic Lanczos quadrature with\n"
      "Rademacher probes, full reorthogonalisation, Gaussian smoothing of variance\n"
      "sigma2*max(1, lambda_max - lambda_min)) and DIR/summary.json: method (dense|lanczos),\n"
      "solver, residual_source, converged, iterations (restarts), hvps (all Hessian-vector products),\n"
      "hvps_eigen, seconds, index (below), and with --density the Hutchinson trace\n"
      "{value, stderr}.\n\n"
      "The saddle index (--index; auto: dense when the dense spectrum was computed, else kpm\n"
      "with --density, else none: no index for extreme eigenpairs alone): dense and inertia (Bunch-Kaufman LDL^T of H -+ tau I) are exact: {index =\n"
      "negative/D, negative, near_zero, positive counts, tolerance = zero_tol * max|lambda|,\n"
      "status exact}. kpm: Jackson-damped Chebyshev filters of degree --index-degree (N/2\n"
      "HVPs per probe) with --index-probes Rademacher probes: negative (< -tau), near_zero\n"
      "(|lambda| <= tau) and positive (> tau) as {count, low, high, stderr, ambiguity}, each\n"
      "interval covering the truth at --index-level; tolerance = tau = max(zero_tol *\n"
      "max|lambda|, tau_resolution), the smallest tau the degree resolves; status resolved, or\n"
      "unresolved (with a message, and a note on stderr; exit 0) when the mass in a filter's\n"
      "transition band exceeds --index-budget * D. slq: the SLQ density's index (needs\n"
      "--density; its index_stderr is the probe error only, biased near lambda = 0).\n"
      "log_count = log C(D, index*D).\n\n"
      "--which both gives the k largest and the k smallest. Lanczos is Krylov-Schur\n"
      "(thick restart, both ends in one Krylov space, residuals from the stored products;\n"
      "ncv = max(2w+1, 20) for w wanted pairs, capped at D, unless --ncv) or, with\n"
      "--solver spectra, Spectra's SymEigsSolver (ncv = max(2k+1, 20)); the dense path\n"
      "(Eigen's SelfAdjointEigenSolver) is used when --dense always, or auto and\n"
      "D <= --dense-threshold. Exit 0 also when not every pair converged: then\n"
      "converged = false in summary.json, only converged pairs in eigen.csv, and a\n"
      "warning on stderr. Exit 2 on bad input.";
  c.declare = [](po::options_description& visible, po::options_description&, po::positional_options_description&) {
    visible.add_options()
        ("objective", po::value<std::string>()->value_name("SPEC")->required(), "objective spec")
        ("x0", po::value<std::string>()->value_name("SPEC")->required(), "the point (as for optdyn eval)")
        ("k", po::value<long>()->value_name("K")->default_value(10), "eigenpairs per end")
        ("which", po::value<std::string>()->value_name("END")->default_value("largest"), "largest|smallest|both")
        ("tol", po::value<double>()->value_name("T")->default_value(1e-10),
         "relative convergence tolerance: residual <= T * max(|lambda|, eps^(2/3))")
        ("solver", po::value<std::string>()->value_name("S")->default_value("krylov_schur"), "krylov_schur|spectra")
        ("ncv", po::value<long>()->value_name("N")->default_value(0), "Lanczos subspace size (0: the solver's default, capped at D)")
        ("max-iterations", po::value<long>()->value_name("I")->default_value(1000), "Lanczos restarts at most")
        ("dense", po::value<std::string>()->value_name("WHEN")->default_value("auto"), "auto|always|never")
        ("dense-threshold", po::value<long>()->value_name("D")->default_value(1500), "auto: dense when dim <= D")
        ("zero-tol", po::value<double>()->value_name("Z")->default_value(1e-8),
         "near-zero band |lambda| <= Z * max|lambda| for the index")
        ("index", po::value<std::string>()->value_name("M")->default_value("auto"),
         "saddle index: auto|none|dense|inertia|kpm|slq")
        ("index-degree", po::value<long>()->value_name("N")->default_value(500), "kpm: Chebyshev degree")
        ("index-probes", po::value<long>()->value_name("P")->default_value(20), "kpm: Rademacher probes (>= 2)")
        ("index-level", po::value<double>()->value_name("L")->default_value(0.95), "kpm: confidence level of the intervals")
        ("index-budget", po::value<double>()->value_name("B")->default_value(0.01),
         "kpm: largest transition-band mass (fraction of D) still resolved")
        ("index-seed", po::value<std::string>()->value_name("S")->default_value("0"), "kpm: probe seed (integer >= 0)")
        ("density", "also estimate the spectral density (SLQ) and the trace")
        ("probes", po::value<long>()->value_name("P")->default_value(10), "SLQ: Rademacher probes")
        ("lanczos-steps", po::value<long>()->value_name("M")->default_value(90), "SLQ: Lanczos steps per probe")
        ("sigma2", po::value<double>()->value_name("S")->default_value(1e-5), "SLQ: smoothing variance factor")
        ("grid", po::value<long>()->value_name("G")->default_value(1000), "SLQ: density grid points")
        ("seed", po::value<std::string>()->value_name("S")->default_value("0"), "SLQ: probe seed (integer >= 0)")
        ("out", po::value<std::string>()->value_name("DIR")->required(), "output directory");
  };
  c.run = run_spectrum;
  return c;
}

}  // namespace optdyn::tool
