// `optdyn compare`: a discrete optimizer against its continuous flow, step by step
// (doc/design.md, "The optdyn tool"; issue 4). The comparison itself is analysis::compare_map_with_flow
// (analysis/flow_comparison.hpp); this file parses, checks and writes.
//
//   optdyn compare --objective SPEC --optimizer SPEC --steps N [--flow auto|SPEC]
//                  [--time-per-step DT] [--integrator SPEC] [--x0 SPEC] [--record-every K]
//                  [--threshold X] [--diverge-above X] [--force] --out DIR
//
//  * The map runs FULL BATCH (there is no --batch: the comparison is with a deterministic flow).
//  * --flow auto (default): the optimizer's continuous limit (limits/continuous_limit.hpp): flow,
//    Δt and, when one is known, the modified flow. An explicit --flow SPEC needs --time-per-step
//    (the flow time of one step) and has no modified flow. Step k ↔ t_k = k·Δt.
//  * Reference integrator: --integrator, default dopri5:rtol=1e-10,atol=1e-12.
//  * Flows starting at t₀ > 0 are compared from the first recorded step with t_k ≥ t₀; earlier
//    rows carry nan in the flow columns.
//
// DIR/gaps.csv, one row per recorded step (0, K, 2K, …, and N):
//   step,t,loss_map,loss_flow,gap,loss_gap[,loss_modified,gap_modified,loss_gap_modified]
//   gap = ‖θ_k − X(t_k)‖₂, loss_gap = F(θ_k) − F(X(t_k)) (signed); the last three against the
//   modified flow, present when --flow auto finds one.
// DIR/summary.json: status, resolved specs, Δt, the threshold, per flow {max gap and its step,
//   first step with gap > threshold (null if never), final gap}, the map's and each flow's
//   status, integration statistics and evaluation counts (see the help text).
// DIR is created if needed; a non-empty DIR is refused unless --force (then gaps.csv and
// summary.json are replaced), as for the experiments. DIR is locked for the run (DIR/.optdyn.lock);
// both files are staged and renamed into place together at the end (harness/output_file.hpp).
// Divergence of the map or of a flow, or a flow that does not reach the last step: the rows so
// far are written, the status is in summary.json, exit 3.
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "harness/output_file.hpp"
#include "harness/output_lock.hpp"
#include "harness/command_line.hpp"
#include "harness/csv_writer.hpp"
#include "optdyn/analysis/flow_comparison.hpp"
#include "optdyn/core/budget.hpp"
#include "optdyn/core/error.hpp"
#include "optdyn/core/text.hpp"
#include "optdyn/objectives/initial_point.hpp"
#include "optdyn/objectives/registry.hpp"
#include "tool/command.hpp"
#include "tool/shared_fields.hpp"

