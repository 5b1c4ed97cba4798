#include "optdyn/objectives/spherical_pspin.hpp"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "optdyn/core/error.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/objectives/registry.hpp"

namespace optdyn {
namespace {
constexpr double kMaxEntries = 1.3e8;  // 1.04 GB of doubles: N = 506 for p = 3, 106 for p = 4

double factorial(int k) {
  double f = 1;
  for (int i = 2; i <= k; ++i) f *= i;
  return f;
}
}  // namespace

SphericalPSpin::SphericalPSpin(Index n, int p, std::uint64_t seed, std::string spec)
    : n_(n), p_(p), spec_(std::move(spec)) {
  if (p_ < 2 || p_ > 4) throw InputError("objective 'spherical_pspin': key 'p': must be 2, 3 or 4");
  if (n_ < 2) throw InputError("objective 'spherical_pspin': key 'dim': must be >= 2");
  const double entries = std::pow(static_cast<double>(n_), p_);
  if (entries > kMaxEntries)
    throw InputError("objective 'spherical_pspin': key 'dim': dim^p = " +
                     std::to_string(static_cast<long long>(entries)) +
                     " tensor entries exceed the dense limit 1.3e8 (about 1 GB)");
  tensor_.setZero(static_cast<Index>(entries));
  const double scale = std::pow(static_cast<double>(n_), -0.5 * (p_ - 1));
  Rng rng = Rng::derived(seed, 1);

  // Enumerate multisets i_1 ≤ … ≤ i_p in lexicographic order; one N(0,1) each.
  std::vector<Index> t(p_, 0), perm(p_);
  while (true) {
    // Orbit size m = p! / Π (multiplicity)!.
    double denom = 1;
    for (int k = 0; k < p_;) {
      int run = 1;
      while (k + run < p_ && t[k + run] == t[k]) ++run;
      denom *= factorial(run);
      k += run;
    }
    const double m = factorial(p_) / denom;
    const double value = scale * rng.normal() / std::sqrt(m);
    perm = t;
    do {
      Index flat = 0;
      for (int k = p_ - 1; k >= 0; --k) flat = flat * n_ + perm[k];
      tensor_[flat] = value;
    } while (std::next_permutation(perm.begin(), perm.end()));
    // Next non-decreasing tuple.
    int k = p_ - 1;
    while (k >= 0 && t[k] == n_ - 1) --k;
    if (k < 0) break;
    ++t[k];
    for (int j = k + 1; j < p_; ++j) t[j] = t[k];
  }
}

Mat SphericalPSpin::contract_to_matrix(const Vec& sigma) const {
  // Contract the slowest index first: the tensor as an N^{k−1} × N matrix times σ.
  if (p_ == 2) {
    const Eigen::Map<const Mat> t(tensor_.data(), n_, n_);
    return 0.5 * (t + t.transpose());
  }
  Vec current = Eigen::Map<const Mat>(tensor_.data(), tensor_.size() / n_, n_) * sigma;
  for (int order = p_ - 1; order > 2; --order) {
    Vec next = Eigen::Map<const Mat>(current.data(), current.size() / n_, n_) * sigma;
    current = std::move(next);
  }
  const Eigen::Map<const Mat> m(current.data(), n_, n_);
  return 0.5 * (m + m.transpose());
}

Vec SphericalPSpin::on_sphere(const Vec& sigma) const {
  if (sigma.size() != n_)
    throw InputError("objective '" + spec_ + "': σ has length " + std::to_string(sigma.size()) +
                     ", expected " + std::to_string(n_));
  const double s = sigma.norm();
  if (!(s > 0)) throw InputError("objective '" + spec_ + "': σ = 0 has no direction");
  return std::sqrt(static_cast<double>(n_)) * sigma / s;
}

SphericalPSpin::Frame SphericalPSpin::frame(const Vec& v, bool scale_invariant) const {
  Frame f;
  if (scale_invariant) {
    f.s = v.norm();
    if (!(f.s > 0)) throw InputError("objective '" + spec_ + "': undefined at θ = 0 (scale-invariant)");
    f.r = std::sqrt(static_cast<double>(n_));
    f.u = v / f.s;
    f.x = f.r * f.u;
  } else {
    f.x = on_sphere(v);
    f.s = v.norm();
    f.r = std::sqrt(static_cast<double>(n_));
    f.u = f.x / f.x.norm();
  }
  f.m = contract_to_matrix(f.x);
  f.w = f.m * f.x;
  f.h = p_ * f.w;
  return f;
}

double SphericalPSpin::energy(const Vec& sigma) const {
  const Vec x = on_sphere(sigma);
  return x.dot(contract_to_matrix(x) * x);
}

Vec SphericalPSpin::euclidean_gradient(const Vec& sigma) const { return frame(sigma, false).h; }

Mat SphericalPSpin::euclidean_hessian(const Vec& sigma) const {
  return static_cast<double>(p_ * (p_ - 1)) * contract_to_matrix(on_sphere(sigma));
}

Vec SphericalPSpin::riemannian_gradient(const Vec& sigma) const {
  const Frame f = frame(sigma, false);
  return f.h - f.u * f.u.dot(f.h);
}

Mat SphericalPSpin::riemannian_hessian(const Vec& sigma) const {
  const Frame f = frame(sigma, false);
  const Mat k = static_cast<double>(p_ * (p_ - 1)) * f.m;
  const Mat proj = Mat::Identity(n_, n_) - f.u * f.u.transpose();
  Mat hess = proj * k * proj - (f.x.dot(f.h) / static_cast<double>(n_)) * proj;
  return 0.5 * (hess + hess.transpose());
}

Mat SphericalPSpin::tangent_hessian(const Vec& sigma) const {
  const Frame f = frame(sigma, false);
  const Mat k = static_cast<double>(p_ * (p_ - 1)) * f.m;
  // Columns 1..N−1 of the Householder Q of u span the tangent space u⊥.
  Mat u = f.u;
  Eigen::HouseholderQR<Mat> qr(u);
  const Mat q = qr.householderQ() * Mat::Identity(n_, n_);
  const Mat basis = q.rightCols(n_ - 1);
  Mat hess = basis.transpose() * k * basis;
  hess.diagonal().array() -= f.x.dot(f.h) / static_cast<double>(n_);
  return 0.5 * (hess + hess.transpose());
}

Mat SphericalPSpin::coupling_matrix() const {
  if (p_ != 2) return Mat();
  return Eigen::Map<const Mat>(tensor_.data(), n_, n_);
}

// F(θ) = H(rθ/s), ∇F = (r/s) P h.
double SphericalPSpin::evaluate(const Vec& theta, Batch, Vec* gradient) const {
  const Frame f = frame(theta, true);
  if (gradient) *gradient = (f.r / f.s) * (f.h - f.u * f.u.dot(f.h));
  return f.x.dot(f.w);
}

// ∇²F v = (r/s)² P K P v − (r/s²)[(u·v) P h + (Pv·h) u + (u·h) P v].
void SphericalPSpin::evaluate_hvp(const Vec& theta, Batch, const Vec& v, Vec& out) const {
  const Frame f = frame(theta, true);
  const Vec& u = f.u;
  const Vec ph = f.h - u * u.dot(f.h);
  const Vec pv = v - u * u.dot(v);
  Vec kpv = static_cast<double>(p_ * (p_ - 1)) * (f.m * pv);
  kpv -= u * u.dot(kpv);
  out = (f.r * f.r / (f.s * f.s)) * kpv - (f.r / (f.s * f.s)) * (u.dot(v) * ph + pv.dot(f.h) * u + u.dot(f.h) * pv);
}

Mat SphericalPSpin::evaluate_hessian(const Vec& theta) const {
  const Frame f = frame(theta, true);
  const Vec& u = f.u;
  const Vec ph = f.h - u * u.dot(f.h);
  const Mat proj = Mat::Identity(n_, n_) - u * u.transpose();
  const Mat k = static_cast<double>(p_ * (p_ - 1)) * f.m;
  Mat hess = (f.r * f.r / (f.s * f.s)) * (proj * k * proj) -
             (f.r / (f.s * f.s)) * (ph * u.transpose() + u * ph.transpose() + u.dot(f.h) * proj);
  return 0.5 * (hess + hess.transpose());
}

namespace {

std::unique_ptr<SphericalPSpin> build_spherical_pspin(const SphericalPSpinParams& p, std::string spec) {
  return std::make_unique<SphericalPSpin>(p.dim, static_cast<int>(p.p), p.seed, std::move(spec));
}

}  // namespace

const ParamTable<SphericalPSpinParams>& SphericalPSpinParams::table() {
  using P = SphericalPSpinParams;
  static const auto t =
      ParamTable<P>("objective", "spherical_pspin",
                    "spherical p-spin glass H(σ) = N^{−(p−1)/2} Σ J σ…σ on ‖σ‖² = N, as the scale-invariant "
                    "F(θ) = H(√N θ/‖θ‖)")
          .integer("dim", &P::dim, 2, 100000, "number of spins N (dense tensor: N^p <= 1.3e8, about 1 GB)")
          .integer("p", &P::p, 2, 4, "interaction order p (2, 3 or 4)")
          .seed("seed", &P::seed, "seed of the couplings J");
  return t;
}

std::unique_ptr<SphericalPSpin> make_spherical_pspin(const SphericalPSpinParams& params) {
  return make_typed_objective(params, build_spherical_pspin);
}

RegistryEntry<ObjectivePtr> spherical_pspin_entry() {
  return typed_objective_entry<SphericalPSpinParams>(build_spherical_pspin);
}

}  // namespace optdyn
