// Saxe, McClelland & Ganguli (2013) mode dynamics: see saxe_modes.hpp for the conventions.
#include "optdyn/analysis/saxe_modes.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <boost/math/tools/roots.hpp>

#include "optdyn/core/error.hpp"
#include "optdyn/core/random_orthogonal.hpp"
#include "optdyn/data/correlations.hpp"

namespace optdyn::analysis {
namespace {

void require(bool ok, const char* what) {
  if (!ok) throw std::invalid_argument(std::string("saxe_modes: ") + what);
}

// Logistic σ(x) = 1/(1 + e^{−x}) and its inverse x = ln(u/(s − u)) for u ∈ (0, s).
double logistic(double x) { return 1.0 / (1.0 + std::exp(-x)); }
double logit(double u, double s) { return std::log(u / (s - u)); }

// Solves g(x) = target for x, g increasing, starting from a point x0 with g(x0) ≤ target:
// doubles the step until the root is bracketed, then TOMS 748 to full precision.
template <class G>
double solve_increasing(G g, double x0, double target) {
  double lo = x0, step = 1.0, hi = x0 + step;
  while (g(hi) < target) {
    lo = hi;
    step *= 2.0;
    hi = lo + step;
    require(step < 1e6, "no bracket for the inverse (time beyond the representable range)");
  }
  std::uintmax_t iterations = 200;
  const auto root = boost::math::tools::toms748_solve([&](double x) { return g(x) - target; }, lo, hi,
                                                      boost::math::tools::eps_tolerance<double>(52), iterations);
  return 0.5 * (root.first + root.second);
}

}  // namespace

// --- convention map (saxe_modes.hpp) --------------------------------------------------------
double saxe_lambda(double lr, Index samples) { return lr / static_cast<double>(samples); }
double saxe_tau_iterations(double lr, Index samples) { return static_cast<double>(samples) / lr; }
double saxe_tau_flow(Index samples) { return static_cast<double>(samples); }

// --- correlations --------------------------------------------------------------------------
double SaxeModes::whitening_error() const {
  return (sigma11 - Mat::Identity(sigma11.rows(), sigma11.cols())).cwiseAbs().maxCoeff();
}

SaxeModes saxe_modes(const Dataset& data) {
  SaxeModes m;
  m.samples = data.size();
  m.sigma11 = input_correlation(data);           // Σ_i x_i x_iᵀ
  m.sigma31 = input_output_correlation(data);    // Σ_i y_i x_iᵀ
  Eigen::JacobiSVD<Mat> svd(m.sigma31, Eigen::ComputeThinU | Eigen::ComputeThinV);
  m.u = svd.matrixU();
  m.s = svd.singularValues();
  m.v = svd.matrixV();
  return m;
}

Mat network_product(const MlpLayout& layout, const Vec& theta) {
  if (layout.has_bias()) throw InputError("saxe_modes: the network has biases (deep linear nets have none)");
  if (theta.size() != layout.size()) throw InputError("saxe_modes: θ has the wrong length for the layout");
  Mat product = layout.weight(theta, 0);
  for (Index l = 1; l < layout.num_layers(); ++l) product = layout.weight(theta, l) * product;
  return product;
}

Vec mode_strengths(const SaxeModes& modes, const Mat& product) {
  // u_α = u_αᵀ P v_α, the diagonal of Uᵀ P V.
  return (modes.u.transpose() * product * modes.v).diagonal();
}

Vec mode_strengths(const SaxeModes& modes, const MlpLayout& layout, const Vec& theta) {
  return mode_strengths(modes, network_product(layout, theta));
}

Vec effective_small_init_strengths(const SaxeModes& modes, const MlpLayout& layout, const Vec& theta) {
  if (layout.num_layers() != 2) throw InputError("saxe_modes: effective strengths need exactly two layers");
  const Mat w1 = layout.weight(theta, 0), w2 = layout.weight(theta, 1);
  const Mat a = w2.transpose() * modes.u;  // column α: a_α = W₂ᵀ u_α
  const Mat b = w1 * modes.v;              // column α: b_α = W₁ v_α
  return (0.5 * (a + b)).colwise().squaredNorm().transpose();  // ‖(a + b)/2‖²
}

// --- two layers ------------------------------------------------------------------------------
double two_layer_mode(double s, double u0, double t, double tau) {
  require(s > 0 && u0 > 0 && tau > 0, "two_layer_mode needs s, u0, tau > 0");
  // u(t) = s e^{2st/τ}/(e^{2st/τ} − 1 + s/u₀)  (Saxe et al. 2013, eq. 8)
  return s / (1.0 + (s / u0 - 1.0) * std::exp(-2.0 * s * t / tau));
}

double two_layer_learning_time(double s, double u0, double uf, double tau) {
  require(s > 0 && u0 > 0 && uf > 0 && tau > 0, "two_layer_learning_time needs positive s, u0, uf, tau");
  require((u0 - s) * (uf - s) > 0, "two_layer_learning_time: u0 and uf must lie on the same side of s");
  // t = (τ/2s) ln[u_f(s − u₀)/(u₀(s − u_f))]  (Saxe et al. 2013, eq. 9)
  return tau / (2.0 * s) * std::log(uf * (s - u0) / (u0 * (s - uf)));
}

// --- depth -----------------------------------------------------------------------------------
double deep_mode_rate(double s, double u, int layers, double tau) {
  require(layers >= 1 && tau > 0, "deep_mode_rate needs layers >= 1, tau > 0");
  // τu̇ = (N_l − 1) u^{2 − 2/(N_l − 1)} (s − u), L = N_l − 1  (Saxe et al. 2013, eq. 14)
  const double L = layers;
  return L * std::pow(u, 2.0 - 2.0 / L) * (s - u) / tau;
}

namespace {
// t from logit coordinate x0 to x: (τ/(Ls)) ∫_{x0}^{x} (s σ(ξ))^{2/L − 1} dξ.
double deep_time_between(double s, double x0, double x, int layers, double tau) {
  const double L = layers, p = 2.0 / L - 1.0;
  const auto integrand = [&](double xi) { return std::pow(s * logistic(xi), p); };
  const double integral =
      boost::math::quadrature::gauss_kronrod<double, 61>::integrate(integrand, x0, x, 15, 1e-14);
  return tau / (L * s) * integral;
}
}  // namespace

double deep_learning_time(double s, double u0, double uf, int layers, double tau) {
  require(layers >= 1 && tau > 0 && s > 0, "deep_learning_time needs layers >= 1, s, tau > 0");
  require(u0 > 0 && u0 < s && uf > 0 && uf < s, "deep_learning_time needs 0 < u0, uf < s");
  return deep_time_between(s, logit(u0, s), logit(uf, s), layers, tau);
}

double deep_mode(double s, double u0, double t, int layers, double tau) {
  require(t >= 0, "deep_mode needs t >= 0");
  require(layers >= 1 && tau > 0 && s > 0 && u0 > 0 && u0 < s, "deep_mode needs layers >= 1, 0 < u0 < s, tau > 0");
  if (t == 0) return u0;
  const double x0 = logit(u0, s);
  const double x = solve_increasing([&](double xi) { return deep_time_between(s, x0, xi, layers, tau); }, x0, t);
  return s * logistic(x);
}

double infinite_depth_learning_time(double s, double u0, double uf, double depth_nl, double tau) {
  require(s > 0 && tau > 0 && depth_nl > 0, "infinite_depth_learning_time needs s, tau, N_l > 0");
  require(u0 > 0 && u0 < s && uf > 0 && uf < s, "infinite_depth_learning_time needs 0 < u0, uf < s");
  // t = (τ/N_l)[(1/s²) ln(u(s − u₀)/(u₀(s − u))) + (1/s)(1/u₀ − 1/u)]  (τu̇ = N_l u²(s − u), derived in the header)
  return tau / depth_nl * (std::log(uf * (s - u0) / (u0 * (s - uf))) / (s * s) + (1.0 / u0 - 1.0 / uf) / s);
}

double infinite_depth_mode(double s, double u0, double t, double depth_nl, double tau) {
  require(t >= 0, "infinite_depth_mode needs t >= 0");
  require(s > 0 && tau > 0 && depth_nl > 0 && u0 > 0 && u0 < s, "infinite_depth_mode needs 0 < u0 < s");
  if (t == 0) return u0;
  const double x0 = logit(u0, s);
  const double x = solve_increasing(
      [&](double xi) { return infinite_depth_learning_time(s, u0, s * logistic(xi), depth_nl, tau); }, x0, t);
  return s * logistic(x);
}

// --- decoupled initialisation -------------------------------------------------------------------
Vec decoupled_initial_point(const SaxeModes& modes, const MlpLayout& layout, const Vec& u0, Rng* rng) {
  const std::vector<Index>& w = layout.widths();
  const Index L = layout.num_layers(), m = u0.size();
  if (layout.has_bias()) throw InputError("decoupled init: the network has biases (deep linear nets have none)");
  if (w.front() != modes.v.rows() || w.back() != modes.u.rows())
    throw InputError("decoupled init: key 'widths': input/output widths do not match the data");
  if (m > modes.s.size()) throw InputError("decoupled init: more mode strengths than modes");
  for (Index width : w)
    if (m > width) throw InputError("decoupled init: key 'widths': a layer is narrower than the number of modes");
  if (m > 0 && u0.minCoeff() < 0.0) throw InputError("decoupled init: mode strengths must be >= 0");

  // D = diag(u₀^{1/L}): every layer carries the same a_α (balanced).
  Vec d(m);
  for (Index a = 0; a < m; ++a) d(a) = std::pow(u0(a), 1.0 / static_cast<double>(L));
  // R_l for the hidden layers l = 1..L−1 (w_l × m, orthonormal columns).
  std::vector<Mat> r(static_cast<std::size_t>(L));
  for (Index l = 1; l < L; ++l)
    r[static_cast<std::size_t>(l)] = rng ? haar_orthogonal(w[static_cast<std::size_t>(l)], m, *rng)
                                         : Mat(Mat::Identity(w[static_cast<std::size_t>(l)], m));
  const Mat vm = modes.v.leftCols(m), um = modes.u.leftCols(m);

  Vec theta = Vec::Zero(layout.size());
  for (Index l = 0; l < L; ++l) {
    const Mat& out = l + 1 == L ? um : r[static_cast<std::size_t>(l + 1)];  // left factor
    const Mat& in = l == 0 ? vm : r[static_cast<std::size_t>(l)];           // right factor
    const Mat weight = out * d.asDiagonal() * in.transpose();               // W = (out) D (in)ᵀ
    Eigen::Map<RowMat>(theta.data() + layout.weight_offset(l), weight.rows(), weight.cols()) = weight;
  }
  return theta;
}

}  // namespace optdyn::analysis
