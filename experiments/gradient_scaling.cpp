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
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <numeric>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <boost/math/special_functions/digamma.hpp>

#include "harness/experiment.hpp"
#include "optdyn/analysis/input_output_jacobian.hpp"
#include "optdyn/analysis/layer_gradient_norms.hpp"
#include "optdyn/core/error.hpp"
#include "optdyn/core/initial_point.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/objectives/mlp.hpp"

namespace {

using namespace optdyn;
using harness::CsvCell;
using harness::Experiment;
using harness::ExperimentParam;

// 1..16 every depth, then every second depth to 64 (40 depths).
std::string full_depths() {
  std::string out;
  for (int d = 1; d <= 64; d += d < 16 ? 1 : 2) out += (out.empty() ? "" : "-") + std::to_string(d);
  return out;
}

std::vector<std::string> split_words(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string word;
  while (std::getline(in, word, sep)) out.push_back(word);
  return out;
}

std::vector<std::string> word_list(const Spec& p, const std::string& key,
                                   const std::vector<std::string>& allowed) {
  auto words = split_words(p.text(key), '/');
  if (words.empty()) throw InputError("key '" + key + "': empty list");
  for (const auto& w : words)
    if (std::find(allowed.begin(), allowed.end(), w) == allowed.end()) {
      std::string known;
      for (const auto& a : allowed) known += (known.empty() ? "" : ", ") + a;
      throw InputError("key '" + key + "': unknown value '" + w + "' (known: " + known + ")");
    }
  return words;
}

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

std::string fmt(double x) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.6g", x);
  return buffer;
}

