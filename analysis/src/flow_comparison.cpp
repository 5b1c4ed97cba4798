// Discrete map versus flow: ‖θ_k − X(k·Δt)‖ along a run (flow_comparison.hpp).
//
// Orders to expect (tests/flow_comparison_test.cpp checks them): GD with step η against the
// gradient flow at a fixed time T has a global error O(η) (one-step error O(η²), Euler);
// against the modified flow θ̇ = −∇(f + (η/4)‖∇f‖²) O(η²) (one-step error O(η³), Barrett &
// Dherin 2021, "Implicit gradient regularization", ICLR, Thm 3.1).
#include "optdyn/analysis/flow_comparison.hpp"

#include <cmath>
#include <functional>
#include <span>

#include "optdyn/core/budget.hpp"
#include "optdyn/core/error.hpp"
#include "optdyn/core/text.hpp"
#include "optdyn/flows/flow_params.hpp"
#include "optdyn/flows/registry.hpp"
#include "optdyn/integrators/integrator_params.hpp"
#include "optdyn/integrators/registry.hpp"
#include "optdyn/limits/continuous_limit.hpp"
#include "optdyn/optimizers/oracle.hpp"
#include "optdyn/optimizers/registry.hpp"

namespace optdyn::analysis {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The recorded steps 0, K, 2K, …, and N, with their times t_k = k·Δt.
struct Schedule {
  std::vector<long> steps;
  std::vector<double> times;
};

Schedule recorded_steps(long steps, long every, double time_per_step) {
  Schedule s;
  const long multiples = steps / every;
  for (long j = 0; j <= multiples; ++j) s.steps.push_back(j * every);
  if (s.steps.back() != steps) s.steps.push_back(steps);
  for (long k : s.steps) s.times.push_back(static_cast<double>(k) * time_per_step);
  return s;
}

// The discrete map, full batch, advanced step by step to the recorded steps.
class MapStepper {
 public:
  MapStepper(const Objective& f, const std::string& spec, const Vec& theta0, double bound)
      : f_(f), optimizer_(make_optimizer(spec)), oracle_(f), theta_(theta0), bound_(bound) {
    optimizer_->reset(f.dim());
  }

  // Steps until step k or until the map diverges; true when step k was reached without divergence.
  bool advance_to(long k) {
    while (step_ < k && diverged_.empty()) {
      ++step_;
      try {
        optimizer_->step(theta_, oracle_);
      } catch (const DivergenceError& e) {  // non-finite loss, gradient, θ, line search, solve
        diverged_ = e.what();
        finite_ = false;
        break;
      }
      check();
    }
    return diverged_.empty();
  }

  long step() const { return step_; }
  const Vec& theta() const { return theta_; }
  const std::string& divergence() const { return diverged_; }  // empty while ok
  // False once the map met a non-finite number: its θ is then no row's (rows hold finite maps).
  bool finite() const { return finite_; }
  void diverge(std::string why) {
    diverged_ = std::move(why);
    finite_ = false;
  }
  std::string spec() const { return optimizer_->spec(); }
  std::uint64_t gradients() const { return oracle_.calls(); }

 private:
  // Divergence: besides what step() throws (core/error.hpp), with a finite bound F(θ) above
  // it or not finite.
  void check() {
    if (std::isinf(bound_)) return;
    const double loss = f_.value(theta_);
    if (!std::isfinite(loss)) {
      diverged_ = "non-finite loss";
      finite_ = false;
    }
    else if (loss > bound_)
      diverged_ = "loss " + format_number(loss) + " above diverge_above " + format_number(bound_);
  }

