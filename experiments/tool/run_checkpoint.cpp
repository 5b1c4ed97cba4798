#include "tool/run_checkpoint.hpp"

#include "optdyn/optimizers/checkpoint.hpp"

namespace optdyn::tool {

namespace {

// Bumped whenever the document changes shape (2: "status" after "step", as in flow's; 3: the
// eval and early-stopping specs, and the early-stopping state).
constexpr std::int64_t kRunCheckpointVersion = 3;

}  // namespace

void archive_run_checkpoint(StateArchive& a, const RunIdentity& id, RunProgress& progress, Optimizer& optimizer,
                            Oracle& oracle, Vec& theta, TrajectoryRecorder& recorder,
                            harness::EarlyStopping* stopping) {
  archive_header(a, "optdyn-run-checkpoint", kRunCheckpointVersion);
  a.scope("command", [&] {
    a.constant("objective", id.objective);
    a.constant("optimizer", id.optimizer);
    a.constant("x0", id.x0);
    a.constant("steps", id.steps);
    a.constant("batch", id.batch);
    a.constant("sampling", id.sampling);
    a.constant("seed", std::to_string(id.seed));
    a.constant("record_every", id.record_every);
    a.constant("record_params", std::int64_t{id.record_params ? 1 : 0});
    a.constant("diverge_above", id.diverge_above);
    a.constant("monitor", id.monitor);
    a.constant("eval", id.eval);
    a.constant("early_stopping", id.early_stopping);
  });
  a.field("step", progress.step, 0, id.steps);
  progress.journal.archive(a, progress.step + 1);  // row 0, then at most one row per step
  a.scope("run", [&] { archive_run(a, optimizer, oracle, theta); });
  a.scope("recorder", [&] { recorder.archive(a); });
  if (stopping) a.scope("early_stopping", [&] { stopping->archive(a); });
  a.finish();
}

}  // namespace optdyn::tool
