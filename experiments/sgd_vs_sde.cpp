// sgd_vs_sde — SGD, SVAG and Euler–Maruyama against the SDE dθ = −∇F dt + (ηΣ_B)^{1/2} dW
// (Li, Malladi & Arora 2021; doc/references.md, "SVAG and the weak error"; issue 18, part 3).
//
// Two problems (axis `problem`):
//  quad  the noisy quadratic model (`quad_objective`; gradient noise Σ = ASA at every θ), where
//        SGD, SVAG and Euler–Maruyama are linear recursions whose first two moments are known in
//        closed form (analysis/ornstein_uhlenbeck.hpp) and the SDE is an Ornstein–Uhlenbeck
//        process with closed-form moments: every estimate sits beside its closed form.
//  mlp   a small MLP (`mlp_objective`: teacher data at quick scale, Fashion-MNIST at full),
//        whose reference is Euler–Maruyama on the SDE with a step `em_ref_divisor` times finer
//        than SVAG's finest.
// Methods (zipped with their l): sgd (sgd:lr=η, batch B); svag at every l of `ls`
// (svag:lr=η,l, h = η/l); em at h = η/l (euler_maruyama on sgd_sde:lr=η,batch=B); em_ref
// (mlp only); lsr at every κ of `kappas` (sgd:lr=κη₀, batch κB₀: the linear scaling rule, same
// SDE since η/B is fixed; h = κη₀). Every run takes ⌊T/h⌉ steps (T/h must be an integer) and
// records three test functions of x = θ − c at time T (c = θ* for quad, 0 for mlp): x_i (test
// "x0": coordinate i = 0 on quad; on mlp the coordinate of largest |∂F/∂θ_i| at θ₀, since a
// weight of an always-zero input, such as Fashion-MNIST's corner pixels, never moves), ‖x‖²,
// F(θ) − F(c). On quad the sgd/svag/em runs then continue for `quad_burn`
// and average xxᵀ over `quad_avg` units of time: the stationary covariance.
//
// Jobs: problem × case (the (method, l) pairs in the order above) × chunks of `runs_per_job` runs (Experiment::run_jobs); run r of a
// job has seed Rng::derived(job seed, r) >> 11 (sampler and noise streams derive from it).
//
// Outputs: runs.csv (every run's values), weak_error.csv (means with Student-t intervals, the
// reference, the Welch interval of the difference, the closed form on quad), weak_order.csv
// (fitted order against h with a bootstrap interval; expected 1), stationary.csv (quad:
// estimate, its interval, the discrete closed form and the SDE's Lyapunov solution), lsr.csv
// (per κ: the difference to the SDE reference with its interval, whether the interval holds 0,
// the noise-to-signal ratio tr Σ_B/‖∇F‖² at θ₀).
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "harness/experiment.hpp"
#include "optdyn/analysis/convergence_rates.hpp"
#include "optdyn/analysis/lyapunov.hpp"
#include "optdyn/analysis/mean_estimate.hpp"
#include "optdyn/analysis/ornstein_uhlenbeck.hpp"
#include "optdyn/analysis/weak_error.hpp"
#include "optdyn/core/error.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/core/text.hpp"
#include "optdyn/integrators/euler_maruyama.hpp"
#include "optdyn/limits/continuous_limit.hpp"
#include "optdyn/objectives/initial_point.hpp"
#include "optdyn/objectives/noisy_quadratic.hpp"
#include "optdyn/objectives/registry.hpp"
#include "optdyn/optimizers/oracle.hpp"
#include "optdyn/optimizers/registry.hpp"

