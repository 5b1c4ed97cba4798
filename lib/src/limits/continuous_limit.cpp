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
// Everything else (adagrad, adadelta, adamax, nadam, amsgrad, delta_bar_delta, sign,
// normalized_gd, and any modifier except `constant`) has no limit here: InputError.
#include "optdyn/limits/continuous_limit.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "optdyn/core/error.hpp"
#include "optdyn/core/text.hpp"
#include "optdyn/flows/registry.hpp"
#include "optdyn/optimizers/registry.hpp"

namespace optdyn {
namespace {

// The shortest decimal that parses back to x exactly.
std::string number(double x) {
  for (int digits = 1; digits < 17; ++digits) {
    const std::string text = format_number(x, digits);
    double back = 0.0;
    if (parse_double(text, back) && back == x) return text;
  }
  return format_number(x, 17);
}

std::string resolved_flow(const std::string& text) { return flow_registry().resolve(text).canonical(); }

[[noreturn]] void refuse(const std::string& who, const std::string& why) {
  throw InputError("continuous limit: optimizer '" + who + "': " + why);
}

struct Parsed {
  Spec core;
  std::string resolved;  // core canonical + "|constant" for each constant modifier
};

// The core optimizer (before the first '|') resolved by its registry; modifiers must be
// `constant` (a schedule factor of 1), anything else is refused by name.
Parsed parse(std::string_view text) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t bar = text.find('|', start);
    parts.push_back(text.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start));
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  Parsed p{optimizer_registry().resolve(parts[0]), ""};
  p.resolved = p.core.canonical();
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const Spec m = modifier_registry().resolve(parts[i]);
    if (m.name() != "constant")
      throw InputError("continuous limit: modifier '" + m.name() + "' has no continuous limit (only 'constant' is allowed)");
    p.resolved += "|" + m.canonical();
  }
  return p;
}

ContinuousLimit gradient_limit(const std::string& resolved, double lr) {
  return {resolved, resolved_flow("gradient"), lr, resolved_flow("modified_gd:h=" + number(lr)),
          "gradient flow θ̇ = −∇f, t = k·lr (Euler with h = lr is GD); modified flow to O(lr²): Barrett & Dherin 2021"};
}

// Classic heavy ball θ_{k+1} − θ_k = μ(θ_k − θ_{k−1}) − η∇f(θ_k).
ContinuousLimit heavy_ball_limit(const std::string& resolved, double eta, double mu) {
  const std::string flow = "heavy_ball:mass=" + number(eta * (1 + mu) / 2) + ",friction=" + number(1 - mu) +
                           ",v0=" + number(1 / (1 + mu));
  return {resolved, resolved_flow(flow), eta, "",
          "heavy-ball ODE mẌ + γẊ + ∇f = 0 with m = lr(1+μ)/2, γ = 1−μ, Ẋ(0) = −∇f/(1+μ), t = k·lr: second-order "
          "modified equation of momentum (Taylor expansion; cf. Kovachki & Stuart 2021)"};
}

// Sutskever / torch Nesterov with constant μ → Shi et al.'s NAG-SC ODE.
ContinuousLimit nag_sc_limit(const std::string& resolved, double s, double alpha, bool lookahead_iterate) {
  const double root = (1 - alpha) / (1 + alpha);  // √(μ_sc s)
  const double mu_sc = root * root / s;
  const double t0 = lookahead_iterate ? 0.0 : std::sqrt(s);
  return {resolved,
          resolved_flow("nag_sc_high_res:s=" + number(s) + ",mu=" + number(mu_sc) + ",t0=" + number(t0) + ",start=matched"),
          std::sqrt(s), "",
          lookahead_iterate
              ? "Shi–Du–Jordan–Su 2018 NAG-SC high-resolution ODE, √(μs) = (1−α)/(1+α), t = k√s; the iterate is the "
                "look-ahead point x_k ≈ X(k√s)"
              : "Shi–Du–Jordan–Su 2018 NAG-SC high-resolution ODE, √(μs) = (1−α)/(1+α), t = k√s; θ_k = y_k ≈ "
                "X((k−1)√s), so the flow starts at t₀ = √s"};
}

