// saxe_depth — learning time against depth under Saxe, McClelland & Ganguli's protocol
// (2013, arXiv:1312.6120 §3–4: the learning rate chosen per depth, random orthogonal vs
// scaled Gaussian initial weights), and tanh beside linear and analytic mode dynamics.
// Why saxe_modes' panel (d) is not depth independent: papers/README.md "saxe_depth".
//
// Part 1 (depth_lr_scan.csv, depth_learning_time.csv). Fashion-MNIST (the paper used MNIST,
// not in this project): the first `samples` training images, centred, projected onto their
// top `pcs` principal components and whitened (z = Λ^{-1/2}Eᵀ(x − x̄), so (1/n)Σ z zᵀ = I);
// one-hot targets y. With whitened inputs the mean squared loss is, up to a constant,
//   (1/n)Σ ½‖W z_i − y_i‖² = ½‖W − C‖_F² + const,  C = (1/n)Σ y_i z_iᵀ  (10 × pcs)
// (Saxe et al. eq. 2 with Σ¹¹ = I), so the network is trained on the equivalent data set of
// P = pcs samples x_j = e_j, y_j = c·C e_j: Saxe's summed Σ¹¹ = I and Σ³¹ = c·C exactly, and
// E = Σ_j ½‖W x_j − y_j‖² = ½‖W − c·C‖_F². c is chosen so that the target map's largest
// singular value is s_max = `target_scales` (1: the scale of an orthogonal initial map; 30:
// the scale of Saxe's hierarchical data against unit-scale weights, where saxe_modes' (d)
// ran). deep_linear nets pcs–hidden–…–10 with L = `depths` weight matrices (N_l = L + 1).
// Initial weights: random orthogonal (gain 1), scaled Gaussian (σ = 1/√fan_in), and Saxe's
// decoupled balanced init (analysis/saxe_modes.hpp) with u₀_α = `decoupled_u0`·s_α.
// Learning time: GD iterations until E ≤ criterion·E(0), E(0) = ½‖c·C‖² the loss of the zero
// map. Two step protocols, in Saxe's λ (step on the summed E; the gd step on the mean loss
// is η = λP):
//   grid:   the fewest iterations over λ = λ_scaled·2^e, grid_top − lr_grid < e ≤ grid_top
//           (the paper's optimal learning rate per depth, searched around the scaled step
//           below: from it upwards while runs succeed, then downwards while they improve),
//           stopped once a stable rate misses the cap or needs twice the best time;
//   scaled: one run at λ = scaled_c/(L s_max^{2−2/L}), the inverse curvature of the loss at
//           the solution along the balanced direction of the strongest mode
//           (∂²E/∂a² summed over the L layers at a_l = s^{1/L}: L s^{2−2/L}; doc/references.md).
// For the decoupled init the analytic time is that of the mode ODE
//   τ u̇ = L u^{2−2/L}(s − u)  (Saxe et al. eq. 14, τ = 1/λ):
// the first t with ½Σ_α(s_α − u_α(t))² ≤ criterion·E(0), at the best grid λ.
//
// Part 2 (tanh_modes.csv). Saxe's hierarchical data (make_hierarchical), one hidden layer,
// small random Gaussian weights (gain `random_gain`): mode strengths u_α = u_αᵀ Ŷ v_α of the
// input–output map Ŷ (outputs on the one-hot items, = W₂W₁ for the linear net) under GD at
// Saxe's λ, for the linear net, the same net with tanh hidden units from the same θ₀, and
// the analytic u(t) = s e^{2st/τ}/(e^{2st/τ} − 1 + s/u₀) from the effective u₀
// (saxe_modes.hpp) — the "analytic vs linear vs tanh" comparison of Saxe et al. Fig. 3.
//
// Randomness: the weights of job (scale i, init j, depth d) from
// Rng::derived(Rng::derived(seed, 1 + j).bits(), d) (the same nets at every target scale and
// every learning rate; orthogonal hidden bases of the decoupled init included); part 2's
// weights from Rng::derived(seed, 100).
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Eigenvalues>

#include "harness/experiment.hpp"
#include "harness/job_table.hpp"
#include "optdyn/analysis/saxe_modes.hpp"
#include "optdyn/analysis/time_to_criterion.hpp"
#include "optdyn/core/error.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/core/text.hpp"
#include "optdyn/objectives/deep_linear.hpp"
#include "optdyn/objectives/initial_point.hpp"
#include "optdyn/objectives/mlp.hpp"
#include "optdyn/objectives/training_data.hpp"
#include "optdyn/optimizers/gd.hpp"
#include "optdyn/optimizers/oracle.hpp"

