#pragma once
// The experiment harness (doc/design.md, "Experiments and reproducibility").
//
// Every experiment binary accepts `--out DIR --seed S --scale quick|full --set key=value
// (repeatable) --force --jobs N --resume` and writes DIR/manifest.json (experiment, git commit, build type,
// compiler, seed, scale, every resolved parameter, start/end time, wall seconds, and each
// file written with its sha256) plus CSV files with a header row. A non-empty DIR is
// refused without --force.
//
// Output guarantees (README, "Guarantees"), enforced here for every experiment:
//  * DIR is locked for the whole run (DIR/.optdyn.lock, harness/output_lock.hpp): a second
//    run into the same DIR is refused at start with exit 2.
//  * Nothing under DIR changes before the body has returned: every CSV and file of the run
//    is staged in a temporary (harness/output_file.hpp) and finish() commits them together.
//    So a parameter the body rejects — however late — and any other failure leave an
//    earlier result in DIR byte-identical, and a bad run into a new DIR leaves no trace.
//    Only a run that started in an empty DIR and failed with an internal error (exit 1)
//    commits its partial rows, with the failure as the manifest's status, for diagnosis.
//  * Commit order: the old manifest.json is removed, the data files are renamed into place,
//    the new manifest.json is renamed last; a manifest that exists lists files whose sha256
//    it states.
//
// Usage:
//
//   int main(int argc, char** argv) {
//     return optdyn::harness::run_experiment(argc, argv, {"gradient_scaling", "one line", params},
//                                            [](optdyn::harness::Experiment& ex) { ... });
//   }
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "harness/csv_writer.hpp"
#include "harness/job_result.hpp"
#include "harness/job_table.hpp"

#include <nlohmann/json.hpp>
#include "optdyn/core/spec.hpp"

namespace optdyn::harness {

// A parameter with one default per scale (quick: minutes on a laptop; full: paper scale).
struct ExperimentParam {
  std::string key;
  std::string quick;
  std::string full;
  std::string help;
};

struct ExperimentInfo {
  std::string name;
  std::string description;
  std::vector<ExperimentParam> params;
};

class Experiment {
 public:
  // Parses the command line; throws InputError on bad input (unknown --set key, bad scale,
  // non-empty --out without --force, ...). `--help` prints usage and the parameter table.
  Experiment(ExperimentInfo info, int argc, char** argv);

  const std::string& name() const { return info_.name; }
  std::uint64_t seed() const { return seed_; }
  const std::string& scale() const { return scale_; }
  const std::filesystem::path& out_dir() const { return out_; }
  // Resolved parameters (scale defaults overridden by --set), read with typed getters.
  const Spec& params() const { return params_; }

  // A CSV under out_dir(); recorded in the manifest (with its sha256) when it is closed by
  // finish(). Keep the returned writer alive while writing.
  CsvWriter& csv(const std::string& filename, std::vector<std::string> columns);
  // The CSV opened as `filename` (std::logic_error if it is not open).
  CsvWriter& csv(const std::string& filename);
  // A whole file (e.g. JSON) under out_dir(), staged and committed with the CSVs by
  // finish() and recorded in the manifest.
  void write_file(const std::string& filename, std::string_view content);
  // Records a file the experiment wrote itself for the manifest (prefer write_file: a file
  // written directly is not covered by the staging guarantee).
  void record_file(const std::filesystem::path& path);
  // Extra key/value facts for the manifest's "results" object (e.g. a measured slope).
  void note(const std::string& key, const std::string& value);

  // Closes every CSV, writes manifest.json through a temporary file and rename. Called by
  // run_experiment after the body returns; a body may call it first with another status
  // (e.g. "diverged", which makes run_experiment exit with kExitDiverged). Idempotent.
  void finish(const std::string& status = "ok");

  // DIR/filename, for files the experiment writes itself (then record_file() them).
  std::filesystem::path file(const std::string& filename) const;
  // Runs the jobs of `table` (harness/job_table.hpp) on --jobs worker processes (default:
  // every core; harness/job_pool.hpp): `job` runs in a worker — after the data the body
  // prepared, shared copy-on-write — and fills its JobResult. Returns the results in job
  // order, so the experiment's files are the same bytes for any --jobs. When every job has
  // run, the first that failed (in job order) ends the experiment as a failure of the body
  // would: its InputError (exit 2), its divergence (exit 3), or an internal error (exit 1,
  // e.g. "killed by SIGSEGV"), naming the job's values. SIGINT/SIGTERM stop the workers and
  // end the run as an interrupted one (nothing committed, exit 130/143).
  std::vector<JobResult> run_jobs(const JobTable& table, const std::function<void(const Job&, JobResult&)>& job);
  // Appends each result's rows to the CSVs they name (opened with csv()) and its notes to the
  // manifest, in job order.
  void add_results(const std::vector<JobResult>& results);
  // Worker processes for run_jobs (--jobs).
  int workers() const { return workers_; }

  // Whether any CSV was opened or file recorded.
  bool wrote_files() const;
  // Whether DIR held nothing (but the lock) when the run started.
  bool started_empty() const;
  // Whether finish() (or abandon()) has run, and the status finish() recorded.
  bool finished() const;
  const std::string& status() const;
  // Ends a run without committing anything: every staged file is removed, DIR is left as it
  // was (and removed if this run created it and it is still empty). Used by run_experiment
  // when the body fails.
  void abandon();
  // Removes the finished jobs kept for --resume (bad input: a resumed run would meet it again).
  void discard_jobs() noexcept;

  bool help_requested() const { return help_; }

 private:
  ExperimentInfo info_;
  Spec params_;
  std::uint64_t seed_ = 0;
  std::string scale_ = "quick";
  int workers_ = 1;
  std::filesystem::path out_;
  bool help_ = false;
  // finish() without the cleanup on failure: stages, hashes, writes the manifest, renames.
  void commit(const std::string& status);
  // Locks and checks --out (--force, --resume; harness/job_store.hpp).
  void claim(bool force, bool resume);
  nlohmann::ordered_json identity() const;
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// Runs `body` inside the harness: InputError or std::bad_alloc → one line on stderr, exit 2,
// nothing committed; any other exception → one line, exit 1 (partial rows committed only
// into a DIR that was empty at start); otherwise commits the files and the manifest and
// returns 0 (3 when the body finished with status "diverged").
int run_experiment(int argc, char** argv, ExperimentInfo info,
                   const std::function<void(Experiment&)>& body);

}  // namespace optdyn::harness