ContinuousLimit limit_of(const Parsed& p) {
  const Spec& s = p.core;
  const std::string& name = s.name();
  const std::string& resolved = p.resolved;
  if (name == "gd") return gradient_limit(resolved, s.positive("lr"));
  if (name == "sgd") {
    const double lr = s.positive("lr"), mu = s.real("momentum", 0.0, 1.0);
    if (mu == 0.0) return gradient_limit(resolved, lr);
    if (s.boolean("nesterov")) return nag_sc_limit(resolved, lr, mu, true);
    if (s.real("dampening", 0.0, 1.0) != 0.0)
      refuse(name, "dampening > 0 makes the first step differ from the rest (b₁ = g₁); no limit implemented");
    return heavy_ball_limit(resolved, lr, mu);
  }
  if (name == "momentum") {
    const double eta = s.positive("lr"), mu = s.real("mu", 0.0, 1.0);
    const std::string convention = s.text("convention");
    if (convention == "classic") return heavy_ball_limit(resolved, eta, mu);
    if (convention == "ema") {
      if (mu == 1.0) refuse(name, "convention=ema with mu = 1 never moves");
      const std::string flow = "heavy_ball:mass=" + number(eta * (1 + mu) / (2 * (1 - mu))) + ",friction=1,v0=" +
                               number((1 - mu) / (1 + mu));
      return {resolved, resolved_flow(flow), eta, "",
              "heavy-ball ODE with m = lr(1+μ)/(2(1−μ)), γ = 1, t = k·lr (ema momentum is classic with lr(1−μ))"};
    }
    refuse(name, "convention=bias_corrected has the non-stationary step lr/(1−μᵗ); no limit implemented");
  }
  if (name == "nesterov") {
    const double lr = s.positive("lr");
    if (s.text("schedule") == "sbc") {
      const std::string flow = "nesterov_ode:r=" + number(s.positive("r")) + ",t0=" + number(1e-2 * std::sqrt(lr));
      return {resolved, resolved_flow(flow), std::sqrt(lr), "",
              "Su–Boyd–Candès 2014 ODE Ẍ + (r/t)Ẋ + ∇f = 0, t = k√lr (momentum (k−1)/(k+r−1))"};
    }
    return nag_sc_limit(resolved, lr, s.real("mu", 0.0, 1.0), false);
  }
  if (name == "rmsprop") {
    if (s.boolean("centered")) refuse(name, "centered=true has no limit implemented");
    if (s.real("momentum", 0.0, 1.0) != 0.0) refuse(name, "momentum > 0 has no limit implemented");
    const double lr = s.positive("lr"), alpha = s.real("alpha", 0.0, 1.0);
    if (alpha == 1.0) refuse(name, "alpha = 1 never updates v (b = 0)");
    const double b = (1 - alpha) / lr, t0 = std::min(1e-6 / b, 1e-2 * lr);
    const bool inside = s.text("convention") == "seed";
    const std::string flow = "rmsprop_ode:b=" + number(b) + ",eps=" + s.text("eps") +
                             ",eps_in_root=" + (inside ? "true" : "false") + ",second_moment=full_batch,t0=" + number(t0);
    return {resolved, resolved_flow(flow), lr, "",
            "Barakat–Bianchi 2021 RMSprop ODE, b = (1−α)/lr, t = k·lr, S = (∇F)² (full batch)"};
  }
  if (name == "adam") {
    if (s.text("convention") == "efficient")
      refuse(name, "convention=efficient adds ε to √v, not √v̂ (a time-dependent ε); no limit implemented");
    const double lr = s.positive("lr");
    const double a = (1 - s.real_below("beta1", 0.0, 1.0)) / lr, b = (1 - s.real_below("beta2", 0.0, 1.0)) / lr;
    const double t0 = std::min(1e-6 * std::min(1 / a, 1 / b), 1e-2 * lr);
    const std::string flow = "adam_ode:a=" + number(a) + ",b=" + number(b) + ",eps=" + s.text("eps") +
                             ",bias_correction=true,second_moment=full_batch,t0=" + number(t0);
    return {resolved, resolved_flow(flow), lr, "",
            "Barakat–Bianchi 2021 Adam ODE with bias correction, a = (1−β₁)/lr, b = (1−β₂)/lr, t = k·lr, S = (∇F)²"};
  }
  if (name == "natural_gradient") {
    const std::string fisher = s.text("fisher");
    if (fisher == "sampled") refuse(name, "fisher=sampled draws random labels every step; no deterministic limit");
    const double lr = s.positive("lr");
    const std::string flow = "natural_gradient:fisher=" + fisher + ",damping=" + s.text("damping") + ",tol=" + s.text("tol");
    return {resolved, resolved_flow(flow), lr, "",
            "natural gradient flow θ̇ = −(F + λI)⁻¹∇f, t = k·lr (Euler with h = lr is the natural gradient map; Amari 1998)"};
  }
  if (name == "newton" || name == "damped_newton") {
    if (s.text("line_search") != "none") refuse(name, "line_search=backtracking varies the step with θ; no limit implemented");
    const std::string damping = name == "newton" ? "0" : s.text("damping");
    return {resolved, resolved_flow("newton:damping=" + damping), s.positive("lr"), "",
            "Newton flow θ̇ = −(∇²f + εI)⁻¹∇f, t = k·lr (Euler with h = lr is the (damped) Newton map)"};
  }
  if (name == "saddle_free_newton") {
    if (s.text("mode") != "exact") refuse(name, "mode=krylov steps in a k-dimensional subspace; no limit implemented");
    if (s.boolean("damping_search")) refuse(name, "damping_search=true picks λ by a search on F each step; use a fixed damping");
    if (s.integer("refresh", 1, 1L << 40) != 1) refuse(name, "refresh > 1 steps with a stale |H|; no limit implemented");
    return {resolved, resolved_flow("saddle_free:damping=" + s.text("damping")), s.positive("lr"), "",
            "saddle-free flow θ̇ = −(|∇²f| + λI)⁻¹∇f, t = k·lr (Dauphin et al. 2014; Euler with h = lr is the map)"};
  }
  refuse(name, "no continuous limit is implemented");
}

}  // namespace

