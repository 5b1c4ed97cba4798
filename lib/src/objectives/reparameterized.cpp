// F̃(φ) = F(Aφ) (objectives/reparameterized.hpp): the chain rule, ∇F̃ = Aᵀ∇F, ∇²F̃ = AᵀHA,
// Fisher AᵀF_θA (seed 004; doc/references.md, "Symmetry and reparameterisation").
#include "optdyn/objectives/reparameterized.hpp"

#include <string>
#include <utility>

#include "optdyn/core/error.hpp"

namespace optdyn {

Reparameterized::Reparameterized(const Objective& f, Mat a) : f_(f), a_(std::move(a)) {
  if (a_.rows() != f_.dim() || a_.cols() == 0)
    throw InputError("objective 'reparameterized': key 'A': " + std::to_string(a_.rows()) + " × " +
                     std::to_string(a_.cols()) + " matrix, need " + std::to_string(f_.dim()) + " rows (F's dimension) and at least one column");
}

double Reparameterized::evaluate(const Vec& phi, Batch batch, Vec* gradient) const {
  const Vec theta = to_theta(phi);
  if (!gradient) return f_.batch_value(theta, batch);
  Vec g;
  const double value = f_.batch_value_and_gradient(theta, batch, g);
  *gradient = a_.transpose() * g;  // ∇_φ = Aᵀ∇_θ
  return value;
}

void Reparameterized::evaluate_hvp(const Vec& phi, Batch batch, const Vec& v, Vec& out) const {
  Vec hv;
  f_.batch_hessian_vector(to_theta(phi), batch, a_ * v, hv);
  out = a_.transpose() * hv;  // AᵀH(Av)
}

FunctionOperator Reparameterized::fisher(const Vec& phi, Batch batch, FisherKind kind, Rng* rng) const {
  FunctionOperator inner = f_.probabilistic()->fisher(to_theta(phi), batch, kind, rng);
  return FunctionOperator(dim(), [this, inner](const Vec& v, Vec& out) {
    Vec fv;
    inner.apply(a_ * v, fv);
    out = a_.transpose() * fv;  // AᵀF_θ(Av)
  });
}

Mat Reparameterized::sample_gradients(const Vec& phi, Batch batch) const {
  return a_.transpose() * f_.probabilistic()->sample_gradients(to_theta(phi), batch);
}

}  // namespace optdyn
