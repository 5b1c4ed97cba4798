// ODE limits of RMSprop and Adam (Barakat & Bianchi 2021, "Convergence and dynamical
// behavior of the ADAM algorithm for nonconvex stochastic optimization", SIAM J. Optim.,
// eq. (ODE) of §2.3; RMSprop is their Adam without first moment, no bias correction):
//   adam_ode     ẋ = −h(t) m / (ε + √(r(t) v)),  ṁ = a(∇F(x) − m),  v̇ = b(S(x) − v),
//   rmsprop_ode  ẋ = −∇F(x) / (ε + √v)   (eps_in_root=true: / √(v + ε), seed 000's RMSprop),
//                v̇ = b(S(x) − v),
// with h(t) = 1/(1 − e^{−at}), r(t) = 1/(1 − e^{−bt}) when bias_correction=true (else 1),
// z = (x, m, v) (RMSprop: (x, v)), and z(0) = (x₀, 0, 0). Time t = k·lr when
// a = (1 − β₁)/lr and b = (1 − β₂)/lr (RMSprop: b = (1 − α)/lr), the paper's limits; ε is
// added to the bias-corrected √v̂, as in Kingma & Ba's Algorithm 1 and torch.optim.Adam.
//
// Second moment S(x) (key second_moment):
//   full_batch   S = (∇F(x))² elementwise: the limit of full-batch (deterministic) Adam;
//                cost one gradient per evaluation;
//   per_sample   S = (1/n) Σ_i (∇f_i(x))²: the paper's E[∇f(x, ξ)²] for single-sample
//                minibatches; cost n single-sample gradients per evaluation (one pass over
//                the data; ∇F is their mean, so no extra full gradient).
// v may round below 0 inside an integrator's trial stage; the field uses max(v, 0).
//
// Start: h(t)m and √(r v) are 0/0 at t = 0 (bias correction) and ẋ ∝ √t near 0 without it,
// so integration starts at t₀ > 0 (key t0; auto = 10⁻⁶·min(1/a, 1/b)). Series start, with x
// frozen at x₀ inside the moment equations:
//   m(t₀) = (1 − e^{−at₀})∇F(x₀),  v(t₀) = (1 − e^{−bt₀})S(x₀),
//   x(t₀) = x₀ + ∫₀^{t₀} ẋ(x₀, m(τ), v(τ), τ) dτ
// by 8-point Gauss–Legendre in u = √τ (smooth in u even where √v(τ) ~ √τ). With bias
// correction the integrand is the constant −∇F/(ε + √S): x(t₀) = x₀ − t₀∇F/(ε + √S).
// Error (relative to x's displacement and to the moments): O(t₀) for Adam, where x moves
// O(t₀) (O(t₀^{3/2}) without bias correction); O(√t₀) for RMSprop, where x moves O(√t₀)
// while √v builds up (measured on Rosenbrock: 5% at b·t₀ = 2·10⁻⁴, 0.06% at 2·10⁻⁷) — hence
// the small default t₀; adaptive integrators cross the early t^{−1/2} phase in O(log) steps.
// Jacobian products: Flow's default forward difference. Not autonomous with bias correction.
#include <cmath>
#include <limits>
#include <vector>

#include <Eigen/Eigenvalues>

#include "optdyn/core/error.hpp"
#include "optdyn/flows/adaptive_moment_odes.hpp"
#include "optdyn/flows/registry.hpp"