ContinuousLimit continuous_limit(std::string_view optimizer_spec) { return limit_of(parse(optimizer_spec)); }

ContinuousLimit stochastic_limit(std::string_view optimizer_spec, Index batch, Sampling sampling) {
  const Parsed p = parse(optimizer_spec);
  const Spec& s = p.core;
  const bool plain = s.name() == "gd" || (s.name() == "sgd" && s.real("momentum", 0.0, 1.0) == 0.0);
  if (!plain) refuse(s.name(), "no stochastic (SDE) limit is implemented (only gd and sgd without momentum)");
  if (batch < 1) throw InputError("stochastic limit: batch must be >= 1 (got " + std::to_string(batch) + ")");
  if (sampling == Sampling::cyclic)
    throw InputError("stochastic limit: cyclic sampling is deterministic; it has no SDE limit");
  const double lr = s.positive("lr");
  const std::string base = "sgd_sde:lr=" + number(lr) + ",batch=" + std::to_string(batch) +
                           ",noise=per_sample,sampling=" + (sampling == Sampling::replacement ? "replacement" : "without");
  return {p.resolved, resolved_flow(base + ",order=1"), lr, resolved_flow(base + ",order=2"),
          "Li–Tai–E 2017 SDE dX = −∇f dt + (lr·Σ/B)^{1/2} dW (modified: order-2 drift), t = k·lr"};
}

}  // namespace optdyn
