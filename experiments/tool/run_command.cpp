// `optdyn run`: a discrete optimizer on an objective, one CSV row per recorded step
// (doc/design.md, "The optdyn tool").
//
//   optdyn run --objective SPEC --optimizer SPEC --steps N [--batch B] [--sampling MODE]
//              [--seed S] [--x0 SPEC] [--record-every K] [--record-params]
//              [--diverge-above X] [--monitor SPEC] --out FILE.csv
//
// CSV columns: step,evals,loss,grad_norm (+ avg_loss,avg_grad_norm when the optimizer
// carries an `average` modifier: F and ‖∇F‖ at the Polyak–Ruppert average; row 0 uses θ₀)
// (+ x0…x{D−1} with --record-params)
// (+ lambda_max,lambda_min,cond_pos,rayleigh_g,index,index_low,index_high,index_tau,neg_count,curv_hvps,curv_converged with
//  --monitor curvature:every=K[,...]; the keys are CurvatureMonitorParams (`optdyn help run` lists
//  them), analysis/curvature_monitor.hpp defines each quantity; with tracker=on|only also
//  track_lambda0…,track_count,track_hvps,track_grad_overlap,track_converged, the tracker's
//  threshold defaulting to 1.5/lr of the optimizer).
//  * Row 0 is the starting point; then every K-th step, and always the last step run.
//  * evals = gradient evaluations the optimizer requested from its oracle so far (one per
//    minibatch; Nesterov's look-ahead counts once per step). loss and grad_norm are the FULL
//    objective F(θ) and ‖∇F(θ)‖ at the recorded θ, computed for the record and not counted.
//  * Curvature monitor: measured at recorded rows whose step is a multiple of K (so always
//    row 0; with --record-every R only steps that are multiples of both are measured); every
//    monitor cell of the other rows is `nan` (as is a row whose θ is not finite). index and
//    neg_count are exact (dense spectrum, D ≤ dense_threshold with dense=auto) or `nan`
//    (Lanczos ends only); cond_pos = λmax / the smallest eigenvalue above the near-zero band
//    (Lanczos: λmax/λmin when λmin is above the band), `nan` when undefined. curv_hvps = the
//    Hessian-vector products of that measurement. The monitor's products and gradients are
//    diagnostics: NOT counted in evals; their total is monitor_hvps in the status file.
//  * Held-out evaluation (--eval heldout:split=test|validation[,fraction=F][,n=N][,every=K];
//    analysis/held_out.hpp): + train_error,test_loss,test_error (or val_loss,val_error) after
//    the average columns, at recorded rows whose step is a multiple of K (and row 0), `nan`
//    elsewhere; analysis/classification_metrics.hpp defines them. split=validation trains on
//    the first part of the data only. Not counted in evals (diagnostics, as the monitor's).
//  * Early stopping (--early-stopping early_stopping:patience=P[,min_delta=D][,monitor=loss|error];
//    harness/early_stopping.hpp) watches each held-out measurement; when it fires the run ends
//    after that row with status ok, a reason saying why, and best_step, the best value and
//    best_theta in the status file.
//  * Deterministic: the minibatch sequence comes from Rng::derived(seed, sampler stream), so
//    the same arguments and build give a byte-identical file.
//
// Divergence: a NaN/Inf anywhere — the step's loss or gradient, θ after a step, a line-search
// trial, a linear solve, the recorded loss or gradient norm, a monitor product
// (DivergenceError, core/error.hpp) — or, with --diverge-above X, a loss F(θ) > X (F is then
// evaluated every step) stops the run with status `diverged` and a reason naming where, e.g.
// "line search: loss is inf at the first trial step and at every trial after it". Rows before
// it are kept; a row above --diverge-above is written (its numbers are finite), a row with a
// non-finite number never is. Exit status 3.
//
// Status: a CSV cannot carry a trailing status line, so every run (diverged or not) also
// writes FILE.csv.status.json:
//   {"status": "ok" | "diverged", "reason": "...", "steps_run": k, "steps_requested": N,
//    "rows": r, "objective": canonical spec, "optimizer": canonical spec, "x0": as given,
//    "dim": D, "batch": B, "sampling": MODE, "seed": S, "evals": E, "samples": S_total,
//    "values", "hvps", "hessians", "residual_evaluations", "jacobian_products",
//    "fisher_products", "layer_statistics": the oracle's
//    other counters (line searches and second-order methods; 0 for first-order methods)
//    [, "monitor": canonical monitor spec, "monitor_hvps": total, "monitor_measurements": m]
//    [, "eval": canonical held-out spec] [, "early_stopping": its spec, "stopped_early",
//     "evaluations", "best_step", "best_<test|val>_<loss|error>", "best_theta"]}
// Both files are staged in temporaries and renamed into place together when the run ends;
// FILE is locked for the run (FILE.lock), so a second run into the same FILE is refused
// (exit 2). --out - writes the CSV to standard output and no status file.
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "harness/output_file.hpp"
#include "harness/output_lock.hpp"
#include "harness/signal_cleanup.hpp"
#include "harness/command_line.hpp"
#include "harness/csv_writer.hpp"
#include "harness/early_stopping.hpp"
#include "optdyn/analysis/classification_metrics.hpp"
#include "optdyn/analysis/curvature_monitor.hpp"
#include "optdyn/analysis/held_out.hpp"
#include "optdyn/core/budget.hpp"
#include "optdyn/core/error.hpp"
#include "optdyn/core/text.hpp"
#include "optdyn/objectives/initial_point.hpp"
#include "optdyn/objectives/registry.hpp"
#include "optdyn/optimizers/registry.hpp"
#include "tool/command.hpp"
#include "tool/checkpoints.hpp"
#include "tool/run_checkpoint.hpp"
#include "tool/shared_fields.hpp"
#include "tool/trajectory_recorder.hpp"