namespace optdyn {
namespace {

// Gauss–Legendre nodes and weights on [0, 1] by Golub–Welsch: the nodes are the
// eigenvalues of the Jacobi matrix of the Legendre polynomials (off-diagonal k/√(4k²−1)),
// the weights twice the squared first components of its eigenvectors (then halved for [0, 1]).
void gauss_legendre(int n, Vec& nodes, Vec& weights) {
  Mat jacobi = Mat::Zero(n, n);
  for (int k = 1; k < n; ++k) jacobi(k, k - 1) = jacobi(k - 1, k) = k / std::sqrt(4.0 * k * k - 1.0);
  Eigen::SelfAdjointEigenSolver<Mat> eig(jacobi);
  nodes = (eig.eigenvalues().array() + 1.0) / 2.0;
  weights = eig.eigenvectors().row(0).transpose().array().square();  // 2·q₀²/2
}

double bias_factor(bool on, double rate, double t) { return on ? -1.0 / std::expm1(-rate * t) : 1.0; }

// The keys of either ODE (RMSprop: a = 0, bias_correction = false; Adam: eps_in_root = false).
struct Settings {
  double a = 0.0, b = 1.0, eps = 1e-8;
  bool bias_correction = false, eps_in_root = false;
  SecondMoment second_moment = SecondMoment::full_batch;
  std::optional<double> t0;
};

class AdaptiveMomentOde : public Flow {
 public:
  AdaptiveMomentOde(const Settings& k, std::string spec, const Objective& f, bool adam)
      : Flow(f),
        spec_(std::move(spec)),
        adam_(adam),
        a_(adam ? k.a : 0.0),
        b_(k.b),
        eps_(k.eps),
        bias_correction_(adam && k.bias_correction),
        eps_in_root_(!adam && k.eps_in_root),
        per_sample_(k.second_moment == SecondMoment::per_sample) {
    const std::string name = adam ? "adam_ode" : "rmsprop_ode";
    if (per_sample_ && f.num_samples() == 0)
      throw InputError("flow '" + name + "': key 'second_moment': per_sample needs a finite-sum objective ('" +
                       f.spec() + "' is not one)");
    if (!k.t0)
      t0_ = 1e-6 * (adam ? std::min(1.0 / a_, 1.0 / b_) : 1.0 / b_);
    else
      t0_ = *k.t0;
  }

  std::string spec() const override { return spec_; }
  Index state_dim() const override { return (adam_ ? 3 : 2) * dim(); }
  double start_time() const override { return t0_; }
  bool autonomous() const override { return !bias_correction_; }

  Vec initial_state(const Vec& theta0) const override {
    check_parameters(theta0);
    const Index d = dim();
    Vec g, S;
    gradient_and_second_moment(theta0, g, S);
    auto m_at = [&](double t) -> Vec { return -std::expm1(-a_ * t) * g; };
    auto v_at = [&](double t) -> Vec { return -std::expm1(-b_ * t) * S; };
    Vec nodes, weights;
    gauss_legendre(8, nodes, weights);
    const double root_t0 = std::sqrt(t0_);
    Vec x = theta0;
    for (Index j = 0; j < nodes.size(); ++j) {
      const double u = root_t0 * nodes[j], tau = u * u;
      x += (weights[j] * root_t0 * 2.0 * u) * velocity(adam_ ? m_at(tau) : g, v_at(tau), tau);
    }
    Vec z(state_dim());
    z.head(d) = x;
    if (adam_) z.segment(d, d) = m_at(t0_);
    z.tail(d) = v_at(t0_);
    return z;
  }

  void derivative(const Vec& z, Vec& dzdt, double t) const override {
    const Index d = dim();
    const Vec x = z.head(d), v = z.tail(d);
    Vec g, S;
    gradient_and_second_moment(x, g, S);
    dzdt.resize(state_dim());
    if (adam_) {
      const Vec m = z.segment(d, d);
      dzdt.head(d) = velocity(m, v, t);
      dzdt.segment(d, d) = a_ * (g - m);
    } else {
      dzdt.head(d) = velocity(g, v, t);
    }
    dzdt.tail(d) = b_ * (S - v);
  }

 private:
  // ẋ from the (first moment or gradient) and second moment at time t.
  Vec velocity(const Vec& m, const Vec& v, double t) const {
    const Vec vpos = v.cwiseMax(0.0);
    const double h = bias_factor(bias_correction_, a_, t), r = bias_factor(bias_correction_, b_, t);
    if (eps_in_root_) return -(m.array() / (vpos.array() + eps_).sqrt()).matrix();
    return -(h * m.array() / (eps_ + (r * vpos.array()).sqrt())).matrix();
  }

  void gradient_and_second_moment(const Vec& x, Vec& g, Vec& S) const {
    if (!per_sample_) {
      objective().value_and_gradient(x, g);
      S = g.cwiseProduct(g);
      return;
    }
    const Index n = objective().num_samples();
    g.setZero(dim());
    S.setZero(dim());
    Vec gi;
    for (Index i = 0; i < n; ++i) {
      const Index index[1] = {i};
      objective().batch_value_and_gradient(x, Batch(index, 1), gi);
      g += gi;
      S += gi.cwiseProduct(gi);
    }
    g /= static_cast<double>(n);
    S /= static_cast<double>(n);
  }

