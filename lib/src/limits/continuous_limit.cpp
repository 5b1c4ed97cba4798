// From a discrete optimizer to its continuous limit (issue 4; continuous_limit.hpp).
//
// gd:lr=η (and sgd with momentum 0)  →  gradient, Δt = η; modified flow modified_gd:h=η.
//   θ_{k+1} = θ_k − η∇f(θ_k) is Euler's method with step η for θ̇ = −∇f (Cauchy 1847); the
//   flow θ̇ = −∇(f + (η/4)‖∇f‖²) has one-step error O(η³) (Barrett & Dherin 2021).
//
// momentum, convention=classic:  θ_{k+1} − θ_k = μ(θ_k − θ_{k−1}) − η∇f(θ_k), θ_{−1} = θ₀.
//   With θ_k = X(kη), θ_{k±1} = X ± ηẊ + (η²/2)Ẍ ± (η³/6)X⃛ + …, so
//   (θ_{k+1} − θ_k) − μ(θ_k − θ_{k−1}) = η(1−μ)Ẋ + (η²/2)(1+μ)Ẍ + O(η³) = −η∇f, i.e.
//     m Ẍ + γ Ẋ + ∇f = 0,   m = η(1+μ)/2,   γ = 1 − μ,   Δt = η
//   (the second-order modified equation of the heavy-ball map; Kovachki & Stuart 2021,
//   "Continuous time analysis of momentum methods", JMLR 22, derive the same O(η) inertial
//   correction to the rescaled gradient flow (1−μ)Ẋ = −∇f). On a quadratic the slow rate s
//   of the discrete map satisfies s(1−μ) + λ + η s²(3−μ)/2 + ηλs = O(η²), and the flow's
//   s(1−μ) + λ + η s²(1+μ)/2 = 0: they agree to O(η²) because s(1−μ) + λ = O(η), whereas
//   the rescaled gradient flow misses the O(η) term. Initial velocity: matching the slow
//   mode's amplitude of the two-step recursion (v₀ = 0) to O(η²) gives Ẋ(0) = −∇f(θ₀)/(1+μ)
//   (heavy_ball key v0 = 1/(1+μ)); Ẋ(0) = 0 would leave an O(η) amplitude error.
//   The same ODE, in time u = t/√s with η = s and μ = α = (1−√(μ_sc s))/(1+√(μ_sc s)), is
//   Shi et al.'s hb_high_res: (1+α)/2·Ẍ + (1−α)/√s·Ẋ + ∇f = 0.
// momentum, convention=ema:  v ← μv + (1−μ)g, θ ← θ − ηv is classic with η' = η(1−μ); in
//   time t = kη: m = η(1+μ)/(2(1−μ)), γ = 1, v0 = (1−μ)/(1+μ), Δt = η (needs μ < 1).
// momentum, bias_corrected: η_t = η/(1−μᵗ) is not stationary: refused.
// sgd with momentum μ > 0, dampening 0, nesterov false: b₁ = g₁, b = μb + g, θ −= γb is
//   classic momentum with η = γ (v = γb): as above. Dampening τ > 0 changes the first step
//   (b₁ = g₁ but later (1−τ)g): refused.
//
// nesterov (Sutskever's form, schedule=constant): v ← μv + η∇f(θ − μv), θ ← θ − v.
//   With y_k = θ_k and x_k = θ_k − μv_k (the look-ahead point) this is Shi et al.'s NAG-SC
//   y_{k+1} = x_k − s∇f(x_k), x_{k+1} = y_{k+1} + α(y_{k+1} − y_k) with s = η, α = μ and
//   x₀ = y₀ = θ₀. Shi et al.'s high-resolution ODE models x_k ≈ X(k√s); the iterate θ_k =
//   y_k = x_{k−1} − s∇f(x_{k−1}) = X((k−1)√s) + O(s). The ODE is autonomous, so we start it
//   at t₀ = √s (X(√s) = θ₀): then θ_k ↔ X(k√s) on the contract's clock t_k = k·Δt,
//   Δt = √s. μ_sc from √(μ_sc s) = (1−α)/(1+α). Initial velocity: start=matched
//   (high_resolution.cpp), which fits X(t₀ + √s) to the first look-ahead x₁ to O(s^{3/2});
//   the paper's Ẋ(0) = (x₁ − x₀)/√s leaves an O(√s) gap at fixed T.
// sgd with nesterov=true (torch's form d = g + μb): its iterate is Sutskever's look-ahead
//   point x_k, so the same ODE with t₀ = 0.
// nesterov schedule=sbc (momentum (k−1)/(k+r−1), nesterov.cpp): θ_k is Su–Boyd–Candès's x_k
//   ≈ X(k√s) for Ẍ + (r/t)Ẋ + ∇f = 0 (SBC 2014, §2 and §5): nesterov_ode:r, Δt = √s,
//   t₀ = 10⁻²√s (below the first step).
//
// rmsprop (centered=false, momentum=0): rmsprop_ode with b = (1−α)/lr, Δt = lr; seed's ε
//   inside the root ↔ eps_in_root=true, torch's ε + √v ↔ false. From v₀ = 0 the gap is only
//   O(√lr): step 1 moves √(lr/b)·sign g, the ODE (ẋ ∝ τ^{−1/2} near 0) 2√(lr/b) over [0, lr].
// adam (convention seed or torch: ε + √v̂): adam_ode with a = (1−β₁)/lr, b = (1−β₂)/lr,
//   bias_correction=true, Δt = lr (Barakat & Bianchi 2021; β₁ᵏ = (1 − a·lr)^k ≈ e^{−a t_k}).
//   convention=efficient (ε + √v, not √v̂) would need a time-dependent ε: refused.
//   Both use second_moment=full_batch (the deterministic map); t₀ = min(auto, 10⁻²·lr).
// natural_gradient (fisher=true|empirical, damping λ): θ_{k+1} = θ_k − η(F + λI)⁻¹∇f(θ_k) is
//   Euler's method with step η for the natural gradient flow θ̇ = −(F + λI)⁻¹∇f: flow
//   natural_gradient with the same fisher, damping and tol, Δt = η. fisher=sampled draws
//   random labels each step (no deterministic limit): refused.
// newton, damped_newton (line_search=none, damping ε; ε = 0 for newton): θ_{k+1} = θ_k −
//   η(∇²f + εI)⁻¹∇f(θ_k) is Euler's method with step η for the (damped) Newton flow: flow
//   newton:damping=ε, Δt = η. Where ∇²f + εI is indefinite, solver=cg stops at negative
//   curvature and then takes another direction than the flow's MINRES solve. With
//   line_search=backtracking the step length varies with θ: refused.
// saddle_free_newton (mode=exact, damping_search=false, refresh=1, damping λ): Euler with
//   step η for θ̇ = −(|∇²f| + λI)⁻¹∇f (Dauphin et al. 2014): flow saddle_free:damping=λ,
//   Δt = η. mode=krylov (a k-dimensional subspace), the damping search and refresh > 1
//   (a stale |H|) are refused.
// svag:lr=η,l (stochastic_limit only, sampling=replacement): sgd_sde order 1 with lr = η and
//   batch B, Δt = η/l (Li, Malladi & Arora 2021, Theorem 4.3: weak order 1 in 1/l; svag.cpp).
//   Shuffled batches of one step are correlated (svag.cpp): refused.
// Everything else (adagrad, adadelta, adamax, nadam, amsgrad, delta_bar_delta, sign,
// normalized_gd, and any modifier except `constant`) has no limit here: InputError.
#include "optdyn/limits/continuous_limit.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "optdyn/core/error.hpp"
#include "optdyn/optimizers/adam.hpp"
#include "optdyn/optimizers/gd.hpp"
#include "optdyn/optimizers/momentum.hpp"
#include "optdyn/optimizers/natural_gradient.hpp"
#include "optdyn/optimizers/nesterov.hpp"
#include "optdyn/optimizers/newton.hpp"
#include "optdyn/optimizers/registry.hpp"
#include "optdyn/optimizers/rmsprop.hpp"
#include "optdyn/optimizers/saddle_free_newton.hpp"
#include "optdyn/optimizers/sgd.hpp"
#include "optdyn/optimizers/svag.hpp"

