// central_flow — gradient descent at the edge of stability against gradient flow and the central
// flow (Cohen, Damian et al., ICLR 2025, "Understanding Optimization in Deep Learning with Central
// Flows"; issue 18; doc/references.md, "Central flows").
//
// Full-batch GD with step η on `objective` (a tanh MLP regression, mse, as in Cohen et al. 2021's
// edge-of-stability nets) from θ₀ = `x0`, n = ⌊T/η⌉ steps, time t = k·η. From the same θ₀:
//  * gradient flow θ̇ = −∇F (`gf_integrator`): GD's limit as η → 0. It is also the paper's "stable
//    flow" of GD (−P⁻¹∇F with preconditioner P = I/η, in steps), so the two are one curve here;
//  * the central flow (flows/central_flow.hpp, `cf_integrator`): gradient flow plus the
//    third-derivative term ½Σ X_ij ∇³F[u_i, u_j] that holds the top `k` Hessian eigenvalues at
//    ≤ 2/η, X from the complementarity problem.
// Every `record_every` steps (k ∈ {0, r, 2r, …, n}): the losses, the sharpness λmax(∇²F) (Lanczos)
// of GD's iterate and of both flows, the central flow's prediction of GD's time-averaged loss
// F(θ_cf) + ½⟨Σ, ∇²F⟩ and tr X, GD's time average over a centred window of `window` steps (its
// iterate θ̄_k and its loss, NaN where the window does not fit), and the distances ‖θ̄_k − θ_gf(t_k)‖,
// ‖θ̄_k − θ_cf(t_k)‖, and GD's measured oscillation over the window (its variance along the top-k
// eigenvectors of H(θ̄_k), the quadratic term ½Σλ_i x_i² and the loss gap ⟨F⟩ − F(θ̄), see
// `oscillation`) (trajectories.csv). summary.csv: where each sharpness reaches 2/η (to 1e-3),
// where GD's sharpness is back below 2/η after its overshoot ("settled"), the median relative error
// against GD's time-averaged loss of gradient flow's loss and of the central flow's prediction,
// from the crossing and from the settling (and of the central flow's plain F(θ_cf)), and the
// largest and final distances; and from the settling, as time means over the catapult cycles in it,
// the signed relative error of each predictor's mean against GD's mean loss, GD's variance over
// tr X and the fraction of windows where GD barely oscillates. The paper's claim: the central flow predicts GD's time-averaged
// loss and stays close to its time-averaged iterate where gradient flow does not.
//
// RMSprop (keys rms_*; torch's convention D = √ν + ε, P = D/η; flows/rmsprop_central_flow.hpp) the
// same way, from the same θ₀: RMSprop's iterates θ_k with the ν_{k+1} its next step uses, its
// stable flow θ̇ = −∇F/D, ν̇ = b(∇F² − ν) (rmsprop_ode with b = (1 − α)/(αη)) and its central flow
// (rmsprop_central), both from (θ₀, (1 − α)∇F(θ₀)²), time t = kη. rmsprop_trajectories.csv: the
// losses, RMSprop's time average over the same window, the central flow's prediction, the
// preconditioned sharpness λmax(P⁻¹H) (Lanczos on P^{-1/2}HP^{-1/2}; the edge is 2) of RMSprop and of
// both flows (each at its own ν), tr X and the distances of the time average from each flow;
// rmsprop_summary.csv: the crossings of 2, median relative and signed time-mean errors against
// RMSprop's time-averaged loss from its crossing on, distances and final values.
//
// No randomness besides the objective's data seed and the init seed in the specs.
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "harness/experiment.hpp"
#include "optdyn/analysis/hessian_eigen.hpp"
#include "optdyn/analysis/hessian_operator.hpp"
#include "optdyn/analysis/sample_spread.hpp"
#include "optdyn/core/error.hpp"
#include "optdyn/core/text.hpp"
#include "optdyn/flows/central_flow.hpp"
#include "optdyn/flows/registry.hpp"
#include "optdyn/flows/rmsprop_central_flow.hpp"
#include "optdyn/linalg/operator.hpp"
#include "optdyn/integrators/registry.hpp"
#include "optdyn/objectives/initial_point.hpp"
#include "optdyn/objectives/registry.hpp"
#include "optdyn/optimizers/oracle.hpp"
#include "optdyn/optimizers/registry.hpp"