namespace {

using namespace optdyn;
using harness::Experiment;
using harness::JobResult;

const std::string kPrefix = "experiment 'sgd_vs_sde': ";
const double kNan = std::numeric_limits<double>::quiet_NaN();
const std::vector<std::string> kTests = {"x0", "sq_norm", "loss"};

std::string num(double x) { return format_number(x); }

// One problem: objective, start, SGD's η and B, the time T of the test functions.
struct Problem {
  std::string name;
  ObjectivePtr f;
  Vec x0, centre;  // θ₀; c (θ* or 0)
  Index coordinate = 0;  // i of the test function x_i
  double lr = 0, lr0 = 0, t = 0;  // η; η₀ of the scaling-rule runs
  long batch = 0, batch0 = 0;
};

// A method at parameter l (κ for lsr): its step h on the SDE's clock and how to run it.
struct Method {
  std::string name;
  double l;
  double h(const Problem& p) const { return name == "lsr" ? l * p.lr0 : name == "sgd" ? p.lr : p.lr / l; }
};

long steps_to(double t, double h, const std::string& what) {
  const double n = t / h;
  if (std::abs(n - std::round(n)) > 1e-9 * n || n < 1 || n > 1e9)
    throw InputError(kPrefix + "key '" + what + "': T/h = " + num(n) + " is not a positive integer");
  return std::lround(n);
}

// The three test functions of θ.
std::vector<double> tests(const Problem& p, const Vec& theta) {
  const Vec x = theta - p.centre;
  return {x[p.coordinate], x.squaredNorm(), p.f->value(theta) - p.f->value(p.centre)};
}

struct Run {
  std::vector<double> at_t;  // test functions at T
  Mat stationary;            // time-averaged xxᵀ (empty: not measured)
};

// A map run: `opt` from θ₀ for ⌊T/h⌉ steps, then (stationary_steps > 0) burn-in and averaging.
Run run_map(const Problem& p, const std::string& spec, long batch, double h, std::uint64_t seed, long burn, long avg) {
  OptimizerPtr opt = make_optimizer(spec);
  opt->reset(p.f->dim());
  ObjectiveOracle oracle(*p.f, batch, Sampling::replacement, seed);
  Vec theta = p.x0;
  const long n = steps_to(p.t, h, p.name + "_T");
  for (long k = 0; k < n; ++k) opt->step(theta, oracle);
  Run r{tests(p, theta), {}};
  if (avg == 0) return r;
  for (long k = 0; k < burn; ++k) opt->step(theta, oracle);
  r.stationary = Mat::Zero(p.f->dim(), p.f->dim());
  for (long k = 0; k < avg; ++k) {
    opt->step(theta, oracle);
    const Vec x = theta - p.centre;
    r.stationary += x * x.transpose() / static_cast<double>(avg);
  }
  return r;
}

// Euler–Maruyama with step h on the SDE of SGD at (η, B); the same record protocol.
Run run_em(const Problem& p, double h, std::uint64_t seed, long burn, long avg) {
  const ContinuousLimit c = stochastic_limit("sgd:lr=" + num(p.lr), p.batch, Sampling::replacement);
  FlowPtr flow = c.make_flow(*p.f);
  IntegratorPtr em = make_euler_maruyama({.h = h, .seed = seed});
  const long n = steps_to(p.t, h, p.name + "_T");
  std::vector<double> times{static_cast<double>(n) * h};
  for (long k = n + burn + 1; avg > 0 && k <= n + burn + avg; ++k) times.push_back(static_cast<double>(k) * h);
  Run r;
  if (avg > 0) r.stationary = Mat::Zero(p.f->dim(), p.f->dim());
  Vec z = flow->start_state(p.x0);
  const IntegrationResult res = em->integrate(*flow, z, 0.0, times, [&](double t, const Vec& state) {
    const Vec theta = state.head(p.f->dim());
    if (r.at_t.empty()) {
      r.at_t = tests(p, theta);
    } else {
      const Vec x = theta - p.centre;
      r.stationary += x * x.transpose() / static_cast<double>(avg);
    }
    (void)t;
    return true;
  });
  if (res.status == IntegrationStatus::diverged) throw DivergenceError(kPrefix + "euler_maruyama: " + res.message);
  if (res.status != IntegrationStatus::ok) throw std::runtime_error(kPrefix + "euler_maruyama: " + res.message);
  return r;
}

Run run_one(const Problem& p, const Method& m, std::uint64_t seed, double burn_time, double avg_time) {
  const double h = m.h(p);
  const bool stationary = p.name == "quad" && m.name != "lsr" && m.name != "em_ref";
  const long burn = stationary ? steps_to(burn_time, h, "quad_burn") : 0;
  const long avg = stationary ? steps_to(avg_time, h, "quad_avg") : 0;
  if (m.name == "em" || m.name == "em_ref") return run_em(p, h, seed, burn, avg);
  if (m.name == "sgd") return run_map(p, "sgd:lr=" + num(p.lr), p.batch, h, seed, burn, avg);
  if (m.name == "svag") return run_map(p, "svag:lr=" + num(p.lr) + ",l=" + num(m.l), p.batch, h, seed, burn, avg);
  return run_map(p, "sgd:lr=" + num(m.l * p.lr0), static_cast<long>(m.l) * p.batch0, h, seed, 0, 0);  // lsr
}

// --- closed forms on the noisy quadratic ------------------------------------------------------
struct QuadForms {
  Mat a, sigma_b;  // A; Σ/B of the (η, B) runs
};

QuadForms quad_forms(const Problem& p) {
  const auto& q = dynamic_cast<const NoisyQuadratic&>(*p.f);
  return {q.quadratic().matrix(), q.gradient_covariance() / static_cast<double>(p.batch)};
}

std::vector<double> test_values(const analysis::GaussianMoments& g, const Mat& a) {
  return {g.mean[0], g.mean_square_norm(), g.mean_quadratic_form(a)};
}

// E φ(x_T) of the SDE; of the map of method m (SGD, SVAG, EM and the scaling rule are the
// recursion x ← (I − hA)x + ξ with Cov ξ = h·η·Σ_B, η/B as for the SDE).
std::vector<double> sde_values(const Problem& p, const QuadForms& q) {
  return test_values(analysis::ou_moments(q.a, p.lr * q.sigma_b, p.x0 - p.centre, p.t), q.a);
}
std::vector<double> map_values(const Problem& p, const QuadForms& q, double h) {
  return test_values(analysis::linear_recursion_moments(q.a, h, h * p.lr * q.sigma_b, p.x0 - p.centre,
                                                        steps_to(p.t, h, p.name + "_T")),
                     q.a);
}

// Noise-to-signal ratio tr Σ/(B‖∇F‖²) at θ: tr of the per-sample gradient covariance over B.
double noise_to_signal(const Objective& f, const Vec& theta, long batch) {
  const Vec g = f.gradient(theta);
  double tr = 0.0;
  for (Index i = 0; i < f.num_samples(); ++i) {
    const std::vector<Index> one{i};
    Vec gi;
    f.batch_value_and_gradient(theta, one, gi);
    tr += (gi - g).squaredNorm() / static_cast<double>(f.num_samples());
  }
  return tr / static_cast<double>(batch) / g.squaredNorm();
}

}  // namespace