void body(Experiment& ex) {
  const Spec& p = ex.params();
  const Index width = p.integer("width", 1, 4096);
  const std::vector<long> depths = p.integer_list("depths", '-', 1, 4096);
  const std::vector<double> gains = p.real_list("gains", '/');
  for (double g : gains)
    if (!(g > 0.0) || !std::isfinite(g)) throw InputError("key 'gains': every gain must be > 0");
  const auto nets = word_list(p, "nets", {"linear", "tanh"});
  const auto inits = word_list(p, "inits", {"gaussian", "orthogonal"});
  const Index n = p.integer("n", 1, 1'000'000);
  const long replicates = p.integer("replicates", 1, 100'000);
  const Index jacobian_inputs = p.integer("jacobian_inputs", 1, 1'000'000);
  const long jacobian_replicates = p.integer("jacobian_replicates", 1, 100'000);
  if (jacobian_replicates > replicates) throw InputError("key 'jacobian_replicates': must be at most replicates");
  if (jacobian_inputs > n) throw InputError("key 'jacobian_inputs': must be at most n");
  const std::vector<long> spectrum_depths = p.integer_list("spectrum_depths", '-', 1, 4096);
  const long max_depth = *std::max_element(depths.begin(), depths.end());

  // One data set per replicate: Gaussian inputs, linear-teacher targets.
  std::vector<Dataset> data;
  for (long r = 0; r < replicates; ++r) {
    Rng rng = Rng::derived(ex.seed(), 1000 + static_cast<std::uint64_t>(r));
    Dataset d;
    d.inputs = rng.normal_matrix(width, n);
    const Mat teacher = rng.normal_matrix(width, width) / std::sqrt(static_cast<double>(width));
    d.targets = teacher * d.inputs;
    d.description = "gaussian inputs N(0,I), linear teacher T_ij ~ N(0,1/N), replicate " +
                    std::to_string(r);
    data.push_back(std::move(d));
  }

  auto& layer_csv = ex.csv("layer_gradient_norms.csv",
                           {"net", "init", "gain", "depth", "layer", "grad_norm_geomean",
                            "log10_grad_norm_mean", "log10_grad_norm_std", "grad_norm_min",
                            "grad_norm_max", "replicates"});
  auto& ratio_csv = ex.csv("gradient_ratio.csv",
                           {"net", "init", "gain", "depth", "ratio_first_last_geomean",
                            "log10_ratio_mean", "log10_ratio_std", "ratio_min", "ratio_max",
                            "loss_geomean", "replicates"});
  auto& spectrum_csv = ex.csv(
      "jacobian_spectrum.csv",
      {"net", "init", "gain", "depth", "spectra", "sv_max", "sv_min", "sv_median", "mean_ln_sv",
       "std_ln_sv", "log10_sv_q05", "log10_sv_q25", "log10_sv_q50", "log10_sv_q75",
       "log10_sv_q95", "theory_mean_ln_sv", "max_svd_sweeps", "max_svd_last_change"});
  auto& sv_csv = ex.csv("jacobian_singular_values.csv",
                        {"net", "init", "gain", "depth", "replicate", "input", "rank", "sv"});

  double orthogonal_linear_sv_error = 0.0;     // max |ln s − L ln g|
  double orthogonal_linear_layer_spread = 0.0;  // max |‖G_l‖/‖G_L‖ − 1|
  double gaussian_linear_logdet_error = 0.0;    // max |mean ln s − (1/N) Σ ln|det W_l||
  std::uint64_t jacobians = 0;

  for (const auto& net : nets) {
    const Activation act = net == "tanh" ? Activation::tanh : Activation::linear;
    for (std::size_t ii = 0; ii < inits.size(); ++ii) {
      const auto& init = inits[ii];
      for (double gain : gains) {
        for (long depth : depths) {
          MlpArchitecture arch;
          arch.widths.assign(static_cast<std::size_t>(depth) + 1, width);
          arch.activation = act;
          arch.loss = MlpLoss::mse;
          arch.bias = false;
          std::vector<std::vector<double>> layer_norms(depth);  // [layer][replicate]
          std::vector<double> ratios, losses, pooled_log10;
          std::vector<double> all_sv;
          std::vector<double> all_ln;
          int max_sweeps = 0;
          double max_change = 0.0;
          Index spectra = 0;
          const bool keep_full =
              std::find(spectrum_depths.begin(), spectrum_depths.end(), depth) != spectrum_depths.end();
          for (long r = 0; r < replicates; ++r) {
            const std::string spec = "mlp:widths=" + std::to_string(width) + "x" + std::to_string(depth) +
                                     ",act=" + net + ",loss=mse,bias=false";
            Mlp mlp(arch, data[r], spec);
            // Common random numbers: the same weight seed for every gain and net (the
            // weights differ by the factor g only), per (replicate, init).
            const std::uint64_t weight_seed =
                Rng::derived(ex.seed(), 2000 + 10 * static_cast<std::uint64_t>(r) + ii).bits() >> 11;
            const Vec theta = initial_point("init:" + init + ",gain=" + harness::format_double(gain) +
                                                ",seed=" + std::to_string(weight_seed),
                                            mlp);
            Vec gradient;
            const double loss = mlp.value_and_gradient(theta, gradient);
            losses.push_back(loss);
            const auto norms = layer_gradient_norms(mlp.parameter_blocks(), gradient);
            for (long l = 0; l < depth; ++l) layer_norms[l].push_back(norms[l]);
            ratios.push_back(norms.front() / norms.back());
            if (net == "linear" && init == "orthogonal")
              for (double v : norms)
                orthogonal_linear_layer_spread =
                    std::max(orthogonal_linear_layer_spread, std::abs(v / norms.back() - 1.0));

            const Index inputs = r >= jacobian_replicates ? 0 : net == "linear" ? 1 : jacobian_inputs;
            for (Index i = 0; i < inputs; ++i) {
              const Vec x = data[r].inputs.col(i);
              const auto factors = input_output_jacobian_factors(mlp.layout(), act, theta, x);
              const auto svd = product_singular_values(factors);
              ++jacobians;
              max_sweeps = std::max(max_sweeps, svd.sweeps);
              if (svd.sweeps > 1) max_change = std::max(max_change, svd.last_change);
              const Vec& s = svd.singular_values;
              ++spectra;
              double spectrum_mean_ln = 0.0;
              for (Index k = 0; k < s.size(); ++k) {
                const double ln = std::log(s(k));
                spectrum_mean_ln += ln / static_cast<double>(s.size());
                all_ln.push_back(ln);
                pooled_log10.push_back(std::log10(s(k)));
                all_sv.push_back(s(k));
                if (net == "linear" && init == "orthogonal")
                  orthogonal_linear_sv_error = std::max(
                      orthogonal_linear_sv_error, std::abs(ln - static_cast<double>(depth) * std::log(gain)));
                if (keep_full)
                  sv_csv.row({net, init, gain, static_cast<long long>(depth), static_cast<long long>(r),
                              static_cast<long long>(i), static_cast<long long>(k + 1), s(k)});
              }
              if (net == "linear") {
                double logdet = 0.0;
                for (const Mat& f : factors) logdet += std::log(std::abs(f.partialPivLu().determinant()));
                gaussian_linear_logdet_error = std::max(
                    gaussian_linear_logdet_error,
                    std::abs(spectrum_mean_ln - logdet / static_cast<double>(width)));
              }
            }
          }
          for (long l = 0; l < depth; ++l) {
            const auto s = log10_stats(layer_norms[l]);
            layer_csv.row({net, init, gain, static_cast<long long>(depth), static_cast<long long>(l + 1),
                           std::pow(10.0, s.mean), s.mean, s.std, s.min, s.max,
                           static_cast<long long>(replicates)});
          }
          const auto rs = log10_stats(ratios);
          const auto ls = log10_stats(losses);
          ratio_csv.row({net, init, gain, static_cast<long long>(depth), std::pow(10.0, rs.mean), rs.mean,
                         rs.std, rs.min, rs.max, std::pow(10.0, ls.mean),
                         static_cast<long long>(replicates)});

          std::sort(pooled_log10.begin(), pooled_log10.end());
          std::sort(all_sv.begin(), all_sv.end());
          const double count = static_cast<double>(all_sv.size());
          const double m = std::accumulate(all_ln.begin(), all_ln.end(), 0.0) / count;
          double sq = 0.0;
          for (double ln : all_ln) sq += (ln - m) * (ln - m);
          const double sd = std::sqrt(sq / count);
          double theory = std::numeric_limits<double>::quiet_NaN();
          if (net == "linear")
            theory = static_cast<double>(depth) *
                     (init == "orthogonal" ? std::log(gain) : expected_mean_log_sv_per_layer(width, gain));
          spectrum_csv.row({net, init, gain, static_cast<long long>(depth), static_cast<long long>(spectra),
                            all_sv.back(), all_sv.front(), std::pow(10.0, quantile(pooled_log10, 0.5)), m, sd,
                            quantile(pooled_log10, 0.05), quantile(pooled_log10, 0.25),
                            quantile(pooled_log10, 0.5), quantile(pooled_log10, 0.75),
                            quantile(pooled_log10, 0.95), theory, static_cast<long long>(max_sweeps),
                            max_change});
          if (depth == max_depth)
            ex.note("ratio_first_last_depth" + std::to_string(depth) + "_" + net + "_" + init + "_gain" +
                        fmt(gain),
                    fmt(std::pow(10.0, rs.mean)));
        }
      }
    }
  }
  ex.note("jacobians_evaluated", std::to_string(jacobians));
  ex.note("check_orthogonal_linear_max_abs_ln_sv_minus_L_ln_gain", fmt(orthogonal_linear_sv_error));
  ex.note("check_orthogonal_linear_max_layer_norm_deviation", fmt(orthogonal_linear_layer_spread));
  ex.note("check_linear_max_abs_mean_ln_sv_minus_logdet_over_N", fmt(gaussian_linear_logdet_error));
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
