// gradient_scaling — exploding and vanishing gradients at initialisation (seed 001:
// "composition of gradients is a product of Jacobians through layers; multiplying many
// leads to very large / small values"; initialisation heuristics: Gaussian vs orthogonal,
// a gain factor g).
//
// Setting. Chains of square layers of width N (default 64): f(x) = W_L σ(W_{L−1} ⋯ σ(W_1 x)),
// no biases, σ = identity ("linear") or tanh, the output layer linear; depth L = number of
// weight matrices. Initialisation per weight block (optdyn::initial_point):
//   gaussian    W_ij ~ N(0, g²/N)           (σ_w = g/√fan_in; g = 1 is LeCun/Glorot scaling)
//   orthogonal  W = g·Q, Q Haar orthogonal  (Saxe, McClelland, Ganguli 2013)
// for g ∈ gains. Data (one draw per replicate, shared by every net/init/gain/depth):
// n inputs x_i ~ N(0, I_N) and targets y_i = T x_i of a random linear teacher
// T_ij ~ N(0, 1/N); loss F = (1/n) Σ_i ½‖f(x_i) − y_i‖² (optdyn::Mlp, loss=mse).
//
// Measured at the initial point θ₀:
//  * per-layer gradient norms ‖∂F/∂W_l‖_F (the gradient sliced by the PyTorch layout);
//  * the singular values of the input–output Jacobian J(x) = W_L D_{L−1} W_{L−1} ⋯ D_1 W_1
//    at the first `jacobian_inputs` data points (one point for linear nets, where J does not
//    depend on x), computed by optdyn::product_singular_values, which resolves the ~100
//    decades a depth-64 Gaussian chain spans (an SVD of the explicit product cannot).
//
// Theory checks (Saxe et al. 2013; Pennington, Schoenholz & Ganguli 2017):
//  * linear + orthogonal: every singular value equals g^L exactly (dynamical isometry at
//    g = 1), and every layer has the same gradient norm: ∂F/∂W_l = Pᵀ E Hᵀ/n with
//    P = W_L⋯W_{l+1} = g^{L−l}·(orthogonal), H = W_{l−1}⋯W_1 X = g^{l−1}·(orthogonal)·X, so
//    ‖∂F/∂W_l‖_F = g^{L−1} ‖E Xᵀ‖_F / n for every l.
//  * linear + gaussian: (1/N) Σ ln s_i = (1/N) Σ_l ln|det W_l| exactly, whose expectation is
//    L·[ln g + ½(ln 2 − ln N) + (1/2N) Σ_{k=1}^N ψ(k/2)] (Bartlett decomposition of a Gaussian
//    matrix; ≈ L(ln g − ½) for large N): written as theory_mean_ln_sv.
//
// Randomness: two-level streams, so that no two draws share a stream whatever the number
// of replicates: replicate r's data come from Rng::derived(D, r) with D =
// Rng::derived(seed, 1).bits(), and its weights for init i from the seed
// Rng::derived(Rng::derived(W, r).bits(), i).bits() >> 11 with W = Rng::derived(seed, 2).bits().
//
// Bad input: every size is budgeted before anything is allocated (the data of all
// replicates and the deepest network: 2 GiB of doubles), gains lie in (0, 100] with
// depth·|ln g| ≤ 650 (so g^L stays finite). Non-finite measurements (overflow) end the run
// with status "diverged" (exit 3) after writing every row.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include <boost/math/special_functions/digamma.hpp>

#include "harness/experiment.hpp"
#include "optdyn/analysis/input_output_jacobian.hpp"
#include "optdyn/analysis/layer_gradient_norms.hpp"
#include "optdyn/core/budget.hpp"
#include "optdyn/core/error.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/core/text.hpp"
#include "optdyn/objectives/initial_point.hpp"
#include "optdyn/objectives/mlp.hpp"
#include "optdyn/objectives/network_budget.hpp"