namespace {

using namespace optdyn;
using harness::Experiment;

const std::string kPrefix = "experiment 'central_flow': ";
const double kNan = std::numeric_limits<double>::quiet_NaN();

// λmax(∇²F(θ)) by Lanczos (k = 1, HVPs only), the same solver for GD and both flows.
double sharpness(const Objective& f, const Vec& theta, double tol) {
  analysis::EigenOptions o;
  o.k = 1;
  o.tol = tol;
  o.method = analysis::EigenMethod::lanczos;
  const analysis::EigenResult r = analysis::extreme_eigenpairs(analysis::HessianOperator(f, theta), o);
  if (!r.converged) throw std::runtime_error(kPrefix + "Lanczos did not converge for λmax");
  return r.eigenvalues[0];
}

// What is recorded of a trajectory at the record steps (NaN where it has not arrived).
struct Track {
  std::vector<Vec> theta;
  std::vector<double> loss, sharp, predicted, trace_x;
  explicit Track(std::size_t n) : theta(n), loss(n, kNan), sharp(n, kNan), predicted(n, kNan), trace_x(n, kNan) {}
};

// A flow from z₀ recorded at t_k = k·η for the record steps (`record(i, z)` at the i-th); stops
// (keeping the records) on divergence or a failed evaluation and returns the status message, empty
// when ok.
std::string run_flow(const Flow& flow, const std::string& integrator, const Vec& z0, const std::vector<long>& steps,
                     double lr, const std::function<void(std::size_t, const Vec&)>& record) {
  std::vector<double> times;
  for (long k : steps) times.push_back(k * lr);
  Vec z = z0;
  std::size_t i = 0;
  const IntegrationResult r =
      make_integrator(integrator)->integrate(flow, z, 0.0, times, [&](double, const Vec& state) {
        record(i++, state);
        return true;
      });
  return r.status == IntegrationStatus::ok ? std::string() : std::string(to_string(r.status)) + ": " + r.message;
}

// A GD flow (gradient or central) from θ₀: θ, loss, sharpness and, for the central flow, its
// prediction and tr X.
std::string run_gd_flow(const Flow& flow, const std::string& integrator, const Vec& theta0,
                        const std::vector<long>& steps, double lr, double tol, Track& out) {
  const auto* central = dynamic_cast<const CentralFlow*>(&flow);
  return run_flow(flow, integrator, flow.start_state(theta0), steps, lr, [&](std::size_t i, const Vec& state) {
    const Vec theta = state.head(flow.dim());
    out.theta[i] = theta;
    out.loss[i] = flow.objective().value(theta);
    out.sharp[i] = sharpness(flow.objective(), theta, tol);
    if (central) {
      const CentralFlowPoint p = central->evaluate(theta);
      out.predicted[i] = p.predicted_loss;
      out.trace_x[i] = p.x.size() ? p.x.trace() : 0.0;
    }
  });
}

// First recorded time at which a sharpness series reaches the edge (2/η for GD, 2 for the
// preconditioned sharpness of RMSprop), to a relative 1e-3 (the central flow approaches the edge
// from below at the relaxation rate); NaN if never.
double first_cross(const std::vector<double>& sharp, const std::vector<long>& steps, double lr, double edge) {
  for (std::size_t i = 0; i < sharp.size(); ++i)
    if (sharp[i] >= (1.0 - 1e-3) * edge) return steps[i] * lr;
  return kNan;
}

// GD at the edge: the first record after `cross` where GD's sharpness is back below 2/η — the end
// of the overshoot, during which the unstable mode grows from a tiny component and GD still follows
// gradient flow (NaN if never).
double first_settled(const std::vector<double>& sharp, const std::vector<long>& steps, double lr, double cross) {
  for (std::size_t i = 0; i < sharp.size(); ++i)
    if (steps[i] * lr > cross && sharp[i] < 2.0 / lr) return steps[i] * lr;
  return kNan;
}

// GD's oscillation about its time average over a window, along the top eigenvectors u_i (λ_i) of
// ∇²F(θ̄) (Lanczos): with δ_j = θ_j − θ̄ and x_ij = u_iᵀδ_j, the variance Σ_i ⟨x_i²⟩ (the central
// flow's tr X is its prediction: X = E[x xᵀ], doc/references.md "Central flows"), the whole
// ⟨‖δ‖²⟩, the quadratic term ⟨½Σ_i λ_i x_i²⟩ (the prediction ½⟨Σ, H⟩ = tr X/η on the edge) and
// the actual loss gap ⟨F(θ_j)⟩ − F(θ̄), which the quadratic term approximates to second order.
struct Oscillation {
  double var_top = kNan, var_all = kNan, quad_top = kNan, gap = kNan, lambda_top = kNan;
};

Oscillation oscillation(const Objective& f, const std::vector<Vec>& iterates, const std::vector<double>& loss, long first,
                        long last, const Vec& mean, long k_top, double tol) {
  analysis::EigenOptions o;
  o.k = k_top;
  o.tol = tol;
  o.method = analysis::EigenMethod::lanczos;
  const analysis::EigenResult r = analysis::extreme_eigenpairs(analysis::HessianOperator(f, mean), o);
  if (!r.converged) throw std::runtime_error(kPrefix + "Lanczos did not converge for the top eigenpairs at θ̄");
  Oscillation out;
  out.var_top = out.var_all = out.quad_top = 0.0;
  double loss_sum = 0.0;
  for (long j = first; j <= last; ++j) {
    const Vec delta = iterates[j] - mean;
    const Vec x = r.eigenvectors.transpose() * delta;  // x_i = u_iᵀ δ_j
    out.var_top += x.squaredNorm();
    out.var_all += delta.squaredNorm();
    out.quad_top += 0.5 * x.cwiseAbs2().dot(r.eigenvalues);  // ½ Σ_i λ_i x_i²
    loss_sum += loss[j];
  }
  const double w = static_cast<double>(last - first + 1);
  out.var_top /= w, out.var_all /= w, out.quad_top /= w;
  out.gap = loss_sum / w - f.value(mean);
  out.lambda_top = r.eigenvalues[0];
  return out;
}

// Median relative error |loss − GD's time-averaged loss| / GD's time-averaged loss over the records
// from time `from` on where both are numbers (NaN if none). The median, because GD's catapults
// (loss spikes of 2–3× within a window) would dominate a mean.
double median_relative_error(const std::vector<double>& loss, const std::vector<double>& avg_loss,
                             const std::vector<long>& steps, double lr, double from) {
  std::vector<double> errors;
  for (std::size_t i = 0; i < steps.size(); ++i)
    if (steps[i] * lr >= from && std::isfinite(loss[i]) && std::isfinite(avg_loss[i]))
      errors.push_back(std::abs(loss[i] - avg_loss[i]) / avg_loss[i]);
  return errors.empty() ? kNan : analysis::sample_quantile(errors, 0.5);
}

// Mean over the records from time `from` on where every series in `all` is a number (NaN if none):
// a time average over whole catapult cycles, which a median over short windows does not see.
double mean_from(const std::vector<double>& values, const std::vector<std::vector<double>>& all,
                 const std::vector<long>& steps, double lr, double from) {
  double sum = 0.0;
  long count = 0;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    bool ok = steps[i] * lr >= from;
    for (const auto& series : all) ok = ok && std::isfinite(series[i]);
    if (ok) sum += values[i], ++count;
  }
  return count ? sum / static_cast<double>(count) : kNan;
}

