#pragma once
// The finished jobs of an experiment run that has not ended yet (README, "Checkpoints and
// resume"): DIR/.optdyn-jobs/ holds identity.json (experiment, seed, scale, every resolved
// parameter, the build) and one file per finished job, <call>-<job>.json, where <call>
// counts the body's Experiment::run_jobs calls (0, 1, ...) and <job> is the job's index.
// Each is written atomically when its job ends. An interrupted or killed experiment keeps
// them; `--resume` with the same command and build reuses them and runs only the other
// jobs, to files byte-identical to an uninterrupted run's (the work before and between
// run_jobs calls is deterministic and simply repeated). The folder is removed when the run
// commits its result, or ends with bad input.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace optdyn::harness {

inline constexpr const char* kJobStoreName = ".optdyn-jobs";

class JobStore {
 public:
  JobStore(std::filesystem::path dir, nlohmann::ordered_json identity);

  bool exists() const;
  // InputError "--resume: ..." unless the folder exists and its identity equals ours (naming
  // the first key that differs).
  void check_resumable() const;
  // Creates the folder and writes identity.json (once).
  void open();
  // The result text of a finished job, if stored.
  std::optional<std::string> load(std::size_t call, std::size_t job) const;
  void save(std::size_t call, std::size_t job, const std::string& result);
  // Removes the folder and everything in it.
  void remove() noexcept;

 private:
  std::filesystem::path folder_;
  nlohmann::ordered_json identity_;
  bool opened_ = false;
};

}  // namespace optdyn::harness