namespace {

using namespace optdyn;
using harness::CsvCell;
using harness::CsvWriter;
using harness::Experiment;
using harness::ExperimentParam;
using harness::JobResult;

const std::string kPrefix = "experiment 'gradient_scaling': ";
constexpr double kMaxGain = 100.0;
constexpr double kMaxLogGrowth = 650.0;  // depth·|ln g|: e^650 < DBL_MAX ≈ e^709
constexpr std::uint64_t kDataStreams = 1;
constexpr std::uint64_t kWeightStreams = 2;

// 1..16 every depth, then every second depth to 64 (40 depths).
std::string full_depths() {
  std::string out;
  for (int d = 1; d <= 64; d += d < 16 ? 1 : 2) out += (out.empty() ? "" : "-") + std::to_string(d);
  return out;
}

[[noreturn]] void bad(const std::string& key, const std::string& what) {
  throw InputError(kPrefix + "key '" + key + "': " + what);
}

// --- parameters ---------------------------------------------------------------------------
struct Settings {
  Index width = 0;
  std::vector<long> depths;
  std::vector<double> gains;
  std::vector<std::string> nets, inits;
  Index n = 0;
  long replicates = 0;
  Index jacobian_inputs = 0;
  long jacobian_replicates = 0;
  std::vector<long> spectrum_depths;
  long max_depth = 0;
};

Settings read_settings(const Spec& p) {
  Settings s;
  s.width = p.integer("width", 1, 4096);
  s.depths = p.integer_list("depths", '-', 1, 4096);
  s.max_depth = *std::max_element(s.depths.begin(), s.depths.end());
  s.gains = p.real_list("gains", '/');
  for (double g : s.gains) {
    if (!(g > 0.0 && g <= kMaxGain))
      bad("gains", "gain " + format_number(g) + " is outside (0, " + format_number(kMaxGain) + "]");
    const double growth = static_cast<double>(s.max_depth) * std::abs(std::log(g));
    if (!(growth <= kMaxLogGrowth))
      bad("gains", "gain " + format_number(g) + " at depth " + std::to_string(s.max_depth) + " gives g^L = e^" +
                       format_number(growth, 4) + " (depth·|ln g| must be <= " + format_number(kMaxLogGrowth) +
                       " so that g^L stays finite; reduce the gain or the depths)");
  }
  s.nets = p.choice_list("nets", '/', {"linear", "tanh"});
  s.inits = p.choice_list("inits", '/', {"gaussian", "orthogonal"});
  s.n = p.integer("n", 1, 1'000'000);
  s.replicates = p.integer("replicates", 1, 100'000);
  s.jacobian_inputs = p.integer("jacobian_inputs", 1, 1'000'000);
  s.jacobian_replicates = p.integer("jacobian_replicates", 1, 100'000);
  if (s.jacobian_replicates > s.replicates) bad("jacobian_replicates", "must be at most replicates");
  if (s.jacobian_inputs > s.n) bad("jacobian_inputs", "must be at most n");
  s.spectrum_depths = p.integer_list("spectrum_depths", '-', 1, 4096);

  // Budgets: one replicate's data (inputs, targets and the teacher), all replicates' data,
  // and the deepest network (parameters, activations of the n samples).
  const double w = static_cast<double>(s.width), n = static_cast<double>(s.n);
  check_doubles(w * (2.0 * n + w), kPrefix, "n", "one replicate's data (width x 2n, plus the teacher)");
  check_doubles(static_cast<double>(s.replicates) * w * 2.0 * n, kPrefix, "replicates",
                "the data of every replicate (replicates x width x 2n)");
  check_network_size(std::vector<Index>(static_cast<std::size_t>(s.max_depth) + 1, s.width), s.n, false, kPrefix,
                     "width", "n");
  return s;
}

// --- data ----------------------------------------------------------------------------------
Rng data_rng(std::uint64_t seed, long replicate) {
  return Rng::derived(Rng::derived(seed, kDataStreams).bits(), static_cast<std::uint64_t>(replicate));
}

// Common random numbers: the same weight seed for every gain, net and depth (the weights
// differ by the factor g only), per (replicate, init).
std::uint64_t weight_seed(std::uint64_t seed, long replicate, std::size_t init) {
  const std::uint64_t per_replicate =
      Rng::derived(Rng::derived(seed, kWeightStreams).bits(), static_cast<std::uint64_t>(replicate)).bits();
  return Rng::derived(per_replicate, init).bits() >> 11;
}

// One data set per replicate: Gaussian inputs, linear-teacher targets.
std::vector<Dataset> make_data(const Settings& s, std::uint64_t seed) {
  std::vector<Dataset> data;
  for (long r = 0; r < s.replicates; ++r) {
    Rng rng = data_rng(seed, r);
    Dataset d;
    d.inputs = rng.normal_matrix(s.width, s.n);
    const Mat teacher = rng.normal_matrix(s.width, s.width) / std::sqrt(static_cast<double>(s.width));
    d.targets = teacher * d.inputs;
    d.description = "gaussian inputs N(0,I), linear teacher T_ij ~ N(0,1/N), replicate " + std::to_string(r);
    data.push_back(std::move(d));
  }
  return data;
}

// --- statistics ----------------------------------------------------------------------------
struct LogStats {
  double mean = 0, std = 0, min = 0, max = 0;
};
// Statistics of log10 of positive values (geometric mean = 10^mean).
LogStats log10_stats(const std::vector<double>& values) {
  LogStats s;
  std::vector<double> logs;
  for (double v : values) logs.push_back(std::log10(v));
  const double k = static_cast<double>(logs.size());
  s.mean = std::accumulate(logs.begin(), logs.end(), 0.0) / k;
  double sq = 0;
  for (double l : logs) sq += (l - s.mean) * (l - s.mean);
  s.std = logs.size() > 1 ? std::sqrt(sq / (k - 1.0)) : 0.0;
  s.min = *std::min_element(values.begin(), values.end());
  s.max = *std::max_element(values.begin(), values.end());
  return s;
}

// Quantile of sorted data, linear interpolation between order statistics.
double quantile(const std::vector<double>& sorted, double q) {
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const auto i = static_cast<std::size_t>(std::floor(pos));
  if (i + 1 >= sorted.size()) return sorted.back();
  const double t = pos - static_cast<double>(i);
  return sorted[i] * (1.0 - t) + sorted[i + 1] * t;
}

// E[(1/N) ln|det W|] for W_ij ~ N(0, g²/N): by the Bartlett decomposition |det G| for a
// standard Gaussian N×N G is Π_k χ_{N−k+1}, E ln χ_k = ½(ln 2 + ψ(k/2)).
double expected_mean_log_sv_per_layer(Index n, double gain) {
  double sum = 0.0;
  for (Index k = 1; k <= n; ++k) sum += boost::math::digamma(0.5 * static_cast<double>(k));
  return std::log(gain) + 0.5 * (std::log(2.0) - std::log(static_cast<double>(n))) +
         sum / (2.0 * static_cast<double>(n));
}

// e = max(e, x), except that a NaN sticks (std::max would drop it): a self-check that saw
// a NaN reports NaN, not the largest finite error.
void track_max(double& e, double x) {
  if (!std::isnan(e) && !(x <= e)) e = x;
}

std::string note_number(double x) { return std::isnan(x) ? "nan" : format_number(x, 6); }

// The manifest's self-checks, accumulated over every setting.
struct Checks {
  double orthogonal_linear_sv_error = 0.0;     // max |ln s − L ln g|
  double orthogonal_linear_layer_spread = 0.0;  // max |‖G_l‖/‖G_L‖ − 1|
  double gaussian_linear_logdet_error = 0.0;    // max |mean ln s − (1/N) Σ ln|det W_l||
  std::uint64_t jacobians = 0;
  std::uint64_t non_finite = 0;  // measurements that over- or underflowed
};

// --- one setting (net, init, gain, depth) ----------------------------------------------------
struct Setting {
  std::string net, init;
  std::size_t init_index = 0;
  double gain = 1.0;
  long depth = 1;
};

struct SvRow {
  long replicate;
  Index input, rank;
  double sv;
};

struct SettingResult {
  std::vector<std::vector<double>> layer_norms;  // [layer][replicate]
  std::vector<double> ratios, losses, pooled_log10, all_sv, all_ln;
  std::vector<SvRow> full_spectra;  // only for depths in spectrum_depths
  int max_sweeps = 0;
  double max_change = 0.0;
  Index spectra = 0;
};

void count_non_finite(Checks& checks, double x) {
  if (!std::isfinite(x)) ++checks.non_finite;
}

SettingResult measure_setting(const Settings& s, const Setting& c, const std::vector<Dataset>& data,
                              std::uint64_t seed, Checks& checks) {
  const bool linear = c.net == "linear";
  const bool orthogonal_linear = linear && c.init == "orthogonal";
  const Activation act = linear ? Activation::linear : Activation::tanh;
  MlpArchitecture arch;
  arch.widths.assign(static_cast<std::size_t>(c.depth) + 1, s.width);
  arch.activation = act;
  arch.loss = MlpLoss::mse;
  arch.bias = false;
  const bool keep_full =
      std::find(s.spectrum_depths.begin(), s.spectrum_depths.end(), c.depth) != s.spectrum_depths.end();
  const std::string spec = "mlp:widths=" + std::to_string(s.width) + "x" + std::to_string(c.depth) +
                           ",act=" + c.net + ",loss=mse,bias=false";

  SettingResult out;
  out.layer_norms.resize(static_cast<std::size_t>(c.depth));
  for (long r = 0; r < s.replicates; ++r) {
    Mlp mlp(arch, data[static_cast<std::size_t>(r)], spec);
    const Vec theta = initial_point(
        InitParams{.scheme = parse_init_scheme(c.init), .gain = c.gain, .seed = weight_seed(seed, r, c.init_index)},
        mlp);
    Vec gradient;
    const double loss = mlp.value_and_gradient(theta, gradient);
    count_non_finite(checks, loss);
    out.losses.push_back(loss);
    const auto norms = layer_gradient_norms(mlp.parameter_blocks(), gradient);
    for (long l = 0; l < c.depth; ++l) {
      count_non_finite(checks, norms[static_cast<std::size_t>(l)]);
      out.layer_norms[static_cast<std::size_t>(l)].push_back(norms[static_cast<std::size_t>(l)]);
    }
    out.ratios.push_back(norms.front() / norms.back());
    count_non_finite(checks, out.ratios.back());
    if (orthogonal_linear)
      for (double v : norms) track_max(checks.orthogonal_linear_layer_spread, std::abs(v / norms.back() - 1.0));

    const Index inputs = r >= s.jacobian_replicates ? 0 : linear ? 1 : s.jacobian_inputs;
    for (Index i = 0; i < inputs; ++i) {
      const Vec x = data[static_cast<std::size_t>(r)].inputs.col(i);
      const auto factors = input_output_jacobian_factors(mlp.layout(), act, theta, x);
      const auto svd = product_singular_values(factors);
      ++checks.jacobians;
      ++out.spectra;
      out.max_sweeps = std::max(out.max_sweeps, svd.sweeps);
      if (svd.sweeps > 1) track_max(out.max_change, svd.last_change);
      const Vec& sv = svd.singular_values;
      double spectrum_mean_ln = 0.0;
      for (Index k = 0; k < sv.size(); ++k) {
        const double ln = std::log(sv(k));
        count_non_finite(checks, ln);
        spectrum_mean_ln += ln / static_cast<double>(sv.size());
        out.all_ln.push_back(ln);
        out.pooled_log10.push_back(std::log10(sv(k)));
        out.all_sv.push_back(sv(k));
        if (orthogonal_linear)
          track_max(checks.orthogonal_linear_sv_error,
                    std::abs(ln - static_cast<double>(c.depth) * std::log(c.gain)));
        if (keep_full) out.full_spectra.push_back({r, i, k + 1, sv(k)});
      }
      if (linear) {
        double logdet = 0.0;
        for (const Mat& f : factors) logdet += std::log(std::abs(f.partialPivLu().determinant()));
        track_max(checks.gaussian_linear_logdet_error,
                  std::abs(spectrum_mean_ln - logdet / static_cast<double>(s.width)));
      }
    }
  }
  return out;
}

// --- output ----------------------------------------------------------------------------------
constexpr const char* kLayerCsv = "layer_gradient_norms.csv";
constexpr const char* kRatioCsv = "gradient_ratio.csv";
constexpr const char* kSpectrumCsv = "jacobian_spectrum.csv";
constexpr const char* kSingularValuesCsv = "jacobian_singular_values.csv";

void open_outputs(Experiment& ex) {
  ex.csv(kLayerCsv, {"net", "init", "gain", "depth", "layer", "grad_norm_geomean", "log10_grad_norm_mean",
                     "log10_grad_norm_std", "grad_norm_min", "grad_norm_max", "replicates"});
  ex.csv(kRatioCsv, {"net", "init", "gain", "depth", "ratio_first_last_geomean", "log10_ratio_mean",
                     "log10_ratio_std", "ratio_min", "ratio_max", "loss_geomean", "replicates"});
  ex.csv(kSpectrumCsv, {"net", "init", "gain", "depth", "spectra", "sv_max", "sv_min", "sv_median", "mean_ln_sv",
                        "std_ln_sv", "log10_sv_q05", "log10_sv_q25", "log10_sv_q50", "log10_sv_q75", "log10_sv_q95",
                        "theory_mean_ln_sv", "max_svd_sweeps", "max_svd_last_change"});
  ex.csv(kSingularValuesCsv, {"net", "init", "gain", "depth", "replicate", "input", "rank", "sv"});
}

// One setting's rows and note, into its job's result.
void add_rows(const Settings& s, const Setting& c, SettingResult& m, JobResult& out) {
  const auto depth = static_cast<long long>(c.depth);
  const auto replicates = static_cast<long long>(s.replicates);
  for (const SvRow& row : m.full_spectra)
    out.row(kSingularValuesCsv, {c.net, c.init, c.gain, depth, static_cast<long long>(row.replicate),
                                 static_cast<long long>(row.input), static_cast<long long>(row.rank), row.sv});
  for (long l = 0; l < c.depth; ++l) {
    const auto st = log10_stats(m.layer_norms[static_cast<std::size_t>(l)]);
    out.row(kLayerCsv, {c.net, c.init, c.gain, depth, static_cast<long long>(l + 1), std::pow(10.0, st.mean), st.mean,
                        st.std, st.min, st.max, replicates});
  }
  const auto rs = log10_stats(m.ratios);
  const auto ls = log10_stats(m.losses);
  out.row(kRatioCsv, {c.net, c.init, c.gain, depth, std::pow(10.0, rs.mean), rs.mean, rs.std, rs.min, rs.max,
                      std::pow(10.0, ls.mean), replicates});

  std::sort(m.pooled_log10.begin(), m.pooled_log10.end());
  std::sort(m.all_sv.begin(), m.all_sv.end());
  const double count = static_cast<double>(m.all_sv.size());
  const double mean = std::accumulate(m.all_ln.begin(), m.all_ln.end(), 0.0) / count;
  double sq = 0.0;
  for (double ln : m.all_ln) sq += (ln - mean) * (ln - mean);
  const double sd = std::sqrt(sq / count);
  double theory = std::numeric_limits<double>::quiet_NaN();
  if (c.net == "linear")
    theory = static_cast<double>(c.depth) *
             (c.init == "orthogonal" ? std::log(c.gain) : expected_mean_log_sv_per_layer(s.width, c.gain));
  const auto& q = m.pooled_log10;
  out.row(kSpectrumCsv, {c.net, c.init, c.gain, depth, static_cast<long long>(m.spectra), m.all_sv.back(),
                         m.all_sv.front(), std::pow(10.0, quantile(q, 0.5)), mean, sd, quantile(q, 0.05),
                         quantile(q, 0.25), quantile(q, 0.5), quantile(q, 0.75), quantile(q, 0.95), theory,
                         static_cast<long long>(m.max_sweeps), m.max_change});
  if (c.depth == s.max_depth)
    out.note("ratio_first_last_depth" + std::to_string(c.depth) + "_" + c.net + "_" + c.init + "_gain" +
                 format_number(c.gain, 6),
             note_number(std::pow(10.0, rs.mean)));
}

// The self-checks travel from each job as numbers and are combined in job order.
void save_checks(const Checks& c, JobResult& r) {
  r.set("sv_error", c.orthogonal_linear_sv_error);
  r.set("layer_spread", c.orthogonal_linear_layer_spread);
  r.set("logdet_error", c.gaussian_linear_logdet_error);
  r.set("jacobians", static_cast<double>(c.jacobians));
  r.set("non_finite", static_cast<double>(c.non_finite));
}

void combine_checks(const JobResult& r, Checks& c) {
  track_max(c.orthogonal_linear_sv_error, r.get("sv_error", 0.0));
  track_max(c.orthogonal_linear_layer_spread, r.get("layer_spread", 0.0));
  track_max(c.gaussian_linear_logdet_error, r.get("logdet_error", 0.0));
  c.jacobians += static_cast<std::uint64_t>(r.get("jacobians", 0.0));
  c.non_finite += static_cast<std::uint64_t>(r.get("non_finite", 0.0));
}

// The jobs: one per setting (net, init, gain, depth), in the order of the nested loops; the
// axes hold indices into the settings' lists.
harness::SweepAxes setting_axes(const Settings& s) {
  const auto indices = [](std::size_t n) { return "range:0:" + std::to_string(n - 1); };
  harness::SweepAxes axes;
  axes.add_grid("net", indices(s.nets.size()));
  axes.add_grid("init", indices(s.inits.size()));
  axes.add_grid("gain", indices(s.gains.size()));
  axes.add_grid("depth", indices(s.depths.size()));
  return axes;
}

Setting setting_of(const Settings& s, const harness::Job& job) {
  const auto at = [&](const char* key) { return static_cast<std::size_t>(std::stoul(job.value(key))); };
  return {s.nets[at("net")], s.inits[at("init")], at("init"), s.gains[at("gain")], s.depths[at("depth")]};
}

void body(Experiment& ex) {
  const Settings s = read_settings(ex.params());
  const std::vector<Dataset> data = make_data(s, ex.seed());
  open_outputs(ex);
  const harness::JobTable table(setting_axes(s), ex.seed());
  const std::vector<JobResult> results = ex.run_jobs(table, [&](const harness::Job& job, JobResult& r) {
    const Setting setting = setting_of(s, job);
    Checks checks;
    SettingResult result = measure_setting(s, setting, data, ex.seed(), checks);
    add_rows(s, setting, result, r);
    save_checks(checks, r);
  });
  ex.add_results(results);
  Checks checks;
  for (const JobResult& r : results) combine_checks(r, checks);
  ex.note("jacobians_evaluated", std::to_string(checks.jacobians));
  ex.note("check_orthogonal_linear_max_abs_ln_sv_minus_L_ln_gain", note_number(checks.orthogonal_linear_sv_error));
  ex.note("check_orthogonal_linear_max_layer_norm_deviation", note_number(checks.orthogonal_linear_layer_spread));
  ex.note("check_linear_max_abs_mean_ln_sv_minus_logdet_over_N", note_number(checks.gaussian_linear_logdet_error));
  if (checks.non_finite > 0) {
    ex.note("non_finite_measurements", std::to_string(checks.non_finite));
    ex.finish("diverged");
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<ExperimentParam> params = {
      {"width", "64", "64", "width N of every layer (input, hidden and output)"},
      {"depths", "1-2-4-8-16-32-64", full_depths(), "depths L (number of weight matrices), '-'-separated"},
      {"gains", "0.5/1/1.5", "0.5/1/1.5", "gains g ('/'-separated): σ_w = g/√N (gaussian), W = gQ (orthogonal)"},
      {"nets", "linear/tanh", "linear/tanh", "hidden activations ('/'-separated): linear, tanh"},
      {"inits", "gaussian/orthogonal", "gaussian/orthogonal", "initialisations ('/'-separated)"},
      {"n", "64", "256", "samples (Gaussian inputs, linear-teacher targets)"},
      {"replicates", "2", "16", "independent draws of data and weights per setting"},
      {"jacobian_replicates", "1", "4", "replicates (the first ones) whose Jacobian spectra are computed"},
      {"jacobian_inputs", "1", "2", "inputs x at which J(x) is evaluated per replicate (tanh nets; linear: 1)"},
      {"spectrum_depths", "64", "4-16-64", "depths whose every singular value is written"},
  };
  return optdyn::harness::run_experiment(
      argc, argv,
      {"gradient_scaling",
       "exploding/vanishing gradients at initialisation: per-layer gradient norms and input-output "
       "Jacobian singular values of deep linear and tanh chains, gaussian vs orthogonal init",
       params},
      body);
}