// --- RMSprop (flows/rmsprop_central_flow.hpp) ---------------------------------------------------

// λmax(P⁻¹H) at (θ, ν), P = (√ν + ε)/η (RMSprop's stability threshold is 2): Lanczos on the
// symmetric P^{-1/2} H P^{-1/2}, HVPs only.
double preconditioned_sharpness(const Objective& f, const Vec& theta, const Vec& nu, double lr, double eps,
                                double tol) {
  const Vec s = (lr / (nu.cwiseMax(0.0).cwiseSqrt().array() + eps)).sqrt();
  const analysis::HessianOperator h(f, theta);
  const FunctionOperator scaled(f.dim(), [&](const Vec& v, Vec& out) {
    h.apply(s.cwiseProduct(v), out);
    out.array() *= s.array();
  });
  analysis::EigenOptions o;
  o.k = 1;
  o.tol = tol;
  o.method = analysis::EigenMethod::lanczos;
  const analysis::EigenResult r = analysis::extreme_eigenpairs(scaled, o);
  if (!r.converged) throw std::runtime_error(kPrefix + "Lanczos did not converge for λmax(P⁻¹H)");
  return r.eigenvalues[0];
}

// The integrator spec of `key`, checked: an InputError names the key.
std::string integrator_key(const Spec& p, const std::string& key) {
  const std::string spec = p.text(key);
  try {
    make_integrator(spec);
  } catch (const InputError& e) {
    throw InputError(kPrefix + "key '" + key + "': " + e.what());
  }
  return spec;
}

// The RMSprop part's settings (keys rms_*), read and checked before anything is written.
struct RmspropSetup {
  double lr = 0.0, alpha = 0.0, eps = 0.0;
  long steps = 0;
  std::string optimizer, cf_integrator, sf_integrator;
  FlowPtr central, stable;
};