namespace optdyn::tool {
namespace {

namespace fs = std::filesystem;
using namespace optdyn::analysis;

nlohmann::ordered_json number_or_null(double x) {
  return std::isfinite(x) ? nlohmann::ordered_json(x) : nlohmann::ordered_json(nullptr);
}
nlohmann::ordered_json step_or_null(long step) {
  return step >= 0 ? nlohmann::ordered_json(step) : nlohmann::ordered_json(nullptr);
}

// What to compare: the continuous limit (auto) or an explicit flow with its time per step.
MapFlowSetup resolve_setup(const po::variables_map& vm) {
  const std::string optimizer = vm["optimizer"].as<std::string>();
  const std::string flow = vm["flow"].as<std::string>();
  const std::string integrator = vm["integrator"].as<std::string>();
  const bool has_dt = vm.count("time-per-step") > 0;
  if (flow == "auto") {
    if (has_dt)
      throw InputError("--time-per-step: only with an explicit --flow (auto takes it from the optimizer's continuous limit)");
    return map_flow_setup(optimizer, integrator);
  }
  if (!has_dt)
    throw InputError("--time-per-step: required with an explicit --flow '" + flow +
                     "' (the flow time one optimizer step corresponds to)");
  MapFlowSetup s;
  s.optimizer = optimizer;
  s.flow = flow;
  s.time_per_step = vm["time-per-step"].as<double>();
  if (!(s.time_per_step > 0.0) || !std::isfinite(s.time_per_step))
    throw InputError("--time-per-step: must be a finite number > 0, got " + format_number(s.time_per_step));
  s.integrator = integrator;
  return s;
}

nlohmann::ordered_json gap_json(const GapSummary& g, double time_per_step) {
  nlohmann::ordered_json j;
  j["max_gap"] = number_or_null(g.max_gap);
  j["max_gap_step"] = step_or_null(g.max_gap_step);
  j["first_step_above_threshold"] = step_or_null(g.first_step_above);
  j["first_t_above_threshold"] =
      g.first_step_above >= 0 ? number_or_null(static_cast<double>(g.first_step_above) * time_per_step) : nullptr;
  j["final_step"] = step_or_null(g.final_step);
  j["final_gap"] = number_or_null(g.final_gap);
  j["final_loss_gap"] = number_or_null(g.final_loss_gap);
  return j;
}

nlohmann::ordered_json flow_json(const FlowTrack& f) {
  nlohmann::ordered_json j;
  j["flow"] = f.spec;
  j["integrator"] = f.integrator;
  j["status"] = f.status;
  j["reason"] = f.reason;
  j["t_start"] = f.start_time;
  j["t_reached"] = f.t_reached;
  add_integration_statistics(j, f.stats);
  add_evaluation_counts(j, f.evaluations, {"gradients", "hvps"});
  return j;
}

// Staged, not committed: run_compare renames it together with summary.json.
harness::CsvWriter write_gaps(const fs::path& path, const MapFlowComparison& c) {
  const bool modified = c.modified.has_value();
  std::vector<std::string> columns = {"step", "t", "loss_map", "loss_flow", "gap", "loss_gap"};
  if (modified) columns.insert(columns.end(), {"loss_modified", "gap_modified", "loss_gap_modified"});
  harness::CsvWriter csv(path, columns);
  for (const GapRow& r : c.rows) {
    std::vector<harness::CsvCell> row = {static_cast<long long>(r.step), r.t, r.loss_map, r.loss_flow, r.gap,
                                         r.loss_gap};
    if (modified) row.insert(row.end(), {r.loss_modified, r.gap_modified, r.loss_gap_modified});
    csv.row(row);
  }
  csv.stage();
  return csv;
}

int run_compare(const po::variables_map& vm) {
  const fs::path out = vm["out"].as<std::string>();
  const std::string x0_spec = vm["x0"].as<std::string>();
  const long steps = vm["steps"].as<long>();
  const long every = vm["record-every"].as<long>();
  if (out.empty()) throw InputError("--out: empty path");
  if (steps < 0) throw InputError("--steps: must be >= 0, got " + std::to_string(steps));
  if (every < 1) throw InputError("--record-every: must be >= 1, got " + std::to_string(every));
  const double rows = std::floor(static_cast<double>(steps) / static_cast<double>(every)) + 2.0;
  check_doubles(11.0 * rows, "", "--steps/--record-every", "the recorded rows (11 numbers each)");
  const bool has_threshold = vm.count("threshold") > 0;
  const double threshold_given = has_threshold ? vm["threshold"].as<double>() : 0.0;
  if (has_threshold && !(threshold_given >= 0.0 && std::isfinite(threshold_given)))
    throw InputError("--threshold: must be a finite number >= 0");
  const std::optional<double> bound = finite_option(vm, "diverge-above");

  MapFlowSetup setup = resolve_setup(vm);
  setup.steps = steps;
  setup.record_every = every;
  if (bound) setup.diverge_above = *bound;
  ObjectivePtr f = make_objective(vm["objective"].as<std::string>());
  const Vec theta0 = initial_point(x0_spec, *f);
  const double threshold = has_threshold ? threshold_given : default_gap_threshold(theta0);
  check_map_flow_setup(*f, setup, &theta0);  // every input, before the directory is touched
  // Creates DIR or accepts an empty one (any with --force), locked for the run.
  harness::ClaimedDirectory claimed = harness::claim_output_directory(out, vm.count("force") > 0);
  const harness::ClaimScope claim_scope(claimed);  // a failure leaves no new empty DIR

  const MapFlowComparison c = compare_map_with_flow(*f, theta0, setup);
  harness::CsvWriter gaps = write_gaps(out / "gaps.csv", c);

  const std::string status = c.status();
  nlohmann::ordered_json j;
  j["status"] = status;
  j["objective"] = f->spec();
  j["optimizer"] = c.map.spec;
  j["flow"] = c.flow.spec;
  j["modified_flow"] = c.modified ? nlohmann::ordered_json(c.modified->spec) : nlohmann::ordered_json(nullptr);
  j["correspondence"] = setup.correspondence;
  j["integrator"] = c.flow.integrator;
  j["time_per_step"] = setup.time_per_step;
  j["steps_requested"] = steps;
  j["record_every"] = every;
  j["x0"] = x0_spec;
  j["dim"] = f->dim();
  j["rows"] = c.rows.size();
  j["threshold"] = threshold;
  j["threshold_rule"] = has_threshold ? "--threshold" : "1e-2 * (1 + |x0|_2)";
  j["gap"] = gap_json(summarise_gaps(c.rows, GapSeries::flow, threshold), setup.time_per_step);
  j["gap_modified"] = c.modified ? gap_json(summarise_gaps(c.rows, GapSeries::modified, threshold), setup.time_per_step)
                                 : nlohmann::ordered_json(nullptr);
  j["map"] = {{"status", c.map.status}, {"reason", c.map.reason}, {"steps_run", c.map.steps_run},
              {"gradients", c.map.gradients}};
  j["flow_run"] = flow_json(c.flow);
  j["modified_run"] = c.modified ? flow_json(*c.modified) : nlohmann::ordered_json(nullptr);
  harness::OutputFile summary(out / "summary.json", false);
  summary.write(j.dump(2) + "\n");
  harness::commit_all({&gaps.file(), &summary});  // together, with interrupts held off

  if (status != "ok") {
    const std::string why = c.map.status != "ok" ? "map: " + c.map.reason
                            : c.flow.status != "ok" ? "flow: " + c.flow.status + " " + c.flow.reason
                                                    : "modified flow: " + c.modified->status + " " + c.modified->reason;
    harness::print_error("compare " + status + " (" + why + "); " + std::to_string(c.rows.size()) + " rows kept in " +
                         (out / "gaps.csv").string());
    return kExitDiverged;
  }
  return kExitOk;
}

}  // namespace

Command compare_command() {
  Command c;
  c.name = "compare";
  c.summary = "compare a discrete optimizer with its continuous flow step by step (gap |theta_k - X(k dt)|)";
  c.synopsis =
      "optdyn compare --objective SPEC --optimizer SPEC --steps N [--flow auto|SPEC] [--time-per-step DT]\n"
      "               [--integrator SPEC] [--x0 SPEC] [--record-every K] [--threshold X]\n"
      "               [--diverge-above X] [--force] --out DIR";
  c.details =
      "Runs the optimizer FULL BATCH (no --batch) and integrates its flow through t_k = k*dt, step k of\n"
      "the map matching time t_k. --flow auto (default) takes the flow, dt and the modified flow (when\n"
      "known, e.g. gd) from the optimizer's continuous limit; an explicit --flow SPEC needs\n"
      "--time-per-step and has no modified flow. Reference integrator: dopri5:rtol=1e-10,atol=1e-12.\n"
      "Flows that start at t0 > 0 (the limits of nesterov, adam, rmsprop) are compared from the first step with t_k >= t0;\n"
      "earlier rows hold nan in the flow columns.\n\n"
      "DIR/gaps.csv: step,t,loss_map,loss_flow,gap,loss_gap (+ loss_modified,gap_modified,\n"
      "loss_gap_modified with a modified flow), rows at steps 0, K, 2K, ... and N; gap = |theta_k -\n"
      "X(t_k)|_2, loss_gap = F(theta_k) - F(X(t_k)).\n"
      "DIR/summary.json: status, resolved specs, time_per_step, threshold (default 1e-2*(1+|x0|_2)),\n"
      "gap and gap_modified {max_gap, max_gap_step, first_step_above_threshold (null if never),\n"
      "first_t_above_threshold, final_step, final_gap, final_loss_gap}, map {status, reason, steps_run,\n"
      "gradients}, flow_run and modified_run {status, reason, t_start, t_reached, the integrator's\n"
      "statistics, gradients, hvps}.\n\n"
      "DIR is created if needed; a non-empty DIR needs --force. The map diverges on a non-finite\n"
      "iterate or, with --diverge-above X, a loss above X (every step); a flow when its integrator says\n"
      "so or a recorded loss exceeds X. Divergence, or a flow that stops early (step_size_underflow,\n"
      "max_steps, solver_failed), keeps the rows so far and exits with status 3.";
  c.declare = [](po::options_description& visible, po::options_description&, po::positional_options_description&) {
    visible.add_options()
        ("objective", po::value<std::string>()->value_name("SPEC")->required(), "objective spec")
        ("optimizer", po::value<std::string>()->value_name("SPEC")->required(), "optimizer spec (the discrete map)")
        ("steps", po::value<long>()->value_name("N")->required(), "number of steps")
        ("flow", po::value<std::string>()->value_name("SPEC")->default_value("auto"), "auto (the optimizer's limit) or a flow spec")
        ("time-per-step", po::value<double>()->value_name("DT"), "flow time of one step (required with an explicit --flow)")
        ("integrator", po::value<std::string>()->value_name("SPEC")->default_value(kReferenceIntegrator), "reference integrator")
        ("x0", po::value<std::string>()->value_name("SPEC")->default_value("zeros"), "starting point (as optdyn eval)")
        ("record-every", po::value<long>()->value_name("K")->default_value(1), "record every K-th step")
        ("threshold", po::value<double>()->value_name("X"), "gap threshold (default 1e-2*(1+|x0|))")
        ("diverge-above", po::value<double>()->value_name("X"), "stop when a loss exceeds X")
        ("force", "write into a non-empty --out directory")
        ("out", po::value<std::string>()->value_name("DIR")->required(), "output directory");
  };
  c.run = run_compare;
  return c;
}

}  // namespace optdyn::tool
