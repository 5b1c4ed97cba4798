// `optdyn flow`: a continuous flow (ODE or SDE) integrated through evenly spaced record times,
// one CSV row per record time (doc/design.md, "The optdyn tool").
//
//   optdyn flow --objective SPEC --flow SPEC --integrator SPEC --t-end T [--record-dt D]
//               [--x0 SPEC] [--record-params] [--monitor curvature:every=K[,...]]
//               [--diverge-above X] [--checkpoint-every K] [--resume] --out FILE.csv
//
// CSV columns: t,loss,grad_norm (+ the curvature monitor columns of `optdyn run` with
// --monitor) (+ x0…x{D−1} with --record-params); the same rows as `optdyn run` (the shared
// TrajectoryRecorder), with the time t in place of step,evals.
//  * Record times t₀, t₀ + D, t₀ + 2D, … below T, and exactly T last (t₀ = the flow's start
//    time: 0, or > 0 for fields singular at 0; a grid time within 1e-9·D of T is replaced by T).
//    Default D = (T − t₀)/100. Times are computed as t₀ + j·D, never accumulated. T = t₀ gives
//    the single row t₀.
//  * loss and grad_norm are F(θ) and ‖∇F(θ)‖ at θ = z.head(D) (auxiliaries — velocity,
//    moments — are not written); computed for the record and not counted in the cost below.
//  * Curvature monitor: for a flow `every=K` means every K-th RECORDED ROW (row 0 = t₀ always);
//    the other rows hold nan in the monitor cells.
//  * Deterministic: ODE integrators are; an SDE integrator (euler_maruyama) draws its noise
//    from the seed in its spec. Same arguments and build ⇒ byte-identical CSV and status file
//    (no wall time is recorded).
//
// Stopping: the integrator stops on a non-finite state (diverged), a step below its minimum
// (step_size_underflow), too many steps (max_steps), or a failed implicit solve
// (solver_failed); with --diverge-above X a recorded loss F(θ) > X (or not finite) stops it too
// (diverged; checked at record times only). Rows written so far are kept and the exit status is
// 3 for every one of these (the run did not reach T).
//
// FILE.csv.status.json:
//   {"status": "ok" | "diverged" | "step_size_underflow" | "max_steps" | "solver_failed",
//    "reason": "...", "t_start": t₀, "t_end": T, "t_reached": t, "record_dt": D, "rows": r,
//    "objective", "flow", "integrator": resolved specs, "x0": as given, "dim": D,
//    "state_dim": length of z, "noise_dim": 0 for an ODE,
//    "steps", "rejected", "rhs_evaluations", "jacobian_products", "jacobians",
//    "newton_iterations", "linear_iterations": the integrator's statistics,
//    "gradients", "hvps": the objective evaluations of the integration (recording excluded)
//    [, "monitor", "monitor_hvps", "monitor_measurements"]}
// Both files are staged in temporaries and renamed into place together when the flow ends;
// FILE is locked for the run (FILE.lock). --out - writes the CSV to standard output and no
// status file.
//
// Checkpoints (README, "Checkpoints and resume"; tool/checkpoints.hpp, tool/flow_checkpoint.hpp):
// while a flow into a file runs, FILE.checkpoint.csv holds its rows so far. SIGINT/SIGTERM
// stop it at the next boundary of the integration — the end of the step in progress
// (integrators/integrator.hpp) — with FILE.checkpoint.json: the command, the build, the rows
// it covers (with their sha256), the integration's whole state (t, z, the record times
// observed, the fixed-step position or the next trial step, the statistics and the method's
// memory: FSAL derivative, controller memory, Adams history, noise stream), the objective's
// evaluations so far and the recorder's counters; FILE is left as it was and the exit status
// is 130/143. An output written in place (standard output, a device, a pipe) has none.
// --checkpoint-every K also writes one whenever the rows written pass a multiple of K. The
// same command with --resume continues to a CSV and status file byte-identical to those of
// the uninterrupted flow, for every integrator; a checkpoint of another command or build is
// refused (exit 2, naming the field). Both files are removed when the flow ends.
#include <cmath>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "harness/command_line.hpp"
#include "harness/csv_writer.hpp"
#include "harness/signal_cleanup.hpp"
#include "optdyn/core/budget.hpp"
#include "optdyn/core/error.hpp"
#include "optdyn/core/text.hpp"
#include "optdyn/flows/registry.hpp"
#include "optdyn/integrators/registry.hpp"
#include "optdyn/objectives/initial_point.hpp"
#include "optdyn/objectives/registry.hpp"
#include "tool/checkpoints.hpp"
#include "tool/command.hpp"
#include "tool/flow_checkpoint.hpp"
#include "tool/shared_fields.hpp"
#include "tool/trajectory_recorder.hpp"