namespace {

using namespace optdyn;
using namespace optdyn::analysis;
using harness::CsvWriter;
using harness::Experiment;
using harness::JobResult;

const std::string kPrefix = "experiment 'saxe_depth': ";
constexpr const char* kScanCsv = "depth_lr_scan.csv";
constexpr const char* kBestCsv = "depth_learning_time.csv";
const std::vector<std::string> kInits = {"orthogonal", "gaussian", "decoupled"};

struct Settings {
  long samples = 1000;
  long pcs = 16;
  long hidden = 16;
  std::vector<long> depths;
  std::vector<double> target_scales;
  long grid_top = 2;
  long lr_grid = 8;
  double scaled_c = 1.0;
  double criterion = 1e-2;
  long max_steps = 2000;
  double decoupled_u0 = 0.1;
  int levels = 5;
  long features = 200;
  long tanh_hidden = 32;
  double tanh_lr = 0.016;
  double random_gain = 1.4e-3;
  long tanh_steps = 1500;
  long record_every = 10;
};

// A '-'-separated list of positive reals (InputError naming the key otherwise).
std::vector<double> positive_list(const Spec& p, const std::string& key) {
  std::vector<double> out = p.real_list(key, '-');
  for (double v : out)
    if (!(v > 0.0)) throw InputError(kPrefix + "key '" + key + "': every entry must be positive");
  return out;
}

Settings read_settings(const Spec& p) {
  Settings s;
  s.samples = p.integer("samples", 20, 60000);
  s.pcs = p.integer("pcs", 10, 784);
  s.hidden = p.integer("hidden", 10, 4096);
  s.depths = p.integer_list("depths", '-', 2, 256);
  s.target_scales = positive_list(p, "target_scales");
  s.grid_top = p.integer("grid_top", -64, 64);
  s.lr_grid = p.integer("lr_grid", 1, 64);
  s.scaled_c = p.positive("scaled_c");
  s.criterion = p.real("criterion", 1e-12, 0.5);
  s.max_steps = p.integer("max_steps", 1, 100'000'000);
  s.decoupled_u0 = p.real_above("decoupled_u0", 0.0, 0.5);
  s.levels = static_cast<int>(p.integer("levels", 1, 12));
  s.features = p.integer("features", 1, 100000);
  s.tanh_hidden = p.integer("tanh_hidden", 1, 4096);
  s.tanh_lr = p.positive("tanh_lr");
  s.random_gain = p.positive("random_gain");
  s.tanh_steps = p.integer("tanh_steps", 1, 10'000'000);
  s.record_every = p.integer("record_every", 1, 1L << 30);
  if (s.pcs > s.samples) throw InputError(kPrefix + "key 'pcs': more principal components than samples");
  return s;
}

// --- part 1: the whitened Fashion-MNIST regression ---------------------------------------------
// C = (1/n)Σ y_i z_iᵀ for the whitened top-`pcs` principal components z_i (10 × pcs).
Mat whitened_target_map(const Settings& s) {
  DataParams p;
  p.source = DataSource::fashion_mnist;
  p.n = s.samples;
  p.centre = true;
  const Dataset raw = make_dataset(p, 784, 10, "experiment 'saxe_depth'");
  const double n = static_cast<double>(raw.size());
  const Mat cov = raw.inputs * raw.inputs.transpose() / n;  // (1/n)Σ x xᵀ of centred x
  const Eigen::SelfAdjointEigenSolver<Mat> eig(cov);          // ascending eigenvalues
  const Index d = s.pcs, dim = cov.rows();
  if (!(eig.eigenvalues()(dim - d) > 1e-10 * eig.eigenvalues()(dim - 1)))
    throw InputError(kPrefix + "key 'pcs': the covariance has fewer than " + std::to_string(d) + " nonzero eigenvalues");
  // z = Λ^{-1/2} Eᵀ x over the top d eigenpairs (PCA whitening: (1/n)Σ z zᵀ = I_d).
  const Mat e = eig.eigenvectors().rightCols(d);
  const Vec inv_sqrt = eig.eigenvalues().tail(d).cwiseSqrt().cwiseInverse();
  const Mat z = inv_sqrt.asDiagonal() * (e.transpose() * raw.inputs);
  return raw.targets * z.transpose() / n;
}

// The equivalent data set of P = pcs samples x_j = e_j, y_j = c·C e_j (E = ½‖W − cC‖²).
Dataset equivalent_dataset(const Mat& target_map, double s_max) {
  Eigen::JacobiSVD<Mat> svd(target_map);
  Dataset d;
  d.inputs = Mat::Identity(target_map.cols(), target_map.cols());
  d.targets = (s_max / svd.singularValues()(0)) * target_map;
  d.description = "whitened fashion-mnist target map, s_max " + format_number(s_max);
  return d;
}

std::unique_ptr<Mlp> deep_net(const Dataset& data, long hidden, long depth) {
  MlpArchitecture a;
  a.widths = {data.input_dim()};
  for (long l = 1; l < depth; ++l) a.widths.push_back(hidden);
  a.widths.push_back(data.output_dim());
  a.activation = Activation::linear;
  a.loss = MlpLoss::mse;
  a.bias = false;
  a.sparse_input = false;
  return std::make_unique<Mlp>(a, data, "deep_linear (saxe_depth)");
}

Vec initial_weights(const std::string& init, const Mlp& f, const SaxeModes& m, const Settings& s, Rng& rng) {
  if (init == "decoupled") {
    Rng bases = Rng::derived(rng.bits(), 0);
    return decoupled_initial_point(m, f.layout(), s.decoupled_u0 * m.s, &bases);
  }
  return initial_point(InitParams{.scheme = parse_init_scheme(init), .gain = 1, .seed = rng.bits() >> 11}, f);
}

// Flow time (in units of τ = 1/λ = 1) for the decoupled modes to bring E = ½Σ(s − u)² to
// `target`: bisection on the monotone E(t) with u_α(t) from the mode ODE (deep_mode).
double analytic_criterion_time(const SaxeModes& m, double u0_fraction, int depth, double target) {
  const auto loss = [&](double t) {
    double e = 0.0;
    for (Index a = 0; a < m.s.size(); ++a) {
      if (m.s(a) <= 1e-12 * m.s(0)) continue;  // a null mode (one-hot targets, centred z): s = u = 0
      const double u = deep_mode(m.s(a), u0_fraction * m.s(a), t, depth, 1.0);
      e += 0.5 * (m.s(a) - u) * (m.s(a) - u);
    }
    return e;
  };
  double lo = 0.0, hi = 1.0;
  while (loss(hi) > target) hi *= 2.0;
  for (int it = 0; it < 200 && hi - lo > 1e-10 * hi; ++it) {
    const double mid = 0.5 * (lo + hi);
    (loss(mid) > target ? lo : hi) = mid;
  }
  return hi;
}

// One job: the λ grid and the scaled λ for (target scale, init, depth).
void depth_job(const Settings& s, const Mat& target_map, std::size_t i, std::size_t j, std::size_t d,
               std::uint64_t seed, JobResult& out) {
  const double s_max = s.target_scales[i];
  const long L = s.depths[d];
  const std::string& init = kInits[j];
  const std::unique_ptr<Mlp> f = deep_net(equivalent_dataset(target_map, s_max), s.hidden, L);
  const SaxeModes m = saxe_modes(f->data());
  const double P = static_cast<double>(m.samples);
  Rng rng = Rng::derived(Rng::derived(seed, 1 + j).bits(), d);
  const Vec theta0 = initial_weights(init, *f, m, s, rng);
  const double e_zero = 0.5 * m.s.squaredNorm();  // E of the zero map = ½‖cC‖²
  const double target = s.criterion * e_zero / P;  // on the mean loss F = E/P

  // λ = c/(L s_max^{2−2/L}): the inverse curvature at the solution (header comment).
  const double scaled_lambda = s.scaled_c / (static_cast<double>(L) * std::pow(s_max, 2.0 - 2.0 / static_cast<double>(L)));
  long best_steps = -1;
  double best_lambda = std::numeric_limits<double>::quiet_NaN();
  std::optional<CriterionRun> scaled;  // the run at λ_scaled with the full cap
  // One grid point λ = λ_scaled·2^e: its run (rows into depth_lr_scan.csv, best updated).
  const auto try_rate = [&](long e) {
    const double lambda = scaled_lambda * std::pow(2.0, static_cast<double>(e));
    const long cap = best_steps > 0 ? std::min(s.max_steps, 2 * best_steps) : s.max_steps;
    const CriterionRun r = gd_time_to_criterion(*f, theta0, lambda * P, target, cap);  // η = λP
    if (e == 0 && cap == s.max_steps) scaled = r;
    out.row(kScanCsv, {s_max, init, static_cast<long long>(L), lambda, static_cast<long long>(r.steps),
                       static_cast<long long>(r.diverged), r.final_loss * P});
    if (r.steps >= 0 && (best_steps < 0 || r.steps < best_steps)) best_steps = r.steps, best_lambda = lambda;
    return r;
  };
  // From the scaled rate up to 2^grid_top times it while runs reach the criterion, then
  // down. A miss is a stable run that did not reach the criterion within its cap (twice the
  // best time once there is one: smaller rates are slower still, so one miss ends the walk;
  // before a success two in a row do). Diverged runs are skipped over.
  const long lowest = s.grid_top - s.lr_grid + 1, start = std::max(lowest, std::min(0L, s.grid_top));
  int misses = 0;
  for (long e = start; e >= lowest; --e) {
    const CriterionRun r = try_rate(e);
    if (r.steps >= 0 && e == start)
      for (long up = e + 1; up <= s.grid_top && try_rate(up).steps >= 0;) ++up;
    misses = r.steps < 0 && !r.diverged ? misses + 1 : 0;
    if (misses >= (best_steps >= 0 ? 1 : 2)) break;
  }
  if (!scaled) scaled = gd_time_to_criterion(*f, theta0, scaled_lambda * P, target, s.max_steps);
  double analytic = std::numeric_limits<double>::quiet_NaN();
  if (init == "decoupled" && best_steps > 0)  // flow time t (τ = 1) in iterations of step λ: t/λ
    analytic = analytic_criterion_time(m, s.decoupled_u0, static_cast<int>(L), s.criterion * e_zero) / best_lambda;
  out.row(kBestCsv, {s_max, init, static_cast<long long>(L), best_lambda, static_cast<long long>(best_steps),
                     analytic, scaled_lambda, static_cast<long long>(scaled->steps),
                     static_cast<long long>(scaled->diverged), f->value(theta0) * P, s.criterion * e_zero});
}

void part_one(Experiment& ex, const Settings& s, const Mat& target_map) {
  const Eigen::JacobiSVD<Mat> svd(target_map);
  const Vec sv = svd.singularValues();
  CsvWriter& spectrum = ex.csv("target_spectrum.csv", {"mode", "s_raw", "s_over_smax"});
  for (Index a = 0; a < sv.size(); ++a) spectrum.row({static_cast<long long>(a), sv(a), sv(a) / sv(0)});
  ex.note("target_map_s_max_raw", format_number(sv(0)));
  Index rank = 0;  // one-hot targets against centred inputs: rank ≤ 9 (Σ_k y_k = 1, z̄ = 0)
  while (rank < sv.size() && sv(rank) > 1e-12 * sv(0)) ++rank;
  ex.note("target_map_rank", std::to_string(rank));
  ex.note("target_map_smax_over_smin_nonzero", format_number(sv(0) / sv(rank - 1)));

  ex.csv(kScanCsv, {"s_max", "init", "depth", "lambda", "steps", "diverged", "final_loss"});
  ex.csv(kBestCsv, {"s_max", "init", "depth", "best_lambda", "steps", "analytic_steps", "scaled_lambda",
                    "scaled_steps", "scaled_diverged", "initial_loss", "target_loss"});
  harness::SweepAxes axes;
  axes.add_grid("scale_index", "range:0:" + std::to_string(s.target_scales.size() - 1));
  axes.add_grid("init", "range:0:" + std::to_string(kInits.size() - 1));
  axes.add_grid("depth_index", "range:0:" + std::to_string(s.depths.size() - 1));
  const harness::JobTable table(axes, ex.seed());
  ex.add_results(ex.run_jobs(table, [&](const harness::Job& job, JobResult& out) {
    depth_job(s, target_map, std::stoul(job.value("scale_index")), std::stoul(job.value("init")),
              std::stoul(job.value("depth_index")), ex.seed(), out);
  }));
}

// --- part 2: analytic vs linear vs tanh on hierarchical data ------------------------------------
std::unique_ptr<Mlp> hierarchical_net(const Settings& s, Activation act) {
  MlpParams p;
  p.widths = {1L << s.levels, s.tanh_hidden, s.features};
  p.act = act;
  p.loss = MlpLoss::mse;
  p.bias = false;
  p.data = DataParams{.source = DataSource::hierarchical, .n = 1L << s.levels, .levels = s.levels,
                      .features = s.features};
  return make_mlp(p);
}

// u_α = u_αᵀ Ŷ v_α with Ŷ the outputs on the one-hot items (Σ¹¹ = I: the input–output map).
Vec map_mode_strengths(const Mlp& f, const SaxeModes& m, const Vec& theta) {
  return (m.u.transpose() * f.predict(theta, f.data().inputs) * m.v).diagonal();
}

void part_two(Experiment& ex, const Settings& s) {
  const std::unique_ptr<Mlp> linear = hierarchical_net(s, Activation::linear);
  const std::unique_ptr<Mlp> tanh_net = hierarchical_net(s, Activation::tanh);
  const SaxeModes m = saxe_modes(linear->data());
  const Index modes = std::min<Index>(m.s.size(), s.tanh_hidden);
  const Vec theta0 = initial_point(
      InitParams{.scheme = InitParams::Scheme::gaussian, .gain = s.random_gain,
                 .seed = Rng::derived(ex.seed(), 100).bits() >> 11},
      *linear);
  const Vec u0 = effective_small_init_strengths(m, linear->layout(), theta0);
  const double tau = saxe_tau_iterations(s.tanh_lr, m.samples);  // τ = P/η
  ex.note("tanh_tau_iterations", format_number(tau));
  CsvWriter& csv = ex.csv("tanh_modes.csv", {"net", "t", "mode", "s", "u"});
  std::vector<std::pair<std::string, const Mlp*>> nets = {{"linear", linear.get()}, {"tanh", tanh_net.get()}};
  for (const auto& [name, f] : nets) {
    OptimizerPtr gd = make_gd({.lr = s.tanh_lr});
    gd->reset(f->dim());
    ObjectiveOracle oracle(*f);
    Vec theta = theta0;
    for (long k = 0; k <= s.tanh_steps; ++k) {
      if (k > 0) gd->step(theta, oracle);
      if (k % s.record_every != 0) continue;
      const Vec u = map_mode_strengths(*f, m, theta);
      for (Index a = 0; a < modes; ++a) {
        csv.row({name, static_cast<long long>(k), static_cast<long long>(a), m.s(a), u(a)});
        if (name == "linear")  // the analytic curve on the same grid, once
          csv.row({std::string("analytic"), static_cast<long long>(k), static_cast<long long>(a), m.s(a),
                   two_layer_mode(m.s(a), u0(a), static_cast<double>(k), tau)});
      }
    }
  }
}

void body(Experiment& ex) {
  const Settings s = read_settings(ex.params());
  const Mat target_map = whitened_target_map(s);  // reads the data before any file is written
  part_two(ex, s);
  part_one(ex, s, target_map);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<optdyn::harness::ExperimentParam> params = {
      {"samples", "1000", "10000", "Fashion-MNIST training images (first n)"},
      {"pcs", "16", "32", "principal components kept and whitened (the input width)"},
      {"hidden", "16", "32", "hidden width of the deep linear nets"},
      {"depths", "2-8-32", "2-3-4-6-8-12-16-24-32-48-64", "depths L (weight matrices; Saxe's N_l = L + 1)"},
      {"target_scales", "1-30", "1-30", "largest singular value of the target map (list a-b)"},
      {"grid_top", "2", "3", "grid: λ = λ_scaled·2^e, e ≤ grid_top (Saxe's step on the summed loss)"},
      {"lr_grid", "6", "8", "grid: number of exponents e (grid_top-lr_grid < e <= grid_top)"},
      {"scaled_c", "1", "1", "scaled protocol: λ = scaled_c/(L s_max^(2-2/L))"},
      {"criterion", "1e-2", "1e-2", "learning time: iterations to E <= criterion·E(zero map)"},
      {"max_steps", "300", "5000", "iteration cap per run"},
      {"decoupled_u0", "0.1", "0.1", "decoupled init: u0 = this × s per mode"},
      {"levels", "5", "5", "tanh part: hierarchical tree levels (2^levels items)"},
      {"features", "200", "1000", "tanh part: features per item (Saxe: 1000)"},
      {"tanh_hidden", "32", "32", "tanh part: hidden width"},
      {"tanh_lr", "0.016", "0.016", "tanh part: GD step on the mean loss (Saxe's λ = this/P)"},
      {"random_gain", "1.4e-3", "1.4e-3", "tanh part: gain of the small random Gaussian init"},
      {"tanh_steps", "1500", "3000", "tanh part: GD iterations"},
      {"record_every", "25", "5", "tanh part: record every this many iterations"},
  };
  return optdyn::harness::run_experiment(
      argc, argv,
      {"saxe_depth",
       "Saxe et al. 2013 depth experiment: GD iterations to criterion vs depth (best λ per depth and "
       "λ ∝ 1/(L s^(2-2/L))) for random orthogonal, scaled Gaussian and decoupled init on whitened "
       "Fashion-MNIST at two target scales, with the analytic time; analytic vs linear vs tanh mode dynamics",
       params},
      body);
}
