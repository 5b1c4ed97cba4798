#pragma once
// Checkpoints of `optdyn run` (README, "Checkpoints and resume").
//
// Beside the output FILE a resumable run keeps two files while it runs:
//   FILE.checkpoint.csv   the journal: every CSV byte written so far (harness/run_journal.hpp)
//   FILE.checkpoint.json  the last checkpoint: the command that defines the run, the build,
//                         the step reached, how many journal bytes (and rows) it covers with
//                         their sha256, and the complete state — optimizer with modifiers,
//                         oracle with its sampler and RNG, θ (optimizers/checkpoint.hpp) and
//                         the recorder's counters.
// A checkpoint is written every --checkpoint-every steps and when SIGINT/SIGTERM stops the
// run; `--resume` restores it and continues: the CSV and status file are byte-identical to
// those of the uninterrupted run. Both files are removed when the run ends (ok or diverged).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "harness/run_journal.hpp"
#include "optdyn/core/types.hpp"
#include "optdyn/optimizers/optimizer.hpp"
#include "optdyn/optimizers/oracle.hpp"
#include "tool/trajectory_recorder.hpp"

namespace optdyn::tool {

// Everything on the command line that defines a run's numbers: a checkpoint resumes only
// the same command (--resume and --checkpoint-every aside).
struct RunIdentity {
  std::string objective, optimizer, x0, sampling, monitor, diverge_above;
  std::int64_t steps = 0, batch = 0, record_every = 1;
  std::uint64_t seed = 0;
  bool record_params = false;
};

// Where a run stands at a checkpoint.
struct RunProgress {
  std::int64_t step = 0;         // steps taken
  std::int64_t rows = 0;         // CSV rows written (journal)
  std::uint64_t csv_bytes = 0;   // journal bytes covered, header included
  std::string csv_sha256;        // of those bytes
  std::string status = "running";  // or "interrupted by SIGINT/SIGTERM at step k"
};

class RunCheckpoints {
 public:
  RunCheckpoints(const std::filesystem::path& out, RunIdentity identity);

  const std::filesystem::path& checkpoint_path() const { return checkpoint_; }
  const std::filesystem::path& journal_path() const { return journal_; }
  bool exists() const;

  // Restores the last checkpoint into freshly built parts (optimizer reset to the
  // objective's dimension); returns where it stood and the CSV bytes it covers (verified
  // against their sha256). InputError "--resume: FILE: ..." naming the mismatch otherwise.
  RunProgress restore(Optimizer& optimizer, Oracle& oracle, Vec& theta, TrajectoryRecorder& recorder,
                      std::string& csv_prefix) const;
  // Syncs the journal and writes the checkpoint atomically (harness/output_file.hpp).
  void save(RunProgress progress, harness::RunJournal& journal, Optimizer& optimizer, Oracle& oracle,
            const Vec& theta, TrajectoryRecorder& recorder) const;
  // Removes the checkpoint (after the run's outputs were committed).
  void remove() const;

 private:
  std::filesystem::path checkpoint_, journal_;
  RunIdentity identity_;
};

}  // namespace optdyn::tool