namespace optdyn::tool {
namespace {

// The most steps a run may take (a typo like --steps 1e11 would otherwise run for days).
constexpr double kMaxSteps = 1e9;

// A synopsis `name:key=V[,key=V]...` broken before "[," so that no line holds more than `width`
// of its characters; continuation lines are indented by `indent` spaces.
std::string wrapped(const std::string& text, std::size_t width, std::size_t indent) {
  std::string out, line;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t next = text.find("[,", start + 1);
    if (next == std::string::npos) next = text.size();
    const std::string piece = text.substr(start, next - start);
    if (!line.empty() && line.size() + piece.size() > width) {
      out += line + "\n" + std::string(indent, ' ');
      line.clear();
    }
    line += piece;
    start = next;
  }
  return out + line;
}

int run_run(const po::variables_map& vm) {
  const std::string objective_spec = vm["objective"].as<std::string>();
  const std::string optimizer_spec = vm["optimizer"].as<std::string>();
  const std::string x0_spec = vm["x0"].as<std::string>();
  const std::string out = vm["out"].as<std::string>();
  const long steps = vm["steps"].as<long>();
  const long batch = vm["batch"].as<long>();
  const long every = vm["record-every"].as<long>();
  const std::string sampling_text = vm["sampling"].as<std::string>();
  const std::uint64_t seed = harness::parse_uint64(vm["seed"].as<std::string>(), "--seed");
  const bool record_params = vm.count("record-params") > 0;
  if (out.empty()) throw InputError("--out: empty path");
  if (steps < 0) throw InputError("--steps: must be >= 0, got " + std::to_string(steps));
  if (batch < 0) throw InputError("--batch: must be >= 0 (0 = full batch), got " + std::to_string(batch));
  if (every < 1) throw InputError("--record-every: must be >= 1, got " + std::to_string(every));
  const std::optional<double> bound = finite_option(vm, "diverge-above");
  const Sampling sampling = parse_sampling(sampling_text, "--sampling");
  if (sampling == Sampling::replacement && static_cast<double>(batch) > kMaxDataDoubles)
    throw InputError("--batch: " + std::to_string(batch) + " indices drawn with replacement need " +
                     gib_of_doubles(static_cast<double>(batch)) + ", more than the budget of " +
                     gib_of_doubles(kMaxDataDoubles));
  const std::string monitor_spec = vm.count("monitor") ? vm["monitor"].as<std::string>() : std::string();
  // Standard output cannot be taken back: such a run is not resumable.
  const CheckpointOptions checkpointing = checkpoint_options(vm, out);
  const std::string eval_spec = vm.count("eval") ? vm["eval"].as<std::string>() : std::string();
  const std::string stopping_spec = vm.count("early-stopping") ? vm["early-stopping"].as<std::string>() : std::string();
  if (!stopping_spec.empty() && eval_spec.empty())
    throw InputError("--early-stopping: needs --eval (the held-out data it watches)");
  std::optional<harness::EarlyStopping> stopping;
  if (!stopping_spec.empty()) stopping.emplace(stopping_spec);

  ObjectivePtr f = make_objective(objective_spec);
  // Held-out evaluation: split=validation trains on the first part of the data from here on.
  std::optional<analysis::HeldOut> held_out;
  long eval_every = 1;
  if (!eval_spec.empty()) {
    const analysis::HeldOutParams eval_params = analysis::HeldOutParams::table().from_spec(eval_spec);
    eval_every = eval_params.every;
    held_out = analysis::make_held_out(*f, eval_params, "--eval");
    if (held_out->train) f = std::move(held_out->train);
  }
  OptimizerPtr optimizer = make_optimizer(optimizer_spec);
  Vec theta = initial_point(x0_spec, *f);
  const Index dim = f->dim();
  if (batch > 0 && f->num_samples() == 0)
    throw InputError("--batch: objective '" + f->spec() + "' is not a finite sum (use --batch 0)");
  // Refused rather than clamped: a larger batch would silently run full batch while the
  // status file recorded the batch asked for.
  if (batch > 0 && batch > f->num_samples())
    throw InputError("--batch: " + std::to_string(batch) + " is larger than the " + std::to_string(f->num_samples()) +
                     " samples of objective '" + f->spec() + "' (use --batch 0 for full batch)");
  ObjectiveOracle oracle(*f, batch, sampling, seed);
  optimizer->reset(dim);
  optimizer->check_oracle(oracle);  // e.g. bfgs with --batch: exit 2 before any output

  bool averaged = false;
  for (const StateView& view : optimizer->state()) averaged = averaged || view.name == "average";
  std::vector<std::string> extra;
  if (averaged) extra = {"avg_loss", "avg_grad_norm"};
  if (held_out) {
    for (const std::string& column : {std::string("train_error"), held_out->prefix + "_loss", held_out->prefix + "_error"})
      extra.push_back(column);
  }
  // The monitor's tracker_threshold=auto is 1.5/η with η the optimizer's base step size.
  TrajectoryRecorder recorder(*f, out, {"step", "evals"}, extra, monitor_spec, record_params,
                              optimizer->base_step_size());
  // Output budget: at most (steps/every + 2) rows × columns cells (a CSV of ~100 GB).
  recorder.check_budget(std::floor(static_cast<double>(steps) / static_cast<double>(every)) + 2.0,
                        "--steps/--record-every",
                        "raise --record-every, lower --steps, or drop --record-params");
  if (static_cast<double>(steps) > kMaxSteps)
    throw InputError("--steps: " + std::to_string(steps) + " is more than the budget of " + format_number(kMaxSteps, 4));
  // The held-out measurement of the last recorded row (empty when it was not due).
  std::optional<analysis::ClassificationMetrics> last_eval;
  auto record = [&](long step) {
    std::vector<harness::CsvCell> leading = {static_cast<long long>(step), static_cast<long long>(oracle.calls())};
    const bool measure = recorder.monitor_due(step);
    last_eval.reset();
    auto extra_cells = [&](const Vec&, Vec& scratch) -> std::vector<harness::CsvCell> {
      std::vector<harness::CsvCell> cells;
      if (averaged) {
        // F and ‖∇F‖ at the Polyak–Ruppert average (row 0: θ₀).
        const Vec& average = step == 0 ? theta : optimizer->state("average");
        const double loss = f->value_and_gradient(average, scratch);
        cells = {loss, scratch.norm()};
      }
      if (held_out) {
        const double nan = std::numeric_limits<double>::quiet_NaN();
        double train_error = nan, loss = nan, error = nan;
        if (step % eval_every == 0) {
          train_error = analysis::classification_metrics(*f, theta)->error;
          last_eval = analysis::classification_metrics(*held_out->held_out, theta);
          loss = last_eval->loss;
          error = last_eval->error;
        }
        for (double cell : {train_error, loss, error}) cells.emplace_back(cell);
      }
      return cells;
    };
    recorder.row(std::move(leading), theta, measure,
                 extra.empty() ? nullptr : TrajectoryRecorder::ExtraCells(extra_cells));
    // Early stopping watches every held-out measurement (Goodfellow et al. 2016, Algorithm 7.1).
    if (stopping && last_eval) {
      const bool by_loss = stopping->params().monitor == harness::EarlyStoppingParams::Monitor::loss;
      stopping->observe(step, by_loss ? last_eval->loss : last_eval->error, theta);
    }
  };

  // Checkpoints (tool/checkpoints.hpp, tool/run_checkpoint.hpp): FILE is locked by the
  // recorder, so no other run touches FILE.checkpoint.* either.
  RunProgress progress;
  std::optional<Checkpoints> checkpoints;
  if (checkpointing.enabled) {
    const RunIdentity identity{objective_spec, optimizer_spec, x0_spec, sampling_text, monitor_spec,
                               bound ? harness::format_double(*bound) : std::string(),
                               held_out ? held_out->spec : std::string(), stopping ? stopping->spec() : std::string(),
                               steps, batch, every, seed, record_params};
    checkpoints.emplace(out, progress.journal, [&, identity](StateArchive& a) {
      archive_run_checkpoint(a, identity, progress, *optimizer, oracle, theta, recorder,
                             stopping ? &*stopping : nullptr);
    });
    checkpoints->begin(checkpointing.resume, recorder);
  }
  auto save_checkpoint_at = [&](long step, std::string why) {
    progress.step = step;
    checkpoints->save(std::move(why), recorder);
  };

  std::string status = "ok", reason;
  bool stopped_early = false;  // by the early-stopping rule, before the last step and not diverged
  int interrupted_by = 0;
  long k = static_cast<long>(progress.step);  // the step being run (or just run): 0, or where a resumed run stood
  // Non-finite numbers anywhere (the step's loss or gradient, θ, a line search, a linear
  // solve, the recorded row, the monitor) throw DivergenceError where they are met; this is
  // the one place that turns it into status `diverged`, keeping the rows written before.
  // SIGINT/SIGTERM stop a resumable run at the next step boundary, with a checkpoint; one that
  // arrives after the last step waits until the run's files are committed (the run is then
  // complete, and ends normally).
  std::optional<harness::GracefulStop> stop;
  if (checkpointing.enabled) stop.emplace();
  try {
    if (!checkpointing.resume) record(0);  // a resumed run has its rows so far, row 0 included
    while (k < steps && !(stopping && stopping->stop())) {
      ++k;
      optimizer->step(theta, oracle);
      if (bound) {
        const double loss = f->value(theta);
        if (!std::isfinite(loss)) throw DivergenceError("--diverge-above check: non-finite loss (" + non_finite_name(loss) + ")");
        if (loss > *bound) {
          status = "diverged";
          reason = "loss " + harness::format_double(loss) + " above --diverge-above " + harness::format_double(*bound);
        }
      }
      if (status != "ok" || k % every == 0 || k == steps) record(k);
      // Early stopping ends a run that is still ok before its last step; it never overwrites
      // a divergence's reason, and a rule that fires at the last step stops nothing.
      if (status == "ok" && k < steps && stopping && stopping->stop()) {
        stopped_early = true;
        reason = stopping->reason();
      }
      if (status != "ok" || k == steps || !reason.empty()) break;
      if (stop && stop->signal() != 0) {
        interrupted_by = stop->signal();
        save_checkpoint_at(k, "interrupted by " + signal_name(interrupted_by) + " at step " + std::to_string(k));
        break;
      }
      if (checkpointing.every > 0 && k % checkpointing.every == 0) save_checkpoint_at(k, "running");
    }
  } catch (const DivergenceError& e) {
    status = "diverged";
    reason = e.what();
  }
  if (interrupted_by != 0) {
    // The final names keep what they held; the recorder discards its temporary. The caller
    // (main) ends the process by the same signal once every file is closed.
    harness::print_error("run interrupted at step " + std::to_string(k) + "; checkpoint '" +
                         checkpoints->checkpoint_path().string() + "' (continue with the same command and --resume)");
    return 128 + interrupted_by;
  }
  const std::size_t rows = recorder.close();

  nlohmann::ordered_json j;
  j["status"] = status;
  j["reason"] = reason;
  j["steps_run"] = k;
  j["steps_requested"] = steps;
  j["rows"] = rows;
  j["objective"] = f->spec();
  j["optimizer"] = optimizer->spec();
  j["x0"] = x0_spec;
  j["dim"] = dim;
  j["batch"] = batch;
  j["sampling"] = sampling_text;
  j["seed"] = seed;
  j["evals"] = oracle.counts().gradients;  // the evals column: gradient evaluations
  // What second-order methods spend besides gradients (oracle.hpp): line-search values,
  // Hessian-vector products, dense Hessians, residual maps, J·v / Jᵀ·u, Fisher products and
  // K-FAC statistics.
  add_evaluation_counts(j, oracle.counts(),
                        {"samples", "values", "hvps", "hessians", "residual_evaluations", "jacobian_products",
                         "fisher_products", "layer_statistics"});
  recorder.add_monitor_status(j);
  if (held_out) j["eval"] = held_out->spec;
  if (stopping) {
    // The run's result under early stopping: the best held-out point, not the last one.
    j["early_stopping"] = stopping->spec();
    j["stopped_early"] = stopped_early;
    j["evaluations"] = stopping->evaluations();
    j["best_step"] = stopping->best_step();
    j["best_" + held_out->prefix + "_" + harness::monitor_name(stopping->params().monitor)] =
        stopping->best_step() < 0 ? nlohmann::ordered_json() : nlohmann::ordered_json(stopping->best_value());
    nlohmann::ordered_json best = nlohmann::ordered_json::array();
    for (Index i = 0; i < stopping->best_theta().size(); ++i) best.push_back(stopping->best_theta()[i]);
    j["best_theta"] = best;
  }
  recorder.commit(j);
  if (checkpoints) checkpoints->remove();  // the result is in place: the checkpoint has done its work
  if (status != "ok") {
    harness::print_error("run diverged at step " + std::to_string(k) + " (" + reason + "); " + std::to_string(rows) +
                         " rows kept in " + out);
    return kExitDiverged;
  }
  return kExitOk;
}

}  // namespace

