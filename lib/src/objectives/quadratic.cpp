#include "optdyn/objectives/quadratic.hpp"

#include <cmath>
#include <limits>
#include <utility>

#include "optdyn/core/error.hpp"

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

RegistryEntry<ObjectivePtr> quadratic_entry() {
  return {
      "quadratic",
      "F = ½(θ−θ*)ᵀA(θ−θ*), A = Q diag(λ) Qᵀ with prescribed spectrum (closed-form Hessian)",
      {
          {"dim", "10", "dimension D (ignored when eigs is given)"},
          {"kappa", "10", "condition number: λ runs from lmax down to lmax/kappa"},
          {"lmax", "1", "largest eigenvalue"},
          {"spacing", "log", "eigenvalue spacing between lmax and lmax/kappa: log|linear"},
          {"eigs", "", "explicit eigenvalues, '/'-separated (e.g. 1/0.1/-0.5); overrides dim, kappa, lmax"},
          {"rotate", "true", "Haar-random orthogonal eigenbasis Q (false: diagonal A)"},
          {"seed", "0", "seed of the rotation and of the minimiser direction"},
          {"shift", "0", "norm of θ* (seeded random direction; 0: θ* = 0)"},
      },
      [](const Spec& spec) -> ObjectivePtr {
        Vec lambda;
        if (spec.has("eigs")) {
          const std::vector<double> eigs = spec.real_list("eigs", '/');
          lambda = Eigen::Map<const Vec>(eigs.data(), static_cast<Index>(eigs.size()));
        } else {
          const Index d = spec.integer("dim", 1, 100000);
          const double kappa = spec.real("kappa", 1.0, std::numeric_limits<double>::max());
          const double lmax = spec.positive("lmax");
          const bool log_spacing = spec.choice("spacing", {"log", "linear"}) == "log";
          lambda.resize(d);
          for (Index i = 0; i < d; ++i) {
            const double t = d == 1 ? 0.0 : static_cast<double>(i) / static_cast<double>(d - 1);
            lambda[i] = log_spacing ? lmax * std::pow(kappa, -t) : lmax - (lmax - lmax / kappa) * t;
          }
          lambda[0] = lmax;
          if (d > 1) lambda[d - 1] = lmax / kappa;
        }
        const Index d = lambda.size();
        const bool rotate = spec.boolean("rotate");
        const std::uint64_t seed = spec.seed("seed");
        const double shift = spec.real("shift", 0.0, std::numeric_limits<double>::max());
        if (rotate && d > 5000)
          throw InputError("objective 'quadratic': key 'rotate': dense rotation for dim " +
                           std::to_string(d) + " > 5000; use rotate=false");
        Mat q;
        if (rotate) {
          Rng rng = Rng::derived(seed, 1);
          q = haar_orthogonal(d, rng);
        }
        Vec minimizer = Vec::Zero(d);
        if (shift > 0) {
          Rng rng = Rng::derived(seed, 2);
          Vec z = rng.normal_vector(d);
          minimizer = shift * z / z.norm();
        }
        return std::make_unique<Quadratic>(std::move(lambda), std::move(q), std::move(minimizer),
                                           spec.canonical());
      },
  };
}

}  // namespace optdyn
