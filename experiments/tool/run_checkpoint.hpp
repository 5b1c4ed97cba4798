#pragma once
// The checkpoint document of `optdyn run` (README, "Checkpoints and resume"; the files around
// it: tool/checkpoints.hpp):
//   {"format": "optdyn-run-checkpoint", "version", "build",
//    "command": the options that define the run's numbers,
//    "step": the steps taken, "status", "rows", "csv_bytes", "csv_sha256",
//    "run": the optimizer with its modifiers, the oracle with its sampler and RNG, and θ
//           (optimizers/checkpoint.hpp),
//    "recorder": the recorder's counters (its own evaluations, the monitor's totals)
//    [, "early_stopping": the rule's state (harness/early_stopping.hpp)]}
#include <cstdint>
#include <string>

#include "harness/early_stopping.hpp"
#include "optdyn/core/state_archive.hpp"
#include "optdyn/core/types.hpp"
#include "optdyn/optimizers/optimizer.hpp"
#include "optdyn/optimizers/oracle.hpp"
#include "tool/checkpoints.hpp"
#include "tool/trajectory_recorder.hpp"

namespace optdyn::tool {

// Everything on the command line that defines a run's numbers: a checkpoint resumes only
// the same command (--resume and --checkpoint-every aside).
struct RunIdentity {
  std::string objective, optimizer, x0, sampling, monitor, diverge_above, eval, early_stopping;
  std::int64_t steps = 0, batch = 0, record_every = 1;
  std::uint64_t seed = 0;
  bool record_params = false;
};

// Where a run stands at a checkpoint.
struct RunProgress {
  std::int64_t step = 0;  // steps taken
  CheckpointProgress journal;
};

// The one function that writes and reads a run checkpoint: every field in order (saving
// reads the arguments, loading checks the constants and overwrites the rest). The optimizer
// must have been reset to the objective's dimension.
// `stopping` (null without --early-stopping): the early-stopping rule's state.
void archive_run_checkpoint(StateArchive& a, const RunIdentity& id, RunProgress& progress, Optimizer& optimizer,
                            Oracle& oracle, Vec& theta, TrajectoryRecorder& recorder,
                            harness::EarlyStopping* stopping = nullptr);

}  // namespace optdyn::tool