Command run_command() {
  Command c;
  c.name = "run";
  c.summary = "run a discrete optimizer on an objective; one CSV row per recorded step";
  c.synopsis =
      "optdyn run --objective SPEC --optimizer SPEC --steps N [--batch B] [--sampling MODE] [--seed S]\n"
      "           [--x0 SPEC] [--record-every K] [--record-params] [--diverge-above X]\n"
      "           [--monitor " + wrapped(analysis::CurvatureMonitor::synopsis(), 78, 22) + "]\n"
      "           [--eval heldout:split=test|validation[,fraction=F][,n=N][,every=K]]\n"
      "           [--early-stopping early_stopping:patience=P[,min_delta=D][,monitor=loss|error]]\n"
      "           [--checkpoint-every N] [--resume] --out FILE.csv";
  c.details =
      "Columns: step,evals,loss,grad_norm (+ avg_loss,avg_grad_norm with an 'average' modifier,\n"
      "+ x0..x{D-1} with --record-params). Row 0 is the\n"
      "start; then every K-th step and the last one. evals counts the optimizer's gradient\n"
      "evaluations (one per minibatch); loss and grad_norm are the full objective at θ.\n\n"
      "Optimizer specs compose modifiers with '|', e.g. 'adam:lr=1e-3|clip_norm:max=1|cosine:t_max=1000'\n"
      "(see optdyn list optimizers). --batch 0 (default) is full-batch GD; B > 0 draws minibatches\n"
      "(--sampling shuffle: epochs of a fresh permutation; replacement; cyclic: in order).\n\n"
      "Divergence (NaN/Inf anywhere: loss, gradient, parameters, line search, linear solves,\n"
      "monitor; or with --diverge-above X a loss above X, checked every step) stops the run:\n"
      "status diverged with a reason naming where, rows so far are kept (every written number is\n"
      "finite), exit status 3. Every run writes\n"
      "FILE.csv.status.json with status ok|diverged, the reason, the resolved specs and the oracle's\n"
      "counters (evals, values, hvps, hessians, residual_evaluations, jacobian_products,\n"
      "fisher_products, layer_statistics).\n\n"
      "--monitor curvature:every=K adds lambda_max,lambda_min,cond_pos,rayleigh_g,index,index_low,index_high,\n"
      "index_tau,neg_count,"
      "curv_hvps,curv_converged (before x0..): the Hessian's extreme eigenvalues, lambda_max over the\n"
      "smallest eigenvalue above the near-zero band |lambda| <= zero_tol*max|lambda| (nan if none),\n"
      "g'Hg/g'g, the saddle index negative/D and the negative count (exact from the dense spectrum\n"
      "when D <= dense_threshold=1500 with dense=auto, its interval the point; on the Lanczos path nan\n"
      "unless index_probes=P estimates it by Chebyshev filters with a 95% interval and the tau it\n"
      "resolves (index_degree=N, index_seed=S); there\n"
      "cond_pos is lambda_max/lambda_min if lambda_min is above the band), and the HVPs used. Measured at\n"
      "recorded steps that are multiples of K (and step 0); other rows hold nan. Monitor HVPs are\n"
      "not counted in evals; their total is monitor_hvps in the status file.\n"
      "tracker=on follows the top eigenpairs from one measurement to the next (warm-started LOBPCG) and\n"
      "adds track_lambda0..(one column per tracked eigenvector, through crossings),track_count,\n"
      "track_hvps,track_grad_overlap (|P_V g|/|g|),track_converged; it tracks the eigenvalues above\n"
      "tracker_threshold (auto: 1.5/lr), at least 1 and at most tracker_pairs, to\n"
      "|Hv - lambda v| <= tracker_tol*|lambda|; tracker=only skips the cold measurement (its cells nan).\n\n"
      "--eval heldout:split=test|validation (classifiers: mlp, softmax_regression, logistic_regression\n"
      "with class labels) adds train_error,test_loss,test_error (split=test: the data's test split, n\n"
      "samples, 0 = the training n) or train_error,val_loss,val_error (split=validation: the last\n"
      "ceil(fraction*n) training samples are held out and the run trains on the others), measured at\n"
      "recorded steps that are multiples of every=K (and step 0), nan elsewhere. Losses are mean\n"
      "losses without the l2 penalty; errors are 0-1 errors of argmax(outputs).\n"
      "--early-stopping early_stopping:patience=P stops when the held-out loss (monitor=loss) or\n"
      "error has not dropped below its best by more than min_delta in P evaluations; the status\n"
      "file's reason says so and best_step, the best value and best_theta are the run's result.\n\n"
      "Checkpoints: while it runs, FILE.checkpoint.csv holds the rows so far; SIGINT or SIGTERM stops\n"
      "the run at the next step with FILE.checkpoint.json (optimizer, oracle and sampler state, theta),\n"
      "leaves FILE as it was and exits 130/143; --checkpoint-every N also writes one every N steps\n"
      "(for SIGKILL or a crash). The same command with --resume continues: FILE and its status file\n"
      "are byte-identical to those of an uninterrupted run. A checkpoint of another command or\n"
      "build is refused (exit 2). Both files are removed when the run ends.";
  c.declare = [](po::options_description& visible, po::options_description&, po::positional_options_description&) {
    visible.add_options()
        ("objective", po::value<std::string>()->value_name("SPEC")->required(), "objective spec")
        ("optimizer", po::value<std::string>()->value_name("SPEC")->required(), "optimizer spec (with |modifiers)")
        ("steps", po::value<long>()->value_name("N")->required(), "number of steps")
        ("batch", po::value<long>()->value_name("B")->default_value(0), "minibatch size (0 = full batch)")
        ("sampling", po::value<std::string>()->value_name("MODE")->default_value("shuffle"), "shuffle | replacement | cyclic")
        ("seed", po::value<std::string>()->value_name("S")->default_value("0"), "seed of the minibatch sampler")
        ("x0", po::value<std::string>()->value_name("SPEC")->default_value("zeros"), "starting point (as optdyn eval)")
        ("record-every", po::value<long>()->value_name("K")->default_value(1), "record every K-th step")
        ("record-params", "also write the parameters x0..x{D-1}")
        ("diverge-above", po::value<double>()->value_name("X"), "stop when the loss exceeds X")
        ("monitor", po::value<std::string>()->value_name("SPEC"), "curvature:every=K[,...]: curvature columns")
        ("eval", po::value<std::string>()->value_name("SPEC"), "heldout:split=test|validation[,...]: held-out columns")
        ("early-stopping", po::value<std::string>()->value_name("SPEC"),
         "early_stopping:patience=P[,...]: stop when the held-out measure stops improving (needs --eval)")
        ("checkpoint-every", po::value<long>()->value_name("N")->default_value(0),
         "also write a checkpoint every N steps (0: only when interrupted)")
        ("resume", "continue the interrupted run of this same command from FILE.checkpoint.json")
        ("out", po::value<std::string>()->value_name("FILE")->required(), "output CSV file ('-' for stdout, no status file)");
  };
  c.run = run_run;
  return c;
}

}  // namespace optdyn::tool