  std::string spec_;
  bool adam_;
  double a_, b_, eps_;
  bool bias_correction_, eps_in_root_, per_sample_;
  double t0_ = 0.0;
};

struct AdamOde : AdaptiveMomentOde {
  AdamOde(const AdamOdeFlowParams& p, std::string spec, const Objective& f)
      : AdaptiveMomentOde({.a = p.a, .b = p.b, .eps = p.eps, .bias_correction = p.bias_correction,
                           .second_moment = p.second_moment, .t0 = p.t0},
                          std::move(spec), f, true) {}
};
struct RmspropOde : AdaptiveMomentOde {
  RmspropOde(const RmspropOdeFlowParams& p, std::string spec, const Objective& f)
      : AdaptiveMomentOde({.b = p.b, .eps = p.eps, .eps_in_root = p.eps_in_root, .second_moment = p.second_moment,
                           .t0 = p.t0},
                          std::move(spec), f, false) {}
};

// The keys both ODEs share, declared once each (the tables interleave them with their own).
template <class P>
void second_moment_rate_key(ParamTable<P>& t) {
  t.real("b", &P::b, Range::positive(), "rate of the second moment, (1 − β₂)/lr (RMSprop: (1 − α)/lr)");
}
template <class P>
void second_moment_key(ParamTable<P>& t) {
  t.choice("second_moment", &P::second_moment,
           {{"full_batch", SecondMoment::full_batch}, {"per_sample", SecondMoment::per_sample}},
           "S(x): full_batch (∇F)² | per_sample mean of (∇f_i)² (n gradients)");
}

}  // namespace

const ParamTable<RmspropOdeFlowParams>& RmspropOdeFlowParams::table() {
  using P = RmspropOdeFlowParams;
  static const auto t =
      ParamTable<P>("flow", "rmsprop_ode",
                    "Barakat–Bianchi RMSprop ODE ẋ = −∇F/(ε + √v), v̇ = b(S − v), z = (x, v), t = k·lr")
          .with(second_moment_rate_key<P>)
          .real("eps", &P::eps, Range::above(0.0, 1.0), "ε > 0 added to √v")
          .flag("eps_in_root", &P::eps_in_root, "use √(v + ε) (seed convention) instead of ε + √v (torch)")
          .with(second_moment_key<P>)
          .real_or("t0", &P::t0, "auto", Range::positive(), "start time t₀ > 0 (auto: 1e-6/b); series start");
  return t;
}

const ParamTable<AdamOdeFlowParams>& AdamOdeFlowParams::table() {
  using P = AdamOdeFlowParams;
  static const auto t =
      ParamTable<P>("flow", "adam_ode",
                    "Barakat–Bianchi Adam ODE ẋ = −h(t)m/(ε + √(r(t)v)), ṁ = a(∇F − m), v̇ = b(S − v), t = k·lr")
          .real("a", &P::a, Range::positive(), "rate of the first moment, (1 − β₁)/lr")
          .with(second_moment_rate_key<P>)
          .real("eps", &P::eps, Range::above(0.0, 1.0), "ε > 0 added to the bias-corrected √v̂")
          .flag("bias_correction", &P::bias_correction,
                "h(t) = 1/(1 − e^{−at}), r(t) = 1/(1 − e^{−bt}) (false: 1)")
          .with(second_moment_key<P>)
          .real_or("t0", &P::t0, "auto", Range::positive(),
                   "start time t₀ > 0 (auto: 1e-6·min(1/a, 1/b)); series start");
  return t;
}

FlowPtr make_rmsprop_ode_flow(const Objective& f, const RmspropOdeFlowParams& p) { return make_typed_flow<RmspropOde>(f, p); }
FlowPtr make_adam_ode_flow(const Objective& f, const AdamOdeFlowParams& p) { return make_typed_flow<AdamOde>(f, p); }

std::vector<FlowEntry> adaptive_moment_entries() {
  return {typed_flow_entry<RmspropOde, RmspropOdeFlowParams>(), typed_flow_entry<AdamOde, AdamOdeFlowParams>()};
}

}  // namespace optdyn
