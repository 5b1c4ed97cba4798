#pragma once
// The checkpoint document of `optdyn flow` (README, "Checkpoints and resume"; the files around
// it: tool/checkpoints.hpp):
//   {"format": "optdyn-flow-checkpoint", "version", "build",
//    "command": the options that define the flow's numbers,
//    "status", "rows", "csv_bytes", "csv_sha256",
//    "integration": the integration at a boundary (integrators/integrator.hpp: t, the record
//                   times observed, the statistics, z, the next step and the method's memory),
//    "evaluations": the objective's counters since the start (integration and recording),
//    "recorder": the recorder's counters (its own evaluations, the monitor's totals)}
#include <cstdint>
#include <string>

#include "optdyn/core/state_archive.hpp"
#include "optdyn/integrators/integrator.hpp"
#include "optdyn/objectives/objective.hpp"
#include "tool/checkpoints.hpp"
#include "tool/trajectory_recorder.hpp"

namespace optdyn::tool {

// Everything on the command line that defines a flow's numbers, as resolved (t_end and
// record_dt exactly, as %.17g): a checkpoint resumes only the same command (--resume and
// --checkpoint-every aside).
struct FlowIdentity {
  std::string objective, flow, integrator, x0, t_end, record_dt, monitor, diverge_above;
  bool record_params = false;
};

// Where a flow stands at a checkpoint.
struct FlowProgress {
  CheckpointProgress journal;
  EvaluationCounts evaluations;  // the objective's, since the start (the integration's and the recorder's)
};

// The one function that writes and reads a flow checkpoint: every field in order (saving
// reads the arguments, loading checks the constants and overwrites the rest). `integration`
// is at a boundary (saving) or fresh from Integrator::start (loading); `record_times` is
// the number of record times (the most rows).
void archive_flow_checkpoint(StateArchive& a, const FlowIdentity& id, std::int64_t record_times, FlowProgress& progress,
                             Integration& integration, TrajectoryRecorder& recorder);

}  // namespace optdyn::tool