RmspropSetup read_rmsprop_setup(const Spec& p, const Objective& f, long k_top, double critical, double relax) {
  RmspropSetup r;
  r.lr = p.positive("rms_lr");
  r.alpha = p.real("rms_alpha");
  if (!(r.alpha > 0.0 && r.alpha < 1.0))
    throw InputError(kPrefix + "key 'rms_alpha': " + format_number(r.alpha) + " is outside (0, 1)");
  r.eps = p.positive("rms_eps");
  const double T = p.positive("rms_T");
  if (T / r.lr > 1e6) throw InputError(kPrefix + "key 'rms_T': rms_T/rms_lr = " + format_number(T / r.lr) + " steps exceeds 1e6");
  r.steps = std::lround(T / r.lr);
  if (r.steps == 0) throw InputError(kPrefix + "key 'rms_T': rms_T/rms_lr = " + format_number(T / r.lr) + " rounds to 0 steps");
  const std::string common = "lr=" + format_number(r.lr) + ",alpha=" + format_number(r.alpha) + ",eps=" + format_number(r.eps);
  r.optimizer = "rmsprop:" + common + ",convention=torch";
  try {  // a value the flows refuse (e.g. eps > 1, an lr whose rate b underflows) names the experiment's keys
    r.central = make_flow("rmsprop_central:" + common + ",k=" + std::to_string(k_top) + ",critical=" +
                              format_number(critical) + ",relax=" + format_number(relax), f);
    // The stable flow −P⁻¹∇F with the central flow's rate of ν: Barakat & Bianchi's ODE with
    // b = (1 − α)/(αη), started, like the central flow, from (θ₀, (1 − α)∇F(θ₀)²).
    r.stable = make_flow("rmsprop_ode:b=" + format_number((1.0 - r.alpha) / (r.alpha * r.lr)) + ",eps=" + format_number(r.eps), f);
  } catch (const InputError& e) {
    throw InputError(kPrefix + "keys 'rms_lr', 'rms_alpha', 'rms_eps': " + e.what());
  }
  r.cf_integrator = integrator_key(p, "rms_cf_integrator");
  r.sf_integrator = integrator_key(p, "rms_sf_integrator");
  return r;
}