namespace optdyn::tool {
namespace {

constexpr long kDefaultIntervals = 100;

// t₀, t₀ + D, … below T, then T (see the header comment). `count` rows, checked by the caller.
std::vector<double> record_times(double t0, double t_end, double dt, double count) {
  std::vector<double> times;
  times.reserve(static_cast<std::size_t>(count));
  for (long j = 0;; ++j) {
    const double t = t0 + static_cast<double>(j) * dt;
    if (t >= t_end - 1e-9 * dt) break;
    times.push_back(t);
  }
  times.push_back(t_end);
  return times;
}

std::string status_name(IntegrationStatus status) {
  return status == IntegrationStatus::stopped_by_observer ? "diverged" : to_string(status);
}

// The status file's object (see the header comment).
nlohmann::ordered_json flow_status(const std::string& status, const std::string& reason, double t0, double t_end,
                                   double dt, const IntegrationResult& result, std::size_t rows, const Objective& f,
                                   const Flow& flow, const Integrator& integrator, const std::string& x0_spec,
                                   const EvaluationCounts& spent) {
  nlohmann::ordered_json j;
  j["status"] = status;
  j["reason"] = reason;
  j["t_start"] = t0;
  j["t_end"] = t_end;
  j["t_reached"] = result.t_reached;
  j["record_dt"] = dt;
  j["rows"] = rows;
  j["objective"] = f.spec();
  j["flow"] = flow.spec();
  j["integrator"] = integrator.spec();
  j["x0"] = x0_spec;
  j["dim"] = f.dim();
  j["state_dim"] = flow.state_dim();
  j["noise_dim"] = flow.noise_dim();
  add_integration_statistics(j, result.stats);
  add_evaluation_counts(j, spent, {"gradients", "hvps"});
  return j;
}

int run_flow(const po::variables_map& vm) {
  const std::string objective_spec = vm["objective"].as<std::string>();
  const std::string flow_spec = vm["flow"].as<std::string>();
  const std::string integrator_spec = vm["integrator"].as<std::string>();
  const std::string x0_spec = vm["x0"].as<std::string>();
  const std::string out = vm["out"].as<std::string>();
  const double t_end = vm["t-end"].as<double>();
  const bool record_params = vm.count("record-params") > 0;
  const std::string monitor_spec = vm.count("monitor") ? vm["monitor"].as<std::string>() : std::string();
  if (out.empty()) throw InputError("--out: empty path");
  if (!std::isfinite(t_end)) throw InputError("--t-end: must be finite");
  const std::optional<double> bound = finite_option(vm, "diverge-above");
  const CheckpointOptions checkpointing = checkpoint_options(vm, out);

  ObjectivePtr f = make_objective(objective_spec);
  FlowPtr flow = make_flow(flow_spec, *f);
  IntegratorPtr integrator = make_integrator(integrator_spec);
  if (flow->noise_dim() > 0 && !integrator->stochastic())
    throw InputError("--integrator: '" + integrator->spec() + "' is deterministic but flow '" + flow->spec() +
                     "' is an SDE (use a stochastic integrator, e.g. euler_maruyama)");
  const Vec theta0 = initial_point(x0_spec, *f);
  const double t0 = flow->start_time();
  if (t_end < t0)
    throw InputError("--t-end: " + format_number(t_end) + " is before the start time t0 = " + format_number(t0) +
                     " of flow '" + flow->spec() + "'");
  const double dt = vm.count("record-dt") ? vm["record-dt"].as<double>()
                                          : (t_end - t0) / static_cast<double>(kDefaultIntervals);
  if (vm.count("record-dt") && !(dt > 0.0 && std::isfinite(dt)))
    throw InputError("--record-dt: must be a finite number > 0, got " + format_number(dt));

  TrajectoryRecorder recorder(*f, out, {"t"}, {}, monitor_spec, record_params);
  // Rows: ⌈(T − t₀)/D⌉ + 1 at most; the record times are held in memory and the CSV is budgeted.
  const double rows = t_end > t0 ? std::ceil((t_end - t0) / dt) + 1.0 : 1.0;
  check_doubles(rows, "", "--record-dt", "the record times between t0 and --t-end");
  recorder.check_budget(rows, "--t-end/--record-dt", "raise --record-dt, lower --t-end, or drop --record-params");
  const std::vector<double> times = t_end > t0 ? record_times(t0, t_end, dt, rows) : std::vector<double>{t0};

  const std::unique_ptr<Integration> integration = integrator->start(*flow, flow->start_state(theta0), t0, times);

  // Checkpoints (tool/checkpoints.hpp, tool/flow_checkpoint.hpp): FILE is locked by the
  // recorder, so no other run touches FILE.checkpoint.* either. A resumed flow restores the
  // integration, its rows so far and the evaluations counted before the interruption.
  FlowProgress progress;
  std::optional<Checkpoints> checkpoints;
  if (checkpointing.enabled) {
    const FlowIdentity identity{objective_spec,         flow_spec,
                                integrator_spec,        x0_spec,
                                harness::format_double(t_end), harness::format_double(dt),
                                monitor_spec,           bound ? harness::format_double(*bound) : std::string(),
                                record_params};
    checkpoints.emplace(out, progress.journal, [&, identity](StateArchive& a) {
      archive_flow_checkpoint(a, identity, static_cast<std::int64_t>(times.size()), progress, *integration, recorder);
    });
    checkpoints->begin(checkpointing.resume, recorder);
  }
  // The objective's evaluations since the start: those before this process, then ours.
  const EvaluationCounts carried = progress.evaluations;
  const EvaluationCounts start = f->counters();
  auto evaluations = [&] { return carried + (f->counters() - start); };

  std::string reason;
  long row_index = static_cast<long>(progress.journal.rows);  // 0, or the rows a resumed flow has
  auto observe = [&](double t, const Vec& state) {
    const Vec theta = flow->parameters(state);
    double loss = 0.0;
    try {  // a non-finite recorded number or monitor product (core/error.hpp): stop, diverged
      loss = recorder.row({t}, theta, recorder.monitor_due(row_index++));
    } catch (const DivergenceError& e) {
      reason = std::string(e.what()) + " at t = " + format_number(t);
      return false;
    }
    if (bound) {
      if (!(loss <= *bound) || !std::isfinite(loss)) {  // −∞ too: not a number a run can continue from
        reason = std::isfinite(loss) ? "loss " + harness::format_double(loss) + " above --diverge-above " +
                                           harness::format_double(*bound) + " at t = " + format_number(t)
                                     : "non-finite loss at t = " + format_number(t);
        return false;
      }
    }
    return true;
  };

  // At every boundary of the integration (integrators/integrator.hpp: between two steps):
  // SIGINT/SIGTERM pause it there, to be checkpointed below; --checkpoint-every K
  // writes a checkpoint when the rows written pass a multiple of K. A signal after the last
  // boundary waits until the flow's files are committed (it is then complete).
  std::optional<harness::GracefulStop> stop;
  int interrupted_by = 0;
  std::int64_t rows_checkpointed = progress.journal.rows;
  auto save_checkpoint = [&](std::string why) {
    progress.evaluations = evaluations();
    checkpoints->save(std::move(why), recorder);
    rows_checkpointed = progress.journal.rows;
  };
  BoundaryHook at_boundary;
  if (checkpointing.enabled) {
    stop.emplace();
    at_boundary = [&] {
      interrupted_by = stop->signal();
      if (interrupted_by != 0) return false;
      const auto written = static_cast<std::int64_t>(recorder.rows());
      if (checkpointing.every > 0 && written / checkpointing.every > rows_checkpointed / checkpointing.every)
        save_checkpoint("running");
      return true;
    };
  }
  const IntegrationResult result = integration->run(observe, at_boundary);
  if (result.status == IntegrationStatus::paused) {
    // The final names keep what they held; the recorder discards its temporary. The caller
    // (main) ends the process by the same signal once every file is closed.
    save_checkpoint("interrupted by " + signal_name(interrupted_by) + " at t = " +
                    harness::format_double(result.t_reached));
    harness::print_error("flow interrupted at t = " + format_number(result.t_reached) + "; checkpoint '" +
                         checkpoints->checkpoint_path().string() + "' (continue with the same command and --resume)");
    return 128 + interrupted_by;
  }
  const std::size_t written = recorder.close();
  // The integration's own evaluations: everything since the start minus what the rows used.
  const EvaluationCounts spent = evaluations() - recorder.recording_counters();

  const std::string status = status_name(result.status);
  if (reason.empty()) reason = result.message;
  nlohmann::ordered_json j =
      flow_status(status, reason, t0, t_end, dt, result, written, *f, *flow, *integrator, x0_spec, spent);
  recorder.add_monitor_status(j);
  recorder.commit(j);
  if (checkpoints) checkpoints->remove();  // the result is in place: the checkpoint has done its work
  if (status != "ok") {
    harness::print_error("flow stopped at t = " + format_number(result.t_reached) + " (" + status +
                         (reason.empty() ? "" : ": " + reason) + "); " + std::to_string(written) + " rows kept in " +
                         out);
    return kExitDiverged;
  }
  return kExitOk;
}

}  // namespace

Command flow_command() {
  Command c;
  c.name = "flow";
  c.summary = "integrate a continuous flow (ODE/SDE) of an objective; one CSV row per record time";
  c.synopsis =
      "optdyn flow --objective SPEC --flow SPEC --integrator SPEC --t-end T [--record-dt D] [--x0 SPEC]\n"
      "            [--record-params] [--monitor curvature:every=K[,...]] [--diverge-above X]\n"
      "            [--checkpoint-every K] [--resume] --out FILE.csv";
  c.details =
      "Columns: t,loss,grad_norm (+ the curvature columns of optdyn run with --monitor, + x0..x{D-1}\n"
      "with --record-params). Rows at t0, t0+D, t0+2D, ... and exactly T last, where t0 is the flow's\n"
      "start time (0, or > 0 for fields singular at 0: nesterov_ode, nag_c_high_res, adam_ode, rmsprop_ode); D defaults to (T - t0)/100.\n"
      "loss and grad_norm are F and |grad F| at theta = the first D entries of the flow's state.\n\n"
      "Flows and integrators: optdyn list flows, optdyn list integrators. An SDE flow needs a\n"
      "stochastic integrator (euler_maruyama:seed=S): the same seed gives the same path.\n\n"
      "--monitor curvature:every=K measures the Hessian (as in optdyn run) at every K-th recorded row\n"
      "(row 0 = t0 always); other rows hold nan.\n\n"
      "Stopping: a non-finite state, or with --diverge-above X a recorded loss above X (checked at the\n"
      "record times), is status 'diverged'; an adaptive step below its minimum 'step_size_underflow';\n"
      "too many steps 'max_steps'; a failed implicit solve 'solver_failed'. Each keeps the rows\n"
      "written so far and exits with status 3. Every run writes FILE.csv.status.json: status, reason,\n"
      "t_start, t_end, t_reached, rows, resolved specs, the integrator's steps/rejected/rhs_evaluations/\n"
      "jacobian_products/jacobians/newton_iterations/linear_iterations, and the integration's\n"
      "gradient and HVP evaluations (recording excluded).\n\n"
      "Checkpoints: while it runs, FILE.checkpoint.csv holds the rows so far; SIGINT or SIGTERM stops\n"
      "the flow at the end of the step in progress with FILE.checkpoint.json (the integrator's whole\n"
      "state: t, z, next step, statistics, FSAL derivative, controller memory, Adams history, noise\n"
      "stream), leaves FILE as it was and exits 130/143; --checkpoint-every K also writes one whenever\n"
      "the rows written pass a multiple of K (for SIGKILL or a crash). The same command with --resume\n"
      "continues: FILE and its status file are byte-identical to those of an uninterrupted flow, with\n"
      "every integrator. A checkpoint of another command or build is refused (exit 2). Both files are\n"
      "removed when the flow ends.";
  c.declare = [](po::options_description& visible, po::options_description&, po::positional_options_description&) {
    visible.add_options()
        ("objective", po::value<std::string>()->value_name("SPEC")->required(), "objective spec")
        ("flow", po::value<std::string>()->value_name("SPEC")->required(), "flow spec (optdyn list flows)")
        ("integrator", po::value<std::string>()->value_name("SPEC")->required(), "integrator spec (optdyn list integrators)")
        ("t-end", po::value<double>()->value_name("T")->required(), "final time (>= the flow's start time)")
        ("record-dt", po::value<double>()->value_name("D"), "time between recorded rows (default (T - t0)/100)")
        ("x0", po::value<std::string>()->value_name("SPEC")->default_value("zeros"), "starting point (as optdyn eval)")
        ("record-params", "also write the parameters x0..x{D-1}")
        ("monitor", po::value<std::string>()->value_name("SPEC"), "curvature:every=K[,...]: curvature columns every K-th row")
        ("diverge-above", po::value<double>()->value_name("X"), "stop when a recorded loss exceeds X")
        ("checkpoint-every", po::value<long>()->value_name("K")->default_value(0),
         "also write a checkpoint every K recorded rows (0: only when interrupted)")
        ("resume", "continue the interrupted flow of this same command from FILE.checkpoint.json")
        ("out", po::value<std::string>()->value_name("FILE")->required(), "output CSV file ('-' for stdout, no status file)");
  };
  c.run = run_flow;
  return c;
}

}  // namespace optdyn::tool