namespace {

// Every run's values of one (problem, method, l), gathered from its jobs in job order.
struct Samples {
  Method method;
  double h = 0;
  std::vector<std::vector<double>> at_t = std::vector<std::vector<double>>(3);  // per test function
  std::vector<std::vector<double>> stationary = std::vector<std::vector<double>>(3);  // xxᵀ 00, 01, 11
};

std::vector<Problem> problems(const Spec& p) {
  std::vector<Problem> out;
  for (const std::string name : {"quad", "mlp"}) {
    Problem q;
    q.name = name;
    q.f = make_objective(p.text(name + "_objective"));
    if (q.f->num_samples() < 2) throw InputError(kPrefix + "key '" + name + "_objective': needs a finite sum");
    q.x0 = initial_point(p.text(name + "_x0"), *q.f);
    q.lr = p.positive(name + "_lr");
    q.batch = p.integer(name + "_batch", 1, 1'000'000);
    q.lr0 = p.positive(name + "_lsr_lr");
    q.batch0 = p.integer(name + "_lsr_batch", 1, 1'000'000);
    q.t = p.positive(name + "_T");
    if (name == "quad") {
      const auto* nq = dynamic_cast<const NoisyQuadratic*>(q.f.get());
      if (!nq || nq->dim() < 2) throw InputError(kPrefix + "key 'quad_objective': needs noisy_quadratic with dim >= 2");
      q.centre = nq->quadratic().minimizer();
    } else {
      q.centre = Vec::Zero(q.f->dim());
      q.f->gradient(q.x0).cwiseAbs().maxCoeff(&q.coordinate);  // a coordinate that moves under the flow
    }
    out.push_back(std::move(q));
  }
  return out;
}

std::vector<double> integers_list(const Spec& p, const std::string& key) {
  std::vector<double> v = p.real_list(key, '/');
  for (double x : v)
    if (!(x >= 1 && x <= 4096 && x == std::floor(x)))
      throw InputError(kPrefix + "key '" + key + "': " + num(x) + " is not an integer in [1, 4096]");
  if (v.size() < 3) throw InputError(kPrefix + "key '" + key + "': needs at least three values");
  return v;
}

// The zipped (method, l) lists: sgd; svag and em at every l; em_ref; lsr at every κ.
std::vector<Method> methods(const std::vector<double>& ls, const std::vector<double>& kappas, double ref_l) {
  std::vector<Method> m{{"sgd", 1.0}};
  for (double l : ls) m.push_back({"svag", l});
  for (double l : ls) m.push_back({"em", l});
  m.push_back({"em_ref", ref_l});
  for (double k : kappas) m.push_back({"lsr", k});
  return m;
}

// Every time of every (problem, method) must be a whole number of its steps h (h from
// <problem>_lr, <problem>_lsr_lr, ls, kappas, em_ref_divisor): checked before any job runs, the
// message naming the keys that set T and h (bad input: exit 2 in a second, not at job 48).
void check_step_grid(const std::vector<Problem>& probs, const std::vector<Method>& ms, double burn, double avg) {
  for (const Problem& p : probs)
    for (const Method& m : ms) {
      const bool stationary = p.name == "quad" && m.name != "lsr" && m.name != "em_ref";
      try {
        steps_to(p.t, m.h(p), p.name + "_T");
        if (stationary) steps_to(burn, m.h(p), "quad_burn"), steps_to(avg, m.h(p), "quad_avg");
      } catch (const InputError& e) {
        throw InputError(std::string(e.what()) + " for " + m.name + " at l = " + num(m.l) + " (h = " + num(m.h(p)) +
                         " from " + p.name + "_lr, " + p.name + "_lsr_lr, ls, kappas, em_ref_divisor)");
      }
    }
}

// The reference E φ of a problem: quad the SDE's closed form; mlp the em_ref runs.
struct Reference {
  std::vector<double> exact;                    // quad
  const std::vector<std::vector<double>>* runs = nullptr;  // mlp
};

analysis::MeanEstimate difference(const std::vector<double>& x, const Reference& ref, std::size_t k) {
  if (ref.runs) return analysis::estimate_difference(x, (*ref.runs)[k]);
  analysis::MeanEstimate e = analysis::estimate_mean(x);
  const double shift = ref.exact[k];
  e.mean -= shift, e.low -= shift, e.high -= shift;
  return e;
}

// Whether some error of the means |m_k − m_ref| is exactly 0 (a test function the runs leave
// unchanged): fit_weak_order has no order then (analysis/src/weak_error.cpp, with the means
// taken the same way, Σx/M).
bool some_error_is_zero(const std::vector<std::vector<double>>& samples, const Reference& ref, std::size_t k) {
  const double reference = ref.runs ? analysis::estimate_mean((*ref.runs)[k]).mean : ref.exact[k];
  for (const std::vector<double>& s : samples)
    if (std::abs(analysis::estimate_mean(s).mean - reference) == 0.0) return true;
  return false;
}

void write_weak_errors(Experiment& ex, const Problem& p, const std::vector<Samples>& all, const Reference& ref,
                       Rng& rng, long resamples) {
  const bool quad = p.name == "quad";
  const QuadForms forms = quad ? quad_forms(p) : QuadForms{};
  for (const Samples& s : all) {
    if (s.method.name == "lsr") continue;
    const std::vector<double> exact = quad ? map_values(p, forms, s.h) : std::vector<double>(3, kNan);
    for (std::size_t k = 0; k < 3; ++k) {
      const analysis::MeanEstimate m = analysis::estimate_mean(s.at_t[k]);
      const analysis::MeanEstimate d = difference(s.at_t[k], ref, k);
      ex.csv("weak_error.csv").row({p.name, s.method.name, s.method.l, s.h, kTests[k], m.mean, m.low, m.high,
                                    m.mean - d.mean, std::abs(d.mean), d.low, d.high, exact[k],
                                    quad ? exact[k] - ref.exact[k] : kNan});
    }
  }
  for (const std::string family : {"svag", "em"}) {
    std::vector<double> hs;
    std::vector<const Samples*> members;
    for (const Samples& s : all)
      if (s.method.name == family) hs.push_back(s.h), members.push_back(&s);
    for (std::size_t k = 0; k < 3; ++k) {
      std::vector<std::vector<double>> samples;
      for (const Samples* s : members) samples.push_back(s->at_t[k]);
      // An exactly zero error of the means (a test function the runs leave unchanged) has no
      // order: the row says so with NaN instead of ending a long run without its other outputs.
      analysis::WeakOrderFit fit{.order = kNan, .prefactor = kNan, .low = kNan, .high = kNan};
      if (some_error_is_zero(samples, ref, k))
        ex.note(p.name + "_" + family + "_order_" + kTests[k] + "_missing",
                "weak order: an error of the means is exactly 0");
      else
        fit = ref.runs ? analysis::fit_weak_order(hs, samples, (*ref.runs)[k], rng, resamples)
                       : analysis::fit_weak_order(hs, samples, ref.exact[k], rng, resamples);
      // quad: the order of the closed-form errors |E φ(map) − E φ(SDE)| (no Monte Carlo noise).
      double exact_order = kNan;
      if (quad) {
        std::vector<double> errors;
        for (double h : hs) errors.push_back(std::abs(map_values(p, forms, h)[k] - ref.exact[k]));
        exact_order = analysis::fit_power_law(hs, errors).exponent;
      }
      ex.csv("weak_order.csv").row({p.name, family, kTests[k], 1.0, fit.order, fit.low, fit.high, fit.prefactor,
                                    static_cast<long long>(fit.resamples), static_cast<long long>(fit.skipped),
                                    exact_order});
      ex.note(p.name + "_" + family + "_order_" + kTests[k], format_number(fit.order, 4) + " [" +
                                                               format_number(fit.low, 3) + ", " +
                                                               format_number(fit.high, 3) + "]");
    }
  }
}

void write_stationary(Experiment& ex, const Problem& p, const std::vector<Samples>& all) {
  const QuadForms q = quad_forms(p);
  const Mat sde = analysis::solve_continuous_lyapunov(q.a, p.lr * q.sigma_b);
  const Index rows[3] = {0, 0, 1}, cols[3] = {0, 1, 1};
  const std::string names[3] = {"00", "01", "11"};
  for (const Samples& s : all) {
    if (s.stationary[0].empty()) continue;
    const Mat discrete = analysis::solve_discrete_lyapunov(q.a, s.h, s.h * p.lr * q.sigma_b);
    for (int i = 0; i < 3; ++i) {
      const analysis::MeanEstimate e = analysis::estimate_mean(s.stationary[static_cast<std::size_t>(i)]);
      ex.csv("stationary.csv").row({s.method.name, s.method.l, s.h, names[i], e.mean, e.low, e.high,
                                    discrete(rows[i], cols[i]), sde(rows[i], cols[i])});
    }
  }
}

void write_scaling_rule(Experiment& ex, const Problem& p, const std::vector<Samples>& all, const Reference& ref) {
  const bool quad = p.name == "quad";
  const QuadForms forms = quad ? quad_forms(p) : QuadForms{};
  // The scaling-rule SDE has η₀/B₀ = κη₀/(κB₀); on quad its moments are those of (η₀, B₀).
  Problem base{.name = p.name, .f = nullptr, .x0 = p.x0, .centre = p.centre, .coordinate = p.coordinate,
               .lr = p.lr0, .lr0 = p.lr0, .t = p.t, .batch = p.batch0, .batch0 = p.batch0};
  const QuadForms base_forms = quad ? QuadForms{forms.a, forms.sigma_b * static_cast<double>(p.batch) /
                                                             static_cast<double>(p.batch0)}
                                    : QuadForms{};
  const std::vector<double> sde = quad ? sde_values(base, base_forms) : std::vector<double>(3, kNan);
  for (const Samples& s : all) {
    if (s.method.name != "lsr") continue;
    const double nsr = noise_to_signal(*p.f, p.x0, static_cast<long>(s.method.l) * p.batch0);
    const std::vector<double> exact = quad ? map_values(base, base_forms, s.h) : std::vector<double>(3, kNan);
    for (std::size_t k = 0; k < 3; ++k) {
      // quad: against the closed form of its own SDE (η₀/B₀); mlp: against em_ref (η₀/B₀ = η/B
      // there: checked in the body).
      const analysis::MeanEstimate d = quad ? difference(s.at_t[k], Reference{sde, nullptr}, k)
                                            : difference(s.at_t[k], ref, k);
      const bool holds = d.low <= 0.0 && 0.0 <= d.high;
      ex.csv("lsr.csv").row({p.name, s.method.l, s.method.l * p.lr0, static_cast<long long>(s.method.l) * p.batch0,
                             s.h, kTests[k], d.mean, d.low, d.high, std::string(holds ? "yes" : "no"),
                             quad ? exact[k] - sde[k] : kNan, nsr});
    }
  }
}

void body(Experiment& ex) {
  const Spec& par = ex.params();
  std::vector<Problem> probs = problems(par);
  const std::vector<double> ls = integers_list(par, "ls"), kappas = integers_list(par, "kappas");
  const long runs = par.integer("runs", 4, 10'000'000), per_job = par.integer("runs_per_job", 2, 1'000'000);
  if (runs % per_job != 0) throw InputError(kPrefix + "key 'runs': not a multiple of runs_per_job");
  const double ref_l = par.positive("em_ref_divisor") * *std::max_element(ls.begin(), ls.end());
  const double burn = par.positive("quad_burn"), avg = par.positive("quad_avg");
  const long resamples = par.integer("bootstrap", 10, 1'000'000);
  for (const Problem& p : probs)  // mlp: the scaling rule's reference is em_ref, the SDE of (η, B)
    if (p.name == "mlp" && std::abs(p.lr / static_cast<double>(p.batch) - p.lr0 / static_cast<double>(p.batch0)) >
        1e-12 * p.lr / static_cast<double>(p.batch))
      throw InputError(kPrefix + "key '" + p.name + "_lsr_lr': η₀/B₀ must equal " + p.name + "_lr/" + p.name +
                       "_batch (the scaling rule is tested against the same SDE)");
  const std::vector<Method> ms = methods(ls, kappas, ref_l);
  check_step_grid(probs, ms, burn, avg);

  harness::SweepAxes axes;
  axes.add_grid("problem", "quad,mlp");
  axes.add_grid("case", "range:0:" + std::to_string(ms.size() - 1));  // (method, l) = ms[case]
  axes.set_replicates(runs / per_job);
  const harness::JobTable table(axes, ex.seed());
  ex.csv("runs.csv", {"problem", "method", "l", "h", "seed", "x0", "sq_norm", "loss", "s00", "s01", "s11"});
  const std::vector<JobResult> results = ex.run_jobs(table, [&](const harness::Job& job, JobResult& out) {
    const Problem& p = probs[job.value("problem") == "quad" ? 0 : 1];
    const Method& m = ms[std::stoul(job.value("case"))];
    for (long r = 0; r < per_job; ++r) {
      const std::uint64_t seed = Rng::derived(job.seed, static_cast<std::uint64_t>(r)).bits() >> 11;
      const Run run = run_one(p, m, seed, burn, avg);
      const bool st = run.stationary.size() > 0;
      out.row("runs.csv", {p.name, m.name, m.l, m.h(p), static_cast<long long>(seed), run.at_t[0], run.at_t[1],
                           run.at_t[2], st ? run.stationary(0, 0) : kNan, st ? run.stationary(0, 1) : kNan,
                           st ? run.stationary(1, 1) : kNan});
      for (std::size_t k = 0; k < 3; ++k) out.set("v" + std::to_string(r) + "_" + std::to_string(k), run.at_t[k]);
      if (st)
        for (const auto& [i, j, k] : {std::tuple{0, 0, 0}, std::tuple{0, 1, 1}, std::tuple{1, 1, 2}})
          out.set("s" + std::to_string(r) + "_" + std::to_string(k), run.stationary(i, j));
    }
  });
  ex.add_results(results);

  // Gather the runs of each (problem, method, l) in job order.
  std::map<std::string, std::vector<Samples>> by_problem;
  for (std::size_t j = 0; j < table.size(); ++j) {
    const harness::Job& job = table[j];
    const Problem& p = probs[job.value("problem") == "quad" ? 0 : 1];
    const Method& m = ms[std::stoul(job.value("case"))];
    std::vector<Samples>& list = by_problem[p.name];
    if (job.replicate == 0) list.push_back({m, m.h(p)});
    Samples& s = list.back();
    for (long r = 0; r < per_job; ++r)
      for (std::size_t k = 0; k < 3; ++k) {
        s.at_t[k].push_back(results[j].get("v" + std::to_string(r) + "_" + std::to_string(k), kNan));
        const double st = results[j].get("s" + std::to_string(r) + "_" + std::to_string(k), kNan);
        if (!std::isnan(st)) s.stationary[k].push_back(st);
      }
  }

  ex.csv("weak_error.csv", {"problem", "method", "l", "h", "test", "mean", "mean_low", "mean_high", "reference",
                            "error", "diff_low", "diff_high", "closed_form", "closed_form_error"});
  ex.csv("weak_order.csv", {"problem", "family", "test", "expected", "order", "order_low", "order_high",
                            "prefactor", "resamples", "skipped", "closed_form_order"});
  ex.csv("stationary.csv", {"method", "l", "h", "entry", "estimate", "low", "high", "closed_form_map",
                            "closed_form_sde"});
  ex.csv("lsr.csv", {"problem", "kappa", "lr", "batch", "h", "test", "diff", "diff_low", "diff_high", "holds",
                     "closed_form_diff", "noise_to_signal"});
  Rng rng = Rng::derived(ex.seed(), 0x57a9);  // the bootstrap's stream
  for (const Problem& p : probs) {
    const std::vector<Samples>& all = by_problem[p.name];
    const Samples* em_ref = nullptr;
    for (const Samples& s : all)
      if (s.method.name == "em_ref") em_ref = &s;
    const Reference ref = p.name == "quad" ? Reference{sde_values(p, quad_forms(p)), nullptr}
                                           : Reference{{}, &em_ref->at_t};
    write_weak_errors(ex, p, all, ref, rng, resamples);
    if (p.name == "quad") write_stationary(ex, p, all);
    write_scaling_rule(ex, p, all, ref);
    ex.note(p.name + "_dim", std::to_string(p.f->dim()));
    ex.note(p.name + "_test_coordinate", std::to_string(p.coordinate));
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::string teacher =
      "mlp:widths=5-10-1,act=tanh,loss=mse,data=teacher-mlp,teacher_widths=10,noise=0.5,n=100,data_seed=1";
  const std::string fmnist = "mlp:widths=784-8-10,act=tanh,loss=ce,data=fashion-mnist,n=500";
  const std::string quad = "noisy_quadratic:eigs=1/0.5,seed=3,n=50,noise=1";
  return optdyn::harness::run_experiment(
      argc, argv,
      {"sgd_vs_sde",
       "SGD, SVAG (l = 1..16) and Euler–Maruyama against the SDE of SGD: weak error and its order, the "
       "stationary covariance against the Lyapunov equation, and the linear scaling rule",
       {
           {"quad_objective", quad, quad, "noisy quadratic model (closed-form moments)"},
           {"quad_x0", "6,-4", "6,-4", "start θ₀ on quad"},
           {"quad_lr", "0.5", "0.5", "SGD step η on quad"},
           {"quad_batch", "1", "1", "batch B on quad"},
           {"quad_lsr_lr", "0.0625", "0.0625", "scaling-rule base η₀ on quad (its own SDE, closed form)"},
           {"quad_lsr_batch", "1", "1", "scaling-rule base B₀ on quad"},
           {"quad_T", "2", "2", "time T of the test functions on quad"},
           {"quad_burn", "20", "20", "burn-in time before the stationary average (quad)"},
           {"quad_avg", "100", "400", "averaging time of the stationary covariance (quad)"},
           {"mlp_objective", teacher, fmnist, "MLP objective (teacher data quick, Fashion-MNIST full)"},
           {"mlp_x0", "init:xavier,seed=0", "init:xavier,seed=0", "start θ₀ on mlp"},
           {"mlp_lr", "0.25", "0.25", "SGD step η on mlp"},
           {"mlp_batch", "4", "16", "batch B on mlp"},
           {"mlp_lsr_lr", "0.0625", "0.015625", "scaling-rule base η₀ on mlp (η₀/B₀ = η/B)"},
           {"mlp_lsr_batch", "1", "1", "scaling-rule base B₀ on mlp"},
           {"mlp_T", "2", "2", "time T of the test functions on mlp"},
           {"ls", "1/2/4/8/16", "1/2/4/8/16", "SVAG amplifications l ('/'-separated integers)"},
           {"kappas", "1/2/4/8/16", "1/2/4/8/16", "scaling factors κ of the linear scaling rule"},
           {"em_ref_divisor", "2", "2", "reference EM step: η/(divisor·max l)"},
           {"runs", "128", "512", "runs per (problem, method, l)"},
           {"runs_per_job", "32", "32", "runs per job"},
           {"bootstrap", "400", "2000", "bootstrap resamples of the order fit"},
       }},
      body);
}