// RMSprop (torch's convention) against its stable and central flows from the same θ₀ (see the top
// of the file): rmsprop_trajectories.csv and rmsprop_summary.csv. Returns the first failure
// (divergence or a flow that stopped), empty when none.
std::string run_rmsprop(Experiment& ex, const Objective& f, const Vec& theta0, const RmspropSetup& rs, long every,
                        long window, double tol) {
  const Index d = f.dim();
  const double lr = rs.lr;
  const long n = rs.steps;
  std::vector<long> steps;
  for (long k = 0; k <= n; k += every) steps.push_back(k);
  if (steps.back() != n) steps.push_back(n);
  // RMSprop: θ_k and the ν its next step uses (ν_{k+1}, updated with ∇F(θ_k) before that step), so
  // one step more than recorded.
  OptimizerPtr rms = make_optimizer(rs.optimizer);
  rms->reset(d);
  ObjectiveOracle oracle(f);
  std::vector<Vec> iterates{theta0}, nus;
  std::vector<double> losses{f.value(theta0)};
  Vec theta = theta0;
  std::string status;
  for (long k = 1; k <= n + 1; ++k) {
    try {
      rms->step(theta, oracle);
    } catch (const DivergenceError& e) {
      status = "rmsprop diverged at step " + std::to_string(k) + " (" + e.what() + ")";
      break;
    }
    nus.push_back(rms->state("v"));
    const double loss = f.value(theta);
    if (!std::isfinite(loss) || !theta.allFinite()) {
      status = "rmsprop diverged at step " + std::to_string(k);
      break;
    }
    if (k <= n) iterates.push_back(theta), losses.push_back(loss);
  }
  const long reached = std::min(static_cast<long>(iterates.size()), static_cast<long>(nus.size())) - 1;
  Track opt(steps.size()), sf(steps.size()), cf(steps.size());
  std::vector<Vec> avg(steps.size());
  std::vector<double> avg_loss(steps.size(), kNan);
  const long half = window / 2;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const long k = steps[i];
    if (k > reached) break;
    opt.loss[i] = losses[k];
    opt.sharp[i] = preconditioned_sharpness(f, iterates[k], nus[k], lr, rs.eps, tol);
    if (k - half < 0 || k + half > reached) continue;
    Vec sum = Vec::Zero(d);
    double loss_sum = 0.0;
    for (long j = k - half; j <= k + half; ++j) sum += iterates[j], loss_sum += losses[j];
    avg[i] = sum / static_cast<double>(window);
    avg_loss[i] = loss_sum / static_cast<double>(window);
  }
  const auto* central = dynamic_cast<const RmspropCentralFlow*>(rs.central.get());
  const Vec z0 = rs.central->start_state(theta0);  // (θ₀, (1 − α)∇F(θ₀)²) for both flows
  auto recorder = [&](Track& out, bool is_central) {
    return [&, is_central](std::size_t i, const Vec& z) {
      out.theta[i] = z.head(d);
      out.loss[i] = f.value(out.theta[i]);
      out.sharp[i] = preconditioned_sharpness(f, out.theta[i], z.tail(d), lr, rs.eps, tol);
      if (!is_central) return;
      const RmspropCentralFlowPoint q = central->evaluate(z);
      out.predicted[i] = q.predicted_loss;
      out.trace_x[i] = q.x.size() ? q.x.trace() : 0.0;
    };
  };
  const std::string sf_status = run_flow(*rs.stable, rs.sf_integrator, z0, steps, lr, recorder(sf, false));
  const std::string cf_status = run_flow(*rs.central, rs.cf_integrator, z0, steps, lr, recorder(cf, true));

  auto distance = [&](const Track& flow, std::size_t i) {
    return avg[i].size() && flow.theta[i].size() ? (avg[i] - flow.theta[i]).norm() : kNan;
  };
  harness::CsvWriter& rows =
      ex.csv("rmsprop_trajectories.csv", {"step", "t", "loss_rms", "loss_rms_avg", "loss_sf", "loss_cf",
                                          "loss_cf_predicted", "psharp_rms", "psharp_sf", "psharp_cf", "trace_x",
                                          "dist_avg_sf", "dist_avg_cf"});
  double max_sf = kNan, max_cf = kNan;  // NaN when no distance was computed
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const double d_sf = distance(sf, i), d_cf = distance(cf, i);
    rows.row({static_cast<long long>(steps[i]), steps[i] * lr, opt.loss[i], avg_loss[i], sf.loss[i], cf.loss[i],
              cf.predicted[i], opt.sharp[i], sf.sharp[i], cf.sharp[i], cf.trace_x[i], d_sf, d_cf});
    if (std::isfinite(d_sf)) max_sf = std::isnan(max_sf) ? d_sf : std::max(max_sf, d_sf);
    if (std::isfinite(d_cf)) max_cf = std::isnan(max_cf) ? d_cf : std::max(max_cf, d_cf);
  }
  std::size_t last = steps.size();
  while (last > 0 && !std::isfinite(distance(cf, last - 1) + distance(sf, last - 1))) --last;
  // Against RMSprop's time-averaged loss from its crossing of the edge on: medians and signed time means.
  const double cross = first_cross(opt.sharp, steps, lr, 2.0);
  const std::vector<std::vector<double>> all{avg_loss, cf.predicted, cf.loss, sf.loss};
  const double mean_avg = mean_from(avg_loss, all, steps, lr, cross);
  auto mean_err = [&](const std::vector<double>& v) { return mean_from(v, all, steps, lr, cross) / mean_avg - 1.0; };
  const double err_sf = median_relative_error(sf.loss, avg_loss, steps, lr, cross);
  const double err_cf = median_relative_error(cf.predicted, avg_loss, steps, lr, cross);
  const double err_cf_plain = median_relative_error(cf.loss, avg_loss, steps, lr, cross);
  ex.csv("rmsprop_summary.csv",
         {"lr", "alpha", "eps", "steps", "rms_cross_t", "sf_cross_t", "cf_cross_t", "rel_loss_err_sf",
          "rel_loss_err_cf", "rel_loss_err_cf_plain", "mean_err_sf", "mean_err_cf", "mean_err_cf_plain",
          "max_dist_avg_sf", "max_dist_avg_cf", "final_dist_avg_sf", "final_dist_avg_cf", "final_loss_rms",
          "final_loss_sf", "final_loss_cf", "final_psharp_rms", "final_psharp_sf", "final_psharp_cf"})
      .row({lr, rs.alpha, rs.eps, static_cast<long long>(n), cross, first_cross(sf.sharp, steps, lr, 2.0),
            first_cross(cf.sharp, steps, lr, 2.0), err_sf, err_cf, err_cf_plain, mean_err(sf.loss),
            mean_err(cf.predicted), mean_err(cf.loss), max_sf, max_cf, last ? distance(sf, last - 1) : kNan,
            last ? distance(cf, last - 1) : kNan, opt.loss.back(), sf.loss.back(), cf.loss.back(), opt.sharp.back(),
            sf.sharp.back(), cf.sharp.back()});
  ex.note("rmsprop_central_flow", rs.central->spec());
  ex.note("rmsprop_rel_loss_err_sf", format_number(err_sf, 4));
  ex.note("rmsprop_rel_loss_err_cf", format_number(err_cf, 4));
  if (!status.empty()) return status;
  if (!sf_status.empty()) return "rmsprop's stable flow " + sf_status;
  if (!cf_status.empty()) return "rmsprop's central flow " + cf_status;
  return {};
}