  const Objective& f_;
  OptimizerPtr optimizer_;
  ObjectiveOracle oracle_;
  Vec theta_;
  double bound_;
  long step_ = 0;
  std::string diverged_;
  bool finite_ = true;
};

// Cells a pass stores for row i: θ_k, F(θ_k), and X(t_k) with F(X(t_k)) (null before t₀).
using RecordCells = std::function<void(std::size_t i, const Vec& theta, double loss_map, const Vec* x, double loss_x)>;

// One pass: the map stepped through the first `count` recorded steps while `flow` is integrated
// through the matching times. Returns the number of rows reached; fills `track` and, when
// given, `map_track`.
std::size_t run_pass(const Objective& f, const Vec& theta0, const MapFlowSetup& setup, const Flow& flow,
                     Integrator& integrator, const Schedule& schedule, std::size_t count, FlowTrack& track,
                     MapTrack* map_track, const RecordCells& record) {
  MapStepper map(f, setup.optimizer, theta0, setup.diverge_above);
  const Index dim = f.dim();
  std::size_t i = 0;
  bool flow_above_bound = false;
  std::string flow_reason;
  // Row i at the current flow state z (null before t₀); false = stop.
  auto visit = [&](const Vec* z) -> bool {
    const long k = schedule.steps[i];
    const bool ok = map.advance_to(k);
    if (!ok && (map.step() != k || !map.finite())) return false;  // diverged between recorded steps, or non-finite: no row
    Vec x;
    double loss_x = kNaN;
    if (z) {
      x = z->head(dim);
      loss_x = f.value(x);
    }
    // A flow state with a non-finite number is no row (rows hold finite numbers, as in optdyn
    // run); a finite loss above the bound is written, then stops the pass.
    if (z && !(x.allFinite() && std::isfinite(loss_x))) {
      flow_above_bound = true;
      flow_reason = (x.allFinite() ? "non-finite loss at t = " : "non-finite state at t = ") +
                    format_number(schedule.times[i]);
      return false;
    }
    const double loss_map = f.value(map.theta());
    if (!std::isfinite(loss_map)) {  // e.g. the last step overflowed F with θ still finite
      map.diverge("recorded point: non-finite loss");
      return false;
    }
    record(i, map.theta(), loss_map, z ? &x : nullptr, loss_x);
    ++i;
    if (!ok) return false;
    if (z && !(loss_x <= setup.diverge_above)) {
      flow_above_bound = true;
      flow_reason = "loss " + format_number(loss_x) + " above diverge_above at t = " + format_number(schedule.times[i - 1]);
      return false;
    }
    return true;
  };

  const EvaluationCounts start = f.counters();
  EvaluationCounts observed;  // evaluations made by the observer (map steps, losses)
  Vec z = flow.start_state(theta0);
  track.spec = flow.spec();
  track.integrator = integrator.spec();
  track.start_time = flow.start_time();
  track.t_reached = track.start_time;
  bool stopped = false;
  {
    const EvaluationCounts before = f.counters();
    while (i < count && schedule.times[i] < track.start_time && !stopped) stopped = !visit(nullptr);
    observed = observed + (f.counters() - before);
  }
  if (!stopped && i < count) {
    const std::span<const double> times(schedule.times.data() + i, count - i);
    IntegrationResult result = integrator.integrate(flow, z, track.start_time, times, [&](double, const Vec& state) {
      const EvaluationCounts before = f.counters();
      const bool go_on = visit(&state);
      observed = observed + (f.counters() - before);
      return go_on;
    });
    track.t_reached = result.t_reached;
    track.stats = result.stats;
    if (result.status == IntegrationStatus::stopped_by_observer) {
      track.status = flow_above_bound ? "diverged" : "stopped";
      track.reason = flow_above_bound ? flow_reason : "the map diverged at step " + std::to_string(map.step());
    } else {
      track.status = to_string(result.status);
      track.reason = result.message;
    }
  }
  const EvaluationCounts spent = f.counters() - start - observed;
  track.evaluations = spent;
  if (map_track) {
    map_track->spec = map.spec();
    map_track->steps_run = map.step();
    map_track->gradients = map.gradients();
    map_track->status = map.divergence().empty() ? "ok" : "diverged";
    map_track->reason = map.divergence();
  }
  return i;
}

// The flow (or the modified flow) of the setup: from its typed parameters when it has them,
// else from its spec. Null when there is no modified flow.
FlowPtr make_deterministic_flow(const MapFlowSetup& setup, bool modified, const Objective& f) {
  const std::optional<FlowParams>& params = modified ? setup.modified_flow_params : setup.flow_params;
  const std::string& spec = modified ? setup.modified_flow : setup.flow;
  if (modified && !params && spec.empty()) return nullptr;
  FlowPtr flow = params ? make_flow(*params, f) : make_flow(spec, f);
  if (flow->noise_dim() > 0)
    throw InputError("flow '" + flow->spec() + "' is an SDE: the map is compared with a deterministic flow");
  return flow;
}

}  // namespace

MapFlowSetup map_flow_setup(std::string_view optimizer, std::string_view integrator) {
  const ContinuousLimit limit = continuous_limit(optimizer);
  MapFlowSetup s;
  s.optimizer = limit.optimizer;
  s.flow = limit.flow;
  s.flow_params = limit.flow_params;
  s.time_per_step = limit.time_per_step;
  s.modified_flow = limit.modified_flow;
  s.modified_flow_params = limit.modified_flow_params;
  s.correspondence = limit.correspondence;
  s.integrator = std::string(integrator);
  return s;
}

std::string MapFlowComparison::status() const {
  if (map.status != "ok" || flow.status == "diverged" || (modified && modified->status == "diverged"))
    return "diverged";
  if (flow.status != "ok") return flow.status;
  if (modified && modified->status != "ok") return modified->status;
  return "ok";
}

