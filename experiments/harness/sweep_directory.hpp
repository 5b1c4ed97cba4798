#pragma once
// The directory of a sweep (README, "Sweeps"): where its jobs' results live, how a job's
// result is committed, and how the whole table is run locally, resumed or split into shards.
//
//   DIR/sweep.json            what the sweep is: what runs, the axes, the seed, the build. The
//                             first run writes it; --resume, every shard and --merge check that
//                             theirs is byte-identical (exit 2 naming the first difference).
//   DIR/jobs/NNNNNN/          job NNNNNN's own files (e.g. the run's CSV and status file)
//   DIR/jobs/NNNNNN/job.json  its record, written last and atomically: the job's values, seed,
//                             status (ok, diverged, failed), exit status, reason and summary.
//                             A job is FINISHED when its record says ok or diverged; only
//                             finished jobs are skipped by --resume and by shards.
//   DIR/jobs/NNNNNN.lock      held while the job runs (harness/output_lock.hpp): two processes
//                             (a shard and a resumed run, two shards of different splits)
//                             never run the same job; the second skips it.
//
// Modes: a new sweep needs an empty or new DIR and holds DIR/.optdyn.lock for its whole run;
// --resume reopens a sweep (same lock); --shard i/N runs its share without DIR's lock (shards
// of one sweep run at once, on many machines over a shared file system) and never merges;
// --merge runs nothing. Job records never hold wall times or worker counts, so everything
// merged from them is byte-identical for any number of workers, ranks or shards.
#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/job_pool.hpp"
#include "harness/job_table.hpp"
#include "harness/output_lock.hpp"

namespace optdyn::harness {

struct SweepOptions {
  std::filesystem::path out;
  int workers = 1;                 // --jobs
  std::optional<Shard> shard;      // --shard i/N
  bool resume = false;             // --resume
  bool merge_only = false;         // --merge
  bool canary = false;             // run the first job alone first (a new sweep)
};

class SweepDirectory {
 public:
  // Claims DIR for the sweep `definition` (see the modes above). InputError naming --out, or
  // naming the first key of sweep.json that differs.
  SweepDirectory(const SweepOptions& options, const nlohmann::ordered_json& definition);

  const std::filesystem::path& path() const { return dir_; }
  std::filesystem::path job_dir(std::size_t job) const;
  // The job's record, if it has one (a record that cannot be read counts as none).
  std::optional<nlohmann::ordered_json> record(std::size_t job) const;
  bool finished(std::size_t job) const;
  // Commits DIR/jobs/NNNNNN/job.json.
  void write_record(std::size_t job, const nlohmann::ordered_json& record) const;
  // The job's lock, or nothing when another process holds it.
  std::optional<OutputLock> try_lock_job(std::size_t job) const;
  // Empties the folder of a job about to run (what an unfinished earlier attempt left there
  // is that attempt's, not a result) and creates it.
  void prepare_job_dir(std::size_t job) const;
  // Whether this process created DIR (a new sweep).
  bool created() const;
  // A new sweep that ran nothing useful (its first job failed with bad input): releases DIR
  // and removes it with everything this sweep put there.
  void remove_created() noexcept;

 private:
  std::filesystem::path dir_;
  std::optional<ClaimedDirectory> claim_;  // held unless sharded
};

// A job's status: "ok" (exit 0) and "diverged" (3) are finished; "interrupted" (stopped by
// SIGINT, SIGTERM or SIGHUP) and "failed" (anything else) run again on --resume.
std::string job_status_name(int exit_code);

// What run_sweep_jobs did.
struct SweepProgress {
  std::size_t total = 0;       // jobs in this process's share
  std::size_t already = 0;     // finished before this run (skipped)
  std::size_t ran = 0;         // ended in this run (ok, diverged or failed)
  std::size_t failed = 0;      // of those, failed or interrupted
  std::size_t elsewhere = 0;   // skipped: another process held the job's lock
  int signal = 0;              // SIGINT/SIGTERM that stopped it, or 0
  bool canary_failed = false;  // options.canary: the first job failed with bad input, no other ran
};

// Called in the parent when a job has ended: the record's extra fields (e.g. a summary read
// from the job's files). Its keys follow the standard ones.
using JobSummary = std::function<nlohmann::ordered_json(const Job& job, const JobOutcome& outcome)>;

// Runs every job of this process's share that is not finished, on options.workers children
// (harness/job_pool.hpp), and commits each one's record as it ends. A progress line on a
// terminal shows jobs done, not finished (failed or interrupted) and the ETA. With
// options.canary the first job runs alone first; if it fails with bad input nothing else runs.
// How the jobs run: run_job_pool on this machine (the default, options.workers at a time) or
// the MPI scheduler (harness/mpi_jobs.hpp). Returns the signal that stopped it, or 0.
using JobExecutor = std::function<int(const JobTable& table, const std::vector<std::size_t>& todo,
                                      const JobFunction& job, const JobDone& done, const JobGate& before_start)>;
SweepProgress run_sweep_jobs(const SweepDirectory& dir, const JobTable& table, const SweepOptions& options,
                             const JobFunction& job, const JobSummary& summary, const JobExecutor& executor = {});

// DIR/jobs/NNNNNN: where job `job` of the sweep in `out` keeps its files (for processes that
// run jobs without holding the directory, e.g. MPI workers).
std::filesystem::path sweep_job_dir(const std::filesystem::path& out, std::size_t job);

// The standard fields of a job record (job, axis values, seeds, status, exit, reason).
nlohmann::ordered_json job_record(const Job& job, const JobOutcome& outcome);

}  // namespace optdyn::harness
