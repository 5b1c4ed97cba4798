// Stochastic modified equation of SGD (Li, Tai & E 2017, "Stochastic modified equations and
// adaptive stochastic gradient algorithms", Theorems 1 and 2; JMLR 2019 version):
//   order=1   dX = −∇f(X) dt + (ηΣ(X)/B)^{1/2} dW                     (weak order 1)
//   order=2   dX = −∇(f + (η/4)‖∇f‖²)(X) dt + (ηΣ(X)/B)^{1/2} dW      (weak order 2;
//             ∇‖∇f‖² = 2∇²f∇f: one HVP)
// with time t = k·η (one SGD step with learning rate η = lr ↔ Δt = η) and B the batch size.
// Noise (key noise):
//   per_sample  Σ = (1/n) Σ_i (g_i − ḡ)(g_i − ḡ)ᵀ, the covariance of the per-sample gradients
//               g_i = ∇f_i(X) of the finite sum f = (1/n)Σ f_i (ḡ = ∇f). It is applied without
//               a square root: noise_dim = n and
//                 G·ξ = √(η c/(B n)) Σ_i (g_i − ḡ) ξ_i,
//               so G Gᵀ = c·ηΣ/B exactly. Cost: n single-sample gradients per diffusion call.
//               Needs a finite-sum objective (InputError otherwise).
//   isotropic   G = σ√(η/B)·I (additive noise, noise_dim = D): gradient noise of covariance σ²I
//               per sample; key sigma.
// Sampling (key sampling) fixes the factor c: the mean of B indices drawn uniformly WITH
// replacement has covariance Σ/B exactly (c = 1, Li–Tai–E's setting); B distinct indices
// (without replacement, one batch of a shuffled epoch) have covariance (Σ/B)(n − B)/(n − 1)
// (c = (n − B)/(n − 1); finite-population correction, Cochran 1977 §2.8). Successive
// batches of a shuffled epoch are also correlated, which no Markov SDE models.
// Jacobian products: order 1 exact (−∇²f v, symmetric); order 2 Flow's forward difference.
#include <cmath>
#include <limits>

#include "optdyn/core/error.hpp"
#include "optdyn/flows/registry.hpp"
#include "optdyn/flows/sgd_sde.hpp"

namespace optdyn {
namespace {

class SgdSde : public Flow {
 public:
  SgdSde(const SgdSdeFlowParams& p, std::string spec, const Objective& f)
      : Flow(f),
        spec_(std::move(spec)),
        lr_(p.lr),
        batch_(p.batch),
        order2_(p.order == SgdSdeFlowParams::Order::second),
        per_sample_(p.noise == SgdSdeFlowParams::Noise::per_sample),
        sigma_(p.sigma) {
    const bool with_replacement = p.sampling == SgdSdeFlowParams::Sampling::replacement;
    double factor = 1.0;
    if (per_sample_) {
      const Index n = f.num_samples();
      if (n == 0)
        throw InputError("flow 'sgd_sde': key 'noise': per_sample needs a finite-sum objective ('" + f.spec() +
                         "' is not one; use noise=isotropic)");
      if (!with_replacement) {
        if (batch_ > n)
          throw InputError("flow 'sgd_sde': key 'batch': " + std::to_string(batch_) + " > n = " + std::to_string(n) +
                           " samples (sampling=without)");
        factor = n == 1 ? 0.0 : static_cast<double>(n - batch_) / static_cast<double>(n - 1);
      }
      noise_scale_ = std::sqrt(lr_ * factor / (static_cast<double>(batch_) * static_cast<double>(n)));
    } else {
      noise_scale_ = sigma_ * std::sqrt(lr_ / static_cast<double>(batch_));
    }
  }

  std::string spec() const override { return spec_; }
  Index noise_dim() const override { return per_sample_ ? objective().num_samples() : dim(); }

  // −∇f, plus −(η/2)∇²f∇f at order 2.
  void derivative(const Vec& z, Vec& dzdt, double) const override {
    objective().value_and_gradient(z, dzdt);
    if (order2_) {
      Vec hg;
      objective().hessian_vector(z, dzdt, hg);
      dzdt += (0.5 * lr_) * hg;
    }
    dzdt = -dzdt;
  }

  void jacobian_vector(const Vec& z, double t, const Vec& v, Vec& Jv) const override {
    if (order2_) {
      Flow::jacobian_vector(z, t, v, Jv);
      return;
    }
    objective().hessian_vector(z, v, Jv);
    Jv = -Jv;
  }
  bool symmetric_jacobian() const override { return !order2_; }

  // G·ξ; per_sample in one pass: Σ_i (g_i − ḡ)ξ_i = Σ_i g_i ξ_i − ḡ Σ_i ξ_i.
  void diffusion_times(const Vec& z, double, const Vec& xi, Vec& out) const override {
    if (xi.size() != noise_dim())
      throw InputError("flow '" + spec_ + "': noise increment has length " + std::to_string(xi.size()) +
                       ", expected " + std::to_string(noise_dim()));
    if (!per_sample_) {
      out = noise_scale_ * xi;
      return;
    }
    const Index n = objective().num_samples();
    Vec weighted = Vec::Zero(dim()), sum = Vec::Zero(dim()), gi;
    for (Index i = 0; i < n; ++i) {
      const Index index[1] = {i};
      objective().batch_value_and_gradient(z, Batch(index, 1), gi);
      weighted += xi[i] * gi;
      sum += gi;
    }
    out = noise_scale_ * (weighted - (xi.sum() / static_cast<double>(n)) * sum);
  }

 private:
  std::string spec_;
  double lr_;
  long batch_;
  bool order2_, per_sample_;
  double sigma_;
  double noise_scale_ = 0.0;
};

}  // namespace

const ParamTable<SgdSdeFlowParams>& SgdSdeFlowParams::table() {
  using P = SgdSdeFlowParams;
  const double max = std::numeric_limits<double>::max();
  static const auto t =
      ParamTable<P>("flow", "sgd_sde",
                    "Li–Tai–E SDE of SGD: dX = −∇f dt (order 2: −∇(f + (η/4)‖∇f‖²) dt) + (ηΣ/B)^{1/2} dW, t = k·lr")
          .real("lr", &P::lr, Range::positive(), "SGD learning rate η (Δt per step)")
          .integer("batch", &P::batch, 1, std::numeric_limits<long>::max(), "batch size B")
          .choice("order", &P::order, {{"1", P::Order::first}, {"2", P::Order::second}}, "weak order of the drift: 1 | 2")
          .choice("noise", &P::noise, {{"per_sample", P::Noise::per_sample}, {"isotropic", P::Noise::isotropic}},
                  "per_sample (Σ from the n per-sample gradients) | isotropic (σ²I)")
          .real("sigma", &P::sigma, Range::closed(0.0, max), "per-sample gradient noise σ (noise=isotropic only)")
          .choice("sampling", &P::sampling, {{"replacement", P::Sampling::replacement}, {"without", P::Sampling::without}},
                  "replacement (Σ/B) | without ((Σ/B)(n−B)/(n−1))");
  return t;
}

FlowPtr make_sgd_sde_flow(const Objective& f, const SgdSdeFlowParams& p) { return make_typed_flow<SgdSde>(f, p); }

FlowEntry sgd_sde_entry() { return typed_flow_entry<SgdSde, SgdSdeFlowParams>(); }

}  // namespace optdyn