void check_map_flow_setup(const Objective& f, const MapFlowSetup& setup, const Vec* theta0) {
  if (setup.steps < 0) throw InputError("steps: must be >= 0, got " + std::to_string(setup.steps));
  if (static_cast<double>(setup.steps) > kMaxComparisonSteps)
    throw InputError("steps: " + std::to_string(setup.steps) + " is more than the budget of " +
                     format_number(kMaxComparisonSteps, 4));
  if (setup.record_every < 1)
    throw InputError("record_every: must be >= 1, got " + std::to_string(setup.record_every));
  if (!(setup.time_per_step > 0.0) || !std::isfinite(setup.time_per_step))
    throw InputError("time_per_step: must be a finite number > 0, got " + format_number(setup.time_per_step));
  // Rows kept in memory: each GapRow is 10 numbers, plus one record time.
  const double rows = std::floor(static_cast<double>(setup.steps) / static_cast<double>(setup.record_every)) + 2.0;
  check_doubles(11.0 * rows, "", "steps", "recording every record_every-th of the steps");
  // The optimizer: names and keys by the chain parse; its values are read when it is built
  // (TODO: through the tables once the optimizers layer looks a table up by name).
  make_optimizer(parse_optimizer_chain(setup.optimizer));
  // The flows are built: whether they fit the objective (a finite sum, a probabilistic
  // objective, saddle_free's max_dim), are ODEs and start finitely at θ₀ needs the objective.
  const FlowPtr flow = make_deterministic_flow(setup, false, f);
  const FlowPtr modified = make_deterministic_flow(setup, true, f);
  parse_integrator(setup.integrator);
  if (theta0 != nullptr) {
    if (theta0->size() != f.dim())
      throw InputError("x0: has length " + std::to_string(theta0->size()) + ", objective '" + f.spec() +
                       "' has dimension " + std::to_string(f.dim()));
    flow->start_state(*theta0);
    if (modified) modified->start_state(*theta0);
  }
}

MapFlowComparison compare_map_with_flow(const Objective& f, const Vec& theta0, const MapFlowSetup& setup) {
  check_map_flow_setup(f, setup, &theta0);
  MapFlowComparison c;
  c.setup = setup;
  FlowPtr flow = make_deterministic_flow(setup, false, f);
  FlowPtr modified = make_deterministic_flow(setup, true, f);
  IntegratorPtr integrator = make_integrator(setup.integrator);
  const Schedule schedule = recorded_steps(setup.steps, setup.record_every, setup.time_per_step);

  // Pass 1: the map against the flow; it decides which rows exist.
  run_pass(f, theta0, setup, *flow, *integrator, schedule, schedule.steps.size(), c.flow, &c.map,
           [&](std::size_t i, const Vec& theta, double loss_map, const Vec* x, double loss_x) {
             GapRow row;
             row.step = schedule.steps[i];
             row.t = schedule.times[i];
             row.loss_map = loss_map;
             row.loss_flow = loss_x;
             row.gap = x ? (theta - *x).norm() : kNaN;
             row.loss_gap = loss_map - loss_x;
             row.loss_modified = row.gap_modified = row.loss_gap_modified = kNaN;
             c.rows.push_back(row);
           });
  // Pass 2: the same iterates against the modified flow, over the rows of pass 1.
  if (modified) {
    c.modified.emplace();
    IntegratorPtr second = make_integrator(setup.integrator);  // a fresh integrator state
    run_pass(f, theta0, setup, *modified, *second, schedule, c.rows.size(), *c.modified, nullptr,
             [&](std::size_t i, const Vec& theta, double loss_map, const Vec* x, double loss_x) {
               GapRow& row = c.rows[i];
               row.loss_modified = loss_x;
               row.gap_modified = x ? (theta - *x).norm() : kNaN;
               row.loss_gap_modified = loss_map - loss_x;
             });
  }
  return c;
}

GapSummary summarise_gaps(const std::vector<GapRow>& rows, GapSeries series, double threshold) {
  GapSummary s;
  for (const GapRow& row : rows) {
    const double gap = series == GapSeries::flow ? row.gap : row.gap_modified;
    if (std::isnan(gap)) continue;  // not compared (before t₀, or no modified value)
    if (std::isfinite(gap) && (s.max_gap_step < 0 || gap > s.max_gap)) {
      s.max_gap = gap;
      s.max_gap_step = row.step;
    }
    if (s.first_step_above < 0 && gap > threshold) s.first_step_above = row.step;
  }
  if (!rows.empty()) {
    const GapRow& last = rows.back();
    s.final_step = last.step;
    s.final_gap = series == GapSeries::flow ? last.gap : last.gap_modified;
    s.final_loss_gap = series == GapSeries::flow ? last.loss_gap : last.loss_gap_modified;
  }
  return s;
}

double default_gap_threshold(const Vec& theta0) { return 1e-2 * (1.0 + theta0.norm()); }

}  // namespace optdyn::analysis
