#pragma once
// Discrete map versus its flow (issue 4; doc/design.md, "Layers": analysis/ holds the discrete-vs-continuous
// comparison). How far does an optimizer's iterate θ_k depart from the flow X(t) it
// approximates, at the matching time t_k = k·Δt, and from the modified (backward-error) flow
// where one is known?
//
//   MapFlowSetup s = map_flow_setup("gd:lr=0.01");  // flow, Δt, modified flow from continuous_limit
//   s.steps = 1000;
//   MapFlowComparison c = compare_map_with_flow(f, theta0, s);
//   GapSummary g = summarise_gaps(c.rows, GapSeries::flow, 1e-2);
//
// Per recorded step k (k = 0, K, 2K, …, and always the last step):
//   gap       = ‖θ_k − X(t_k)‖₂,   loss_gap = F(θ_k) − F(X(t_k))   (signed: > 0 when the map is
//                                                                  above the flow)
//   and the same against the modified flow X̃ (gap_modified, loss_gap_modified).
//
// Conventions:
//  * The map is run FULL BATCH (ObjectiveOracle without minibatches): the comparison is with
//    a deterministic flow. θ₀ is step 0 and corresponds to t = 0 on the flow's clock.
//  * Flows whose start time t₀ is > 0 (Nesterov's r/t friction, Adam's bias correction) start
//    from flow->initial_state(θ₀) at t₀ and are compared from the first recorded step with
//    t_k ≥ t₀ (continuous_limit.hpp); the flow cells of earlier steps are NaN.
//  * The flow is integrated once, by one integrator, through the record times t_k (dense
//    output or clipped steps land on them exactly); the map is stepped inside the observer,
//    so memory is O(D) whatever the number of steps. With a modified flow the map is run a
//    second time (full batch, so the same iterates).
//  * Divergence: the map diverges when θ_k is not finite, or F(θ_k) > diverge_above (checked
//    after every step); a flow when the integrator reports it, or F(X(t_k)) > diverge_above
//    at a record time. Rows stop at the last recorded step the map reached; the row of the
//    diverging step is kept when that step is recorded. A modified flow that stops early leaves
//    NaN in its cells of the later rows.
//  * Costs are separated: the map's gradient evaluations (its oracle), each flow's gradient
//    evaluations and HVPs (the objective's counters during integration, minus what the
//    observer evaluated), and the integrator's own statistics.
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "optdyn/core/types.hpp"
#include "optdyn/flows/flow_params.hpp"
#include "optdyn/integrators/integrator.hpp"
#include "optdyn/objectives/objective.hpp"

namespace optdyn::analysis {

// The reference integrator of the comparison: dopri5 with dense output at tight tolerance.
inline constexpr const char* kReferenceIntegrator = "dopri5:rtol=1e-10,atol=1e-12";

struct MapFlowSetup {
  std::string optimizer;        // the map: an optimizer spec (run full batch)
  std::string flow;             // the flow it is compared with
  double time_per_step = 0.0;   // Δt > 0: step k ↔ t_k = k·Δt
  std::string modified_flow;    // empty: no modified-flow comparison
  // When set, the flow (the modified flow) is built from these typed parameters and `flow`
  // (`modified_flow`) is only its spec, for the record: map_flow_setup sets both from the
  // continuous limit, so nothing is parsed again.
  std::optional<FlowParams> flow_params, modified_flow_params;
  std::string correspondence;   // one line from continuous_limit (empty for an explicit flow)
  std::string integrator = kReferenceIntegrator;
  long steps = 0;               // N ≥ 0
  long record_every = 1;        // K ≥ 1
  double diverge_above = std::numeric_limits<double>::infinity();
};

// The optimizer's own continuous limit (limits/continuous_limit.hpp): its flow, Δt, modified
// flow and correspondence, with `integrator`; steps and record_every are left to the caller.
// InputError naming the optimizer when it has no continuous limit. For any other flow fill
// MapFlowSetup directly (flow, time_per_step; no modified flow).
MapFlowSetup map_flow_setup(std::string_view optimizer, std::string_view integrator = kReferenceIntegrator);

struct GapRow {
  long step = 0;
  double t = 0.0;  // k·Δt
  double loss_map = 0.0;
  double loss_flow = 0.0, gap = 0.0, loss_gap = 0.0;  // NaN before the flow's t₀
  double loss_modified = 0.0, gap_modified = 0.0, loss_gap_modified = 0.0;  // NaN without a modified flow
};

struct MapTrack {
  std::string spec;            // resolved optimizer spec
  std::string status = "ok";   // ok | diverged
  std::string reason;          // empty when ok
  long steps_run = 0;
  std::uint64_t gradients = 0;  // the map's gradient evaluations (oracle calls)
};

struct FlowTrack {
  std::string spec;            // resolved flow spec
  std::string integrator;      // resolved integrator spec
  double start_time = 0.0;     // t₀
  std::string status = "ok";   // ok | diverged | step_size_underflow | max_steps | solver_failed
                               // | stopped (the map diverged first)
  std::string reason;          // empty when ok
  double t_reached = 0.0;
  IntegrationStats stats;
  EvaluationCounts evaluations;  // objective evaluations made by the flow (gradients, hvps, ...)
};

struct MapFlowComparison {
  MapFlowSetup setup;
  std::vector<GapRow> rows;
  MapTrack map;
  FlowTrack flow;
  std::optional<FlowTrack> modified;
  // "ok" when the map and every flow reached the last step; else "diverged" if the map or a
  // flow diverged, else the first flow's status.
  std::string status() const;
};

// Runs the comparison (see the conventions above). InputError for bad specs (naming the key),
// θ₀ of the wrong length, steps < 0, record_every < 1, time_per_step ≤ 0, an SDE flow (the
// comparison is with a deterministic flow), and for more recorded rows than the memory budget.
MapFlowComparison compare_map_with_flow(const Objective& objective, const Vec& theta0, const MapFlowSetup& setup);

// The checks compare_map_with_flow makes before any work (front ends call it before creating
// output): every key of every spec is valid (the integrator's read through its table without
// building it; the optimizer chain parsed once), the flows build on the objective (the checks
// that need it) and are ODEs, steps (≤ kMaxComparisonSteps),
// record_every, time_per_step and the row budget are valid; with θ₀, its length and that each
// flow's initial state at θ₀ is finite (Flow::start_state).
void check_map_flow_setup(const Objective& objective, const MapFlowSetup& setup, const Vec* theta0 = nullptr);

// The most steps a comparison may run (a typo like --steps 1e11 would otherwise hang).
inline constexpr double kMaxComparisonSteps = 1e9;

enum class GapSeries { flow, modified };

struct GapSummary {
  double max_gap = std::numeric_limits<double>::quiet_NaN();  // over rows with a finite gap
  long max_gap_step = -1;                                      // −1 when no row has one
  long first_step_above = -1;                                  // first step with gap > threshold; −1 never
  double final_gap = std::numeric_limits<double>::quiet_NaN();  // gap of the last row
  long final_step = -1;
  double final_loss_gap = std::numeric_limits<double>::quiet_NaN();
};

// Summary of one gap column. A non-finite gap (a diverged iterate) counts as above any
// threshold but not as a maximum.
GapSummary summarise_gaps(const std::vector<GapRow>& rows, GapSeries series, double threshold);

// The default threshold: 1e-2 · (1 + ‖θ₀‖₂) (a 1% departure on the scale of the start point).
double default_gap_threshold(const Vec& theta0);

}  // namespace optdyn::analysis