namespace optdyn {
namespace {

[[noreturn]] void refuse(const std::string& who, const std::string& why) {
  throw InputError("continuous limit: optimizer '" + who + "': " + why);
}

ContinuousLimit limit(const std::string& resolved, FlowParams flow, double time_per_step,
                      std::optional<FlowParams> modified, std::string correspondence) {
  ContinuousLimit c;
  c.optimizer = resolved;
  c.flow = flow_spec(flow);
  c.flow_params = std::move(flow);
  c.time_per_step = time_per_step;
  if (modified) c.modified_flow = flow_spec(*modified);
  c.modified_flow_params = std::move(modified);
  c.correspondence = std::move(correspondence);
  return c;
}

// The optimizer chain, parsed once by the optimizers layer; modifiers must be `constant` (a
// schedule factor of 1), anything else is refused by name.
OptimizerChain parse(std::string_view text) {
  OptimizerChain chain = parse_optimizer_chain(text);
  for (const Spec& m : chain.modifiers)
    if (m.name() != "constant")
      throw InputError("continuous limit: modifier '" + m.name() + "' has no continuous limit (only 'constant' is allowed)");
  return chain;
}

ContinuousLimit gradient_limit(const std::string& resolved, double lr) {
  return limit(resolved, GradientFlowParams{}, lr, ModifiedGdFlowParams{.h = lr},
               "gradient flow θ̇ = −∇f, t = k·lr (Euler with h = lr is GD); modified flow to O(lr²): Barrett & Dherin 2021");
}

// Classic heavy ball θ_{k+1} − θ_k = μ(θ_k − θ_{k−1}) − η∇f(θ_k).
ContinuousLimit heavy_ball_limit(const std::string& resolved, double eta, double mu) {
  return limit(resolved, HeavyBallFlowParams{.mass = eta * (1 + mu) / 2, .friction = 1 - mu, .v0 = 1 / (1 + mu)}, eta,
               std::nullopt,
               "heavy-ball ODE mẌ + γẊ + ∇f = 0 with m = lr(1+μ)/2, γ = 1−μ, Ẋ(0) = −∇f/(1+μ), t = k·lr: second-order "
               "modified equation of momentum (Taylor expansion; cf. Kovachki & Stuart 2021)");
}

// Sutskever / torch Nesterov with constant μ → Shi et al.'s NAG-SC ODE.
ContinuousLimit nag_sc_limit(const std::string& resolved, double s, double alpha, bool lookahead_iterate) {
  const double root = (1 - alpha) / (1 + alpha);  // √(μs)
  const double mu_sc = root * root / s;
  const double t0 = lookahead_iterate ? 0.0 : std::sqrt(s);
  return limit(resolved,
               NagScHighResFlowParams{.s = s, .mu = mu_sc, .t0 = t0, .start = HighResolutionStart::matched},
               std::sqrt(s), std::nullopt,
               lookahead_iterate
                   ? "Shi–Du–Jordan–Su 2018 NAG-SC high-resolution ODE, √(μs) = (1−α)/(1+α), t = k√s; the iterate is "
                     "the look-ahead point x_k ≈ X(k√s)"
                   : "Shi–Du–Jordan–Su 2018 NAG-SC high-resolution ODE, √(μs) = (1−α)/(1+α), t = k√s; θ_k = y_k ≈ "
                     "X((k−1)√s), so the flow starts at t₀ = √s");
}

// Each optimizer's typed parameters are read from the resolved core spec by its own table
// (every key checked, with the optimizer's messages); the limit is computed from them.
ContinuousLimit limit_of(const OptimizerChain& chain) {
  const Spec& s = chain.core;
  const std::string& name = s.name();
  const std::string resolved = chain.canonical();
  if (name == "gd") return gradient_limit(resolved, GdParams::table().from_spec(s).lr);
  if (name == "sgd") {
    const SgdParams p = SgdParams::table().from_spec(s);
    if (p.momentum == 0.0) return gradient_limit(resolved, p.lr);
    if (p.nesterov) return nag_sc_limit(resolved, p.lr, p.momentum, true);
    if (p.dampening != 0.0)
      refuse(name, "dampening > 0 makes the first step differ from the rest (b₁ = g₁); no limit implemented");
    return heavy_ball_limit(resolved, p.lr, p.momentum);
  }
  if (name == "momentum") {
    using C = MomentumParams::Convention;
    const MomentumParams p = MomentumParams::table().from_spec(s);
    const double eta = p.lr, mu = p.mu;
    if (p.convention == C::classic) return heavy_ball_limit(resolved, eta, mu);
    if (p.convention == C::ema) {
      if (mu == 1.0) refuse(name, "convention=ema with mu = 1 never moves");
      return limit(resolved,
                   HeavyBallFlowParams{.mass = eta * (1 + mu) / (2 * (1 - mu)), .friction = 1, .v0 = (1 - mu) / (1 + mu)},
                   eta, std::nullopt,
                   "heavy-ball ODE with m = lr(1+μ)/(2(1−μ)), γ = 1, t = k·lr (ema momentum is classic with lr(1−μ))");
    }
    refuse(name, "convention=bias_corrected has the non-stationary step lr/(1−μᵗ); no limit implemented");
  }
  if (name == "nesterov") {
    const NesterovParams p = NesterovParams::table().from_spec(s);
    if (p.schedule == NesterovParams::Schedule::sbc)
      return limit(resolved, NesterovOdeFlowParams{.r = p.r, .t0 = 1e-2 * std::sqrt(p.lr)}, std::sqrt(p.lr), std::nullopt,
                   "Su–Boyd–Candès 2014 ODE Ẍ + (r/t)Ẋ + ∇f = 0, t = k√lr (momentum (k−1)/(k+r−1))");
    return nag_sc_limit(resolved, p.lr, p.mu, false);
  }
  if (name == "rmsprop") {
    const RmspropParams p = RmspropParams::table().from_spec(s);
    if (p.centered) refuse(name, "centered=true has no limit implemented");
    if (p.momentum != 0.0) refuse(name, "momentum > 0 has no limit implemented");
    if (p.alpha == 1.0) refuse(name, "alpha = 1 never updates v (b = 0)");
    const double lr = p.lr, b = (1 - p.alpha) / lr, t0 = std::min(1e-6 / b, 1e-2 * lr);
    return limit(resolved,
                 RmspropOdeFlowParams{.b = b,
                                      .eps = p.eps,
                                      .eps_in_root = p.convention == RmspropParams::Convention::seed,
                                      .second_moment = SecondMoment::full_batch,
                                      .t0 = t0},
                 lr, std::nullopt, "Barakat–Bianchi 2021 RMSprop ODE, b = (1−α)/lr, t = k·lr, S = (∇F)² (full batch)");
  }
  if (name == "adam") {
    const AdamParams p = AdamParams::table().from_spec(s);
    if (p.convention == AdamParams::Convention::efficient)
      refuse(name, "convention=efficient adds ε to √v, not √v̂ (a time-dependent ε); no limit implemented");
    const double lr = p.lr, a = (1 - p.beta1) / lr, b = (1 - p.beta2) / lr;
    const double t0 = std::min(1e-6 * std::min(1 / a, 1 / b), 1e-2 * lr);
    return limit(resolved,
                 AdamOdeFlowParams{.a = a,
                                   .b = b,
                                   .eps = p.eps,
                                   .bias_correction = true,
                                   .second_moment = SecondMoment::full_batch,
                                   .t0 = t0},
                 lr, std::nullopt,
                 "Barakat–Bianchi 2021 Adam ODE with bias correction, a = (1−β₁)/lr, b = (1−β₂)/lr, t = k·lr, S = (∇F)²");
  }
  if (name == "natural_gradient") {
    const NaturalGradientParams p = NaturalGradientParams::table().from_spec(s);
    if (p.fisher == FisherKind::sampled)
      refuse(name, "fisher=sampled draws random labels every step; no deterministic limit");
    using F = NaturalGradientFlowParams::Fisher;
    return limit(resolved,
                 NaturalGradientFlowParams{.fisher = p.fisher == FisherKind::empirical ? F::empirical : F::true_fisher,
                                           .damping = p.damping,
                                           .tol = p.tol},
                 p.lr, std::nullopt,
                 "natural gradient flow θ̇ = −(F + λI)⁻¹∇f, t = k·lr (Euler with h = lr is the natural gradient map; "
                 "Amari 1998)");
  }
  if (name == "newton" || name == "damped_newton") {
    double lr = 0.0, damping = 0.0;
    LineSearchKind line_search = LineSearchKind::none;
    if (name == "newton") {
      const NewtonParams p = NewtonParams::table().from_spec(s);
      lr = p.lr;
      line_search = p.line_search;
    } else {
      const DampedNewtonParams p = DampedNewtonParams::table().from_spec(s);
      lr = p.lr;
      damping = p.damping;
      line_search = p.line_search;
    }
    if (line_search != LineSearchKind::none)
      refuse(name, "line_search=backtracking varies the step with θ; no limit implemented");
    return limit(resolved, NewtonFlowParams{.damping = damping}, lr, std::nullopt,
                 "Newton flow θ̇ = −(∇²f + εI)⁻¹∇f, t = k·lr (Euler with h = lr is the (damped) Newton map)");
  }
  if (name == "saddle_free_newton") {
    const SaddleFreeNewtonParams p = SaddleFreeNewtonParams::table().from_spec(s);
    if (p.mode != SaddleFreeNewtonParams::Mode::exact)
      refuse(name, "mode=krylov steps in a k-dimensional subspace; no limit implemented");
    if (p.damping_search) refuse(name, "damping_search=true picks λ by a search on F each step; use a fixed damping");
    if (p.refresh != 1) refuse(name, "refresh > 1 steps with a stale |H|; no limit implemented");
    return limit(resolved, SaddleFreeFlowParams{.damping = p.damping}, p.lr, std::nullopt,
                 "saddle-free flow θ̇ = −(|∇²f| + λI)⁻¹∇f, t = k·lr (Dauphin et al. 2014; Euler with h = lr is the map)");
  }
  refuse(name, "no continuous limit is implemented");
}

}  // namespace

ContinuousLimit continuous_limit(std::string_view optimizer_spec) { return limit_of(parse(optimizer_spec)); }

ContinuousLimit stochastic_limit(std::string_view optimizer_spec, Index batch, Sampling sampling) {
  const OptimizerChain chain = parse(optimizer_spec);
  const Spec& s = chain.core;
  std::optional<double> lr;  // of gd, or of sgd without momentum
  if (s.name() == "gd") lr = GdParams::table().from_spec(s).lr;
  if (s.name() == "sgd") {
    const SgdParams p = SgdParams::table().from_spec(s);
    if (p.momentum == 0.0) lr = p.lr;
  }
  std::optional<SvagParams> svag;
  if (s.name() == "svag") {
    svag = SvagParams::table().from_spec(s);
    lr = svag->lr;
  }
  if (!lr) refuse(s.name(), "no stochastic (SDE) limit is implemented (only gd, sgd without momentum and svag)");
  if (batch < 1) throw InputError("stochastic limit: batch must be >= 1 (got " + std::to_string(batch) + ")");
  if (sampling == Sampling::cyclic)
    throw InputError("stochastic limit: cyclic sampling is deterministic; it has no SDE limit");
  if (svag && svag->l != 1.0 && sampling != Sampling::replacement)
    refuse("svag", "its two batches of one step must be independent: the SDE limit needs sampling=replacement");
  using P = SgdSdeFlowParams;
  const P sde{.lr = *lr,
              .batch = static_cast<long>(batch),
              .noise = P::Noise::per_sample,
              .sampling = sampling == Sampling::replacement ? P::Sampling::replacement : P::Sampling::without};
  if (svag)
    return limit(chain.canonical(), sde, svag->lr / svag->l, std::nullopt,
                 "Li–Malladi–Arora 2021 SVAG → SDE dX = −∇f dt + (lr·Σ/B)^{1/2} dW weakly as l → ∞, t = k·lr/l");
  P modified = sde;
  modified.order = P::Order::second;
  return limit(chain.canonical(), sde, sde.lr, modified,
               "Li–Tai–E 2017 SDE dX = −∇f dt + (lr·Σ/B)^{1/2} dW (modified: order-2 drift), t = k·lr");
}

}  // namespace optdyn
