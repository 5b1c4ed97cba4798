#include "tool/flow_checkpoint.hpp"

namespace optdyn::tool {

namespace {

// Bumped whenever the document changes shape.
constexpr std::int64_t kFlowCheckpointVersion = 1;

}  // namespace

void archive_flow_checkpoint(StateArchive& a, const FlowIdentity& id, std::int64_t record_times, FlowProgress& progress,
                             Integration& integration, TrajectoryRecorder& recorder) {
  archive_header(a, "optdyn-flow-checkpoint", kFlowCheckpointVersion);
  a.scope("command", [&] {
    a.constant("objective", id.objective);
    a.constant("flow", id.flow);
    a.constant("integrator", id.integrator);
    a.constant("x0", id.x0);
    a.constant("t_end", id.t_end);
    a.constant("record_dt", id.record_dt);
    a.constant("record_params", std::int64_t{id.record_params ? 1 : 0});
    a.constant("diverge_above", id.diverge_above);
    a.constant("monitor", id.monitor);
  });
  progress.journal.archive(a, record_times);
  a.scope("integration", [&] { integration.archive(a); });
  a.scope("evaluations", [&] { archive_counts(a, progress.evaluations); });
  a.scope("recorder", [&] { recorder.archive(a); });
  a.finish();
}

}  // namespace optdyn::tool
