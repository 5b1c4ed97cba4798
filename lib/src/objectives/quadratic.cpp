#include "optdyn/objectives/quadratic.hpp"

#include <cmath>
#include <limits>
#include <utility>

#include "optdyn/core/error.hpp"
#include "optdyn/objectives/registry.hpp"

namespace optdyn {

Quadratic::Quadratic(Vec eigenvalues, Mat rotation, Vec minimizer, std::string spec)
    : eigenvalues_(std::move(eigenvalues)),
      diagonal_(rotation.size() == 0),
      rotation_(std::move(rotation)),
      minimizer_(std::move(minimizer)),
      spec_(std::move(spec)) {
  const Index d = eigenvalues_.size();
  if (d == 0) throw InputError("objective '" + spec_ + "': no eigenvalues");
  if (!diagonal_ && (rotation_.rows() != d || rotation_.cols() != d))
    throw InputError("objective '" + spec_ + "': rotation is not " + std::to_string(d) + "x" +
                     std::to_string(d));
  if (minimizer_.size() == 0) minimizer_ = Vec::Zero(d);
  if (minimizer_.size() != d)
    throw InputError("objective '" + spec_ + "': minimizer has the wrong length");
  if (!diagonal_) {
    matrix_ = rotation_ * eigenvalues_.asDiagonal() * rotation_.transpose();
    matrix_ = 0.5 * (matrix_ + matrix_.transpose()).eval();  // exactly symmetric
  }
}

Mat Quadratic::rotation() const { return diagonal_ ? Mat(Mat::Identity(dim(), dim())) : rotation_; }

Mat Quadratic::matrix() const { return diagonal_ ? Mat(eigenvalues_.asDiagonal()) : matrix_; }

Vec Quadratic::apply(const Vec& x) const {
  if (diagonal_) return eigenvalues_.cwiseProduct(x);
  return matrix_ * x;
}

// F = ½ eᵀAe, ∇F = Ae with e = θ − θ*.
double Quadratic::evaluate(const Vec& theta, Batch, Vec* gradient) const {
  const Vec e = theta - minimizer_;
  Vec ae = apply(e);
  const double f = 0.5 * e.dot(ae);
  if (gradient) *gradient = std::move(ae);
  return f;
}

void Quadratic::evaluate_hvp(const Vec&, Batch, const Vec& v, Vec& out) const { out = apply(v); }

Mat Quadratic::evaluate_hessian(const Vec&) const { return matrix(); }

namespace {

std::unique_ptr<Quadratic> build_quadratic(const QuadraticParams& p, std::string spec) {
  Vec lambda;
  if (!p.eigs.empty()) {
    lambda = Eigen::Map<const Vec>(p.eigs.data(), static_cast<Index>(p.eigs.size()));
  } else {
    const Index d = p.dim;
    const double kappa = p.kappa, lmax = p.lmax;
    const bool log_spacing = p.spacing == QuadraticParams::Spacing::log;
    lambda.resize(d);
    for (Index i = 0; i < d; ++i) {
      const double t = d == 1 ? 0.0 : static_cast<double>(i) / static_cast<double>(d - 1);
      lambda[i] = log_spacing ? lmax * std::pow(kappa, -t) : lmax - (lmax - lmax / kappa) * t;
    }
    lambda[0] = lmax;
    if (d > 1) lambda[d - 1] = lmax / kappa;
  }
  const Index d = lambda.size();
  if (p.rotate && d > 5000)
    throw InputError("objective 'quadratic': key 'rotate': dense rotation for dim " + std::to_string(d) +
                     " > 5000; use rotate=false");
  Mat q;
  if (p.rotate) {
    Rng rng = Rng::derived(p.seed, 1);
    q = haar_orthogonal(d, rng);
  }
  Vec minimizer = Vec::Zero(d);
  if (p.shift > 0) {
    Rng rng = Rng::derived(p.seed, 2);
    Vec z = rng.normal_vector(d);
    minimizer = p.shift * z / z.norm();
  }
  return std::make_unique<Quadratic>(std::move(lambda), std::move(q), std::move(minimizer), std::move(spec));
}

}  // namespace

const ParamTable<QuadraticParams>& QuadraticParams::table() {
  using P = QuadraticParams;
  constexpr double max = std::numeric_limits<double>::max();
  static const auto t =
      ParamTable<P>("objective", "quadratic",
                    "F = ½(θ−θ*)ᵀA(θ−θ*), A = Q diag(λ) Qᵀ with prescribed spectrum (closed-form Hessian)")
          .integer("dim", &P::dim, 1, 100000, "dimension D (ignored when eigs is given)")
          .real("kappa", &P::kappa, Range::closed(1.0, max), "condition number: λ runs from lmax down to lmax/kappa")
          .real("lmax", &P::lmax, Range::positive(), "largest eigenvalue")
          .choice("spacing", &P::spacing, {{"log", Spacing::log}, {"linear", Spacing::linear}},
                  "eigenvalue spacing between lmax and lmax/kappa")
          .reals("eigs", &P::eigs, '/',
                 "explicit eigenvalues, '/'-separated (e.g. 1/0.1/-0.5); overrides dim, kappa, lmax")
          .flag("rotate", &P::rotate, "Haar-random orthogonal eigenbasis Q (false: diagonal A)")
          .seed("seed", &P::seed, "seed of the rotation and of the minimiser direction")
          .real("shift", &P::shift, Range::closed(0.0, max), "norm of θ* (seeded random direction; 0: θ* = 0)");
  return t;
}

std::unique_ptr<Quadratic> make_quadratic(const QuadraticParams& params) {
  return make_typed_objective(params, build_quadratic);
}

RegistryEntry<ObjectivePtr> quadratic_entry() { return typed_objective_entry<QuadraticParams>(build_quadratic); }

}  // namespace optdyn