void run(Experiment& ex) {
  const Spec& p = ex.params();
  const double lr = p.positive("lr"), T = p.positive("T"), tol = p.real("lanczos_tol", 1e-14, 1e-2);
  const long every = p.integer("record_every", 1, 1'000'000);
  const long window = p.integer("window", 1, 1'000'001);
  if (window % 2 == 0) throw InputError(kPrefix + "key 'window': " + std::to_string(window) + " is not odd");
  if (T / lr > 1e6) throw InputError(kPrefix + "key 'T': T/lr = " + format_number(T / lr) + " steps exceeds 1e6");
  ObjectivePtr f = make_objective(p.text("objective"));
  const Vec theta0 = initial_point(p.text("x0"), *f);
  // The central flow's keys, read here so a bad value names the experiment's key (ranges as in
  // flows/central_flow.cpp's table) and no text is pasted into the flow's spec.
  const long k_top = p.integer("k", 1, 16);
  const double critical = p.real_above("critical", 0.0, 1.0), relax = p.positive("relax");
  const std::string cf_spec = "central:lr=" + format_number(lr) + ",k=" + std::to_string(k_top) +
                              ",critical=" + format_number(critical) + ",relax=" + format_number(relax);
  FlowPtr central = make_flow(cf_spec, *f);
  FlowPtr gradient = make_flow("gradient", *f);
  const RmspropSetup rmsprop = read_rmsprop_setup(p, *f, k_top, critical, relax);
  // both integrator specs checked before anything is written
  const std::string gf_integrator = integrator_key(p, "gf_integrator"), cf_integrator = integrator_key(p, "cf_integrator");
  const long n = std::lround(T / lr);
  if (n == 0) throw InputError(kPrefix + "key 'T': T/lr = " + format_number(T / lr) + " rounds to 0 steps");
  std::vector<long> steps;
  for (long k = 0; k <= n; k += every) steps.push_back(k);
  if (steps.back() != n) steps.push_back(n);
  ex.note("dim", std::to_string(f->dim()));
  ex.note("central_flow", central->spec());

  // GD: every iterate (for the centred time average), sharpness at the record steps.
  OptimizerPtr gd = make_optimizer("gd:lr=" + format_number(lr));
  gd->reset(f->dim());
  ObjectiveOracle oracle(*f);
  std::vector<Vec> iterates{theta0};
  std::vector<double> gd_loss{f->value(theta0)};
  Vec theta = theta0;
  std::string gd_status;
  // The step throws DivergenceError on a non-finite loss or θ (core/error.hpp); a non-finite
  // loss at the last iterate is caught here. Either ends GD with the iterates so far, whose
  // records are written before the experiment ends as diverged (exit 3).
  for (long k = 1; k <= n; ++k) {
    try {
      gd->step(theta, oracle);
    } catch (const DivergenceError& e) {
      gd_status = "diverged at step " + std::to_string(k) + " (" + e.what() + ")";
      break;
    }
    const double loss = f->value(theta);
    if (!std::isfinite(loss) || !theta.allFinite()) {
      gd_status = "diverged at step " + std::to_string(k);
      break;
    }
    iterates.push_back(theta);
    gd_loss.push_back(loss);
  }
  Track gd_track(steps.size()), gf(steps.size()), cf(steps.size());
  std::vector<Vec> avg(steps.size());
  std::vector<double> avg_loss(steps.size(), kNan);
  std::vector<Oscillation> osc(steps.size());
  const long half = window / 2, reached = static_cast<long>(iterates.size()) - 1;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const long k = steps[i];
    if (k > reached) break;
    gd_track.loss[i] = gd_loss[k];
    gd_track.sharp[i] = sharpness(*f, iterates[k], tol);
    if (k - half < 0 || k + half > reached) continue;
    // θ̄_k = (1/W) Σ_{|j−k|≤W/2} θ_j and the mean loss over the same window
    Vec sum = Vec::Zero(f->dim());
    double loss_sum = 0.0;
    for (long j = k - half; j <= k + half; ++j) sum += iterates[j], loss_sum += gd_loss[j];
    avg[i] = sum / static_cast<double>(window);
    avg_loss[i] = loss_sum / static_cast<double>(window);
    osc[i] = oscillation(*f, iterates, gd_loss, k - half, k + half, avg[i], k_top, tol);
  }
  const std::string gf_status = run_gd_flow(*gradient, gf_integrator, theta0, steps, lr, tol, gf);
  const std::string cf_status = run_gd_flow(*central, cf_integrator, theta0, steps, lr, tol, cf);

  auto distance = [&](const Track& flow, std::size_t i) {
    return avg[i].size() && flow.theta[i].size() ? (avg[i] - flow.theta[i]).norm() : kNan;
  };
  harness::CsvWriter& rows = ex.csv(
      "trajectories.csv", {"step", "t", "loss_gd", "loss_gd_avg", "loss_gf", "loss_cf", "loss_cf_predicted", "sharp_gd",
                           "sharp_gf", "sharp_cf", "trace_x", "dist_avg_gf", "dist_avg_cf", "osc_var_top", "osc_var_all",
                           "osc_quad_top", "loss_gap_gd", "sharp_gd_avg"});
  const double gd_cross = first_cross(gd_track.sharp, steps, lr, 2.0 / lr);
  const double settled = first_settled(gd_track.sharp, steps, lr, gd_cross);
  double max_gf = kNan, max_cf = kNan;  // NaN when no distance was computed
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const double d_gf = distance(gf, i), d_cf = distance(cf, i);
    rows.row({static_cast<long long>(steps[i]), steps[i] * lr, gd_track.loss[i], avg_loss[i], gf.loss[i], cf.loss[i],
              cf.predicted[i], gd_track.sharp[i], gf.sharp[i], cf.sharp[i], cf.trace_x[i], d_gf, d_cf, osc[i].var_top, osc[i].var_all, osc[i].quad_top, osc[i].gap,
              osc[i].lambda_top});
    if (std::isfinite(d_gf)) max_gf = std::isnan(max_gf) ? d_gf : std::max(max_gf, d_gf);
    if (std::isfinite(d_cf)) max_cf = std::isnan(max_cf) ? d_cf : std::max(max_cf, d_cf);
  }
  std::size_t last = steps.size();
  while (last > 0 && !std::isfinite(distance(cf, last - 1) + distance(gf, last - 1))) --last;
  // loss errors against GD's time-averaged loss: from GD's crossing, and from the end of its overshoot
  const double err_gf = median_relative_error(gf.loss, avg_loss, steps, lr, gd_cross);
  const double err_cf = median_relative_error(cf.predicted, avg_loss, steps, lr, gd_cross);
  const double err_gf_settled = median_relative_error(gf.loss, avg_loss, steps, lr, settled);
  const double err_cf_settled = median_relative_error(cf.predicted, avg_loss, steps, lr, settled);
  const double err_cf_plain_settled = median_relative_error(cf.loss, avg_loss, steps, lr, settled);
  // The same from the settling on, as time means: (mean prediction − mean GD loss)/mean GD loss (signed),
  // GD's measured oscillation variance over the central flow's tr X (ratio of means), and the
  // fraction of windows where GD barely oscillates (variance < 0.1 tr X).
  std::vector<double> var_top(steps.size());
  for (std::size_t i = 0; i < steps.size(); ++i) var_top[i] = osc[i].var_top;
  const std::vector<std::vector<double>> both{avg_loss, cf.predicted, gf.loss, var_top};
  const double mean_avg = mean_from(avg_loss, both, steps, lr, settled);
  const double mean_err_cf = mean_from(cf.predicted, both, steps, lr, settled) / mean_avg - 1.0;
  const double mean_err_cf_plain = mean_from(cf.loss, both, steps, lr, settled) / mean_avg - 1.0;
  const double mean_err_gf = mean_from(gf.loss, both, steps, lr, settled) / mean_avg - 1.0;
  const double var_ratio = mean_from(var_top, both, steps, lr, settled) / mean_from(cf.trace_x, both, steps, lr, settled);
  std::vector<double> quiet(steps.size(), kNan);
  for (std::size_t i = 0; i < steps.size(); ++i)
    if (std::isfinite(var_top[i]) && cf.trace_x[i] > 0.0) quiet[i] = var_top[i] < 0.1 * cf.trace_x[i] ? 1.0 : 0.0;
  const double quiet_fraction = mean_from(quiet, {quiet}, steps, lr, settled);
  ex.csv("summary.csv", {"lr", "two_over_lr", "steps", "dim", "gd_cross_t", "gf_cross_t", "cf_cross_t", "gd_settled_t",
                         "rel_loss_err_gf", "rel_loss_err_cf", "rel_loss_err_gf_settled", "rel_loss_err_cf_settled",
                         "rel_loss_err_cf_plain_settled", "max_dist_avg_gf", "max_dist_avg_cf", "final_dist_avg_gf",
                         "final_dist_avg_cf", "final_loss_gd", "final_loss_gf", "final_loss_cf", "final_sharp_gd",
                         "final_sharp_gf", "final_sharp_cf", "mean_err_gf_settled", "mean_err_cf_settled",
                         "mean_err_cf_plain_settled", "osc_var_ratio_settled", "quiet_fraction_settled"})
      .row({lr, 2.0 / lr, static_cast<long long>(n), static_cast<long long>(f->dim()), gd_cross,
            first_cross(gf.sharp, steps, lr, 2.0 / lr), first_cross(cf.sharp, steps, lr, 2.0 / lr), settled, err_gf, err_cf, err_gf_settled,
            err_cf_settled, err_cf_plain_settled, max_gf, max_cf, last ? distance(gf, last - 1) : kNan,
            last ? distance(cf, last - 1) : kNan, gd_track.loss.back(), gf.loss.back(), cf.loss.back(),
            gd_track.sharp.back(), gf.sharp.back(), cf.sharp.back(), mean_err_gf, mean_err_cf, mean_err_cf_plain,
            var_ratio, quiet_fraction});
  ex.note("rel_loss_err_gf_settled", format_number(err_gf_settled, 4));
  ex.note("rel_loss_err_cf_settled", format_number(err_cf_settled, 4));
  ex.note("mean_err_cf_settled", format_number(mean_err_cf, 4));
  ex.note("osc_var_ratio_settled", format_number(var_ratio, 4));
  ex.note("max_dist_avg_gf", format_number(max_gf, 4));
  ex.note("max_dist_avg_cf", format_number(max_cf, 4));
  const std::string rms_status = run_rmsprop(ex, *f, theta0, rmsprop, every, window, tol);
  if (!gd_status.empty()) throw DivergenceError(kPrefix + "gd " + gd_status);
  if (!gf_status.empty()) throw DivergenceError(kPrefix + "gradient flow " + gf_status);
  if (!cf_status.empty()) throw DivergenceError(kPrefix + "central flow " + cf_status);
  if (!rms_status.empty()) throw DivergenceError(kPrefix + rms_status);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string quick_net =
      "mlp:widths=5-10-10-1,act=tanh,loss=mse,data=teacher-mlp,teacher_widths=20,noise=1,n=100,data_seed=1";
  const std::string full_net =
      "mlp:widths=5-20-20-1,act=tanh,loss=mse,data=teacher-mlp,teacher_widths=20,noise=1,n=200,data_seed=1";
  return optdyn::harness::run_experiment(
      argc, argv,
      {"central_flow",
       "GD at the edge of stability against gradient flow (= GD's stable flow) and the central flow "
       "(Cohen, Damian et al. 2025): losses, sharpness, distance of GD's time average from each flow",
       {
           {"objective", quick_net, full_net, "objective (a tanh MLP regression, mse)"},
           {"x0", "init:gaussian,seed=0", "init:gaussian,seed=0", "start point of GD and both flows"},
           {"lr", "0.3", "0.2", "GD step size η (the edge is 2/η)"},
           {"T", "60", "150", "time horizon (⌊T/η⌉ steps)"},
           {"k", "2", "3", "top Hessian eigenvalues the central flow considers"},
           {"critical", "0.9", "0.9", "central flow: an eigenvalue is critical when λ ≥ critical·2/η"},
           {"relax", "1", "1", "central flow: constraint relaxation time in GD steps"},
           {"cf_integrator", "rk4:h=0.3", "rk4:h=0.1", "integrator of the central flow"},
           {"gf_integrator", "dopri5:rtol=1e-10,atol=1e-12", "dopri5:rtol=1e-10,atol=1e-12",
            "integrator of the gradient flow"},
           {"record_every", "2", "1", "record every this many GD steps"},
           {"window", "9", "21", "GD's time average: centred window of this many steps (odd)"},
           {"lanczos_tol", "1e-8", "1e-8", "relative tolerance of the λmax solves"},
           {"rms_lr", "0.01", "0.01", "RMSprop's step size η (its edge: λmax(P⁻¹H) = 2)"},
           {"rms_alpha", "0.99", "0.99", "RMSprop's decay α of ν"},
           {"rms_eps", "1e-8", "1e-8", "RMSprop's ε (D = √ν + ε)"},
           {"rms_T", "2", "4", "RMSprop's time horizon (⌊T/η⌉ steps)"},
           {"rms_cf_integrator", "rk4:h=0.01", "rk4:h=0.005", "integrator of RMSprop's central flow"},
           {"rms_sf_integrator", "dopri5:rtol=1e-8,atol=1e-10", "dopri5:rtol=1e-10,atol=1e-12",
            "integrator of RMSprop's stable flow (rmsprop_ode)"},
       }},
      run);
}
