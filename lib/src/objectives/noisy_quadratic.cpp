// The noisy quadratic model f_i(θ) = ½(θ − θ* − s_i)ᵀA(θ − θ* − s_i); see noisy_quadratic.hpp.
// Over a batch B (e = θ − θ*, s̄_B the batch mean of the shifts, c_i = s_iᵀAs_i):
//   F_B(θ) = ½eᵀAe − eᵀA s̄_B + ½ mean_{i∈B} c_i,   ∇F_B = A(e − s̄_B),   ∇²F_B = A.
// Sums over the batch run serially in batch order (deterministic for any thread count).
#include "optdyn/objectives/noisy_quadratic.hpp"

#include <limits>
#include <utility>

#include "optdyn/core/budget.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/objectives/registry.hpp"

namespace optdyn {

NoisyQuadratic::NoisyQuadratic(std::unique_ptr<Quadratic> quadratic, Mat shifts, std::string spec)
    : quadratic_(std::move(quadratic)), shifts_(std::move(shifts)), a_(quadratic_->matrix()), spec_(std::move(spec)) {
  curvature_ = (shifts_.transpose() * a_ * shifts_).diagonal();
}

Mat NoisyQuadratic::gradient_covariance() const {
  const Mat s = shifts_ * shifts_.transpose() / static_cast<double>(num_samples());  // S
  return a_ * s * a_;
}

double NoisyQuadratic::evaluate(const Vec& theta, Batch batch, Vec* gradient) const {
  const Vec e = theta - quadratic_->minimizer();
  Vec mean_shift = Vec::Zero(dim());
  double mean_c = 0.0;
  const Index size = batch.empty() ? num_samples() : static_cast<Index>(batch.size());
  for (Index k = 0; k < size; ++k) {
    const Index i = batch.empty() ? k : batch[static_cast<std::size_t>(k)];
    mean_shift += shifts_.col(i);
    mean_c += curvature_[i];
  }
  mean_shift /= static_cast<double>(size);
  mean_c /= static_cast<double>(size);
  const Vec ae = a_ * e, as = a_ * mean_shift;
  if (gradient) *gradient = ae - as;
  return 0.5 * e.dot(ae) - e.dot(as) + 0.5 * mean_c;
}

void NoisyQuadratic::evaluate_hvp(const Vec&, Batch, const Vec& v, Vec& out) const { out = a_ * v; }

namespace {

std::unique_ptr<NoisyQuadratic> build_noisy_quadratic(const NoisyQuadraticParams& p, std::string spec) {
  const std::string prefix = "objective 'noisy_quadratic': ";
  const double d = p.quadratic.eigs.empty() ? static_cast<double>(p.quadratic.dim) : static_cast<double>(p.quadratic.eigs.size());
  check_doubles(d * d, prefix, "dim", "the dense matrix A (dim x dim)");
  check_doubles(d * static_cast<double>(p.n), prefix, "n", "the shifts (dim x n)");
  std::unique_ptr<Quadratic> q = make_quadratic(p.quadratic);
  Rng rng = Rng::derived(p.quadratic.seed, 3);  // streams 1, 2: the quadratic's Q and θ*
  Mat shifts(q->dim(), p.n);
  for (Index i = 0; i < p.n; ++i) shifts.col(i) = p.noise * rng.normal_vector(q->dim());
  shifts.colwise() -= shifts.rowwise().mean();
  return std::make_unique<NoisyQuadratic>(std::move(q), std::move(shifts), std::move(spec));
}

}  // namespace

const ParamTable<NoisyQuadraticParams>& NoisyQuadraticParams::table() {
  using P = NoisyQuadraticParams;
  static const auto t =
      ParamTable<P>("objective", "noisy_quadratic",
                    "F = (1/n)Σ ½(θ−θ*−s_i)ᵀA(θ−θ*−s_i): a quadratic with centred seeded shifts s_i, so the "
                    "gradient noise covariance ASA is the same at every θ (Ornstein–Uhlenbeck SDE)")
          .embed(&P::quadratic, QuadraticParams::table())
          .integer("n", &P::n, 1, 100'000'000, "number of samples (shifted copies)")
          .real("noise", &P::noise, Range::closed(0.0, std::numeric_limits<double>::max()),
                "σ: the shifts are σ·z_i (z_i standard normal), centred");
  return t;
}

std::unique_ptr<NoisyQuadratic> make_noisy_quadratic(const NoisyQuadraticParams& params) {
  return make_typed_objective(params, build_noisy_quadratic);
}

RegistryEntry<ObjectivePtr> noisy_quadratic_entry() {
  return typed_objective_entry<NoisyQuadraticParams>(build_noisy_quadratic);
}

}  // namespace optdyn
