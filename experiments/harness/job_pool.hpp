#pragma once
// Runs a sweep's jobs on one machine (README, "Sweeps"): each job in its own child process
// (fork), at most `workers` at once, the next job started as soon as one ends.
//
// Why processes and not threads: a job that crashes (a segfault, an abort, the out-of-memory
// killer) takes only itself down and is recorded with its reason while the others go on;
// jobs share nothing but what existed before the fork (data sets loaded once are shared
// copy-on-write); and the library needs no thread-safety beyond what it already has.
//
// Each child is named "optdyn-jNNNNNN" after its job (ps, top, pgrep), runs in its own
// process group, and is killed when its parent dies (PR_SET_PDEATHSIG): no orphan goes on
// holding a lock its parent's run took.
//
// A job's outcome travels back through a pipe: the child sends its reason and result text
// and exits with the job's exit status (0 ok, 2 bad input, 3 diverged, 1 internal error);
// a child killed by signal s gives 128 + s and "killed by SIGNAME". Outcomes are handed to
// `done` in completion order; callers that merge results do so in job order afterwards,
// so the merged bytes do not depend on the number of workers.
//
// Interruption: while run() is active, SIGINT/SIGTERM/SIGHUP (harness/signal_cleanup.hpp)
// stop the launching of new jobs; the signal is passed on to the running children (a
// `optdyn run` child stops at its next step with a checkpoint) and run() returns it after
// they have ended. The caller records what finished and ends by die_of_recorded_signal().
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "harness/job_table.hpp"

namespace optdyn::harness {

struct JobOutcome {
  int exit_code = 0;   // 0 ok, 2 bad input, 3 diverged, 1 internal error, 128 + s killed by signal s
  std::string reason;  // one line when the job did not succeed
  std::string result;  // the job's result text (e.g. its rows)
};

// Runs in the child. Returns the job's exit status; fills outcome.result (and
// outcome.reason for a failure it reports itself). Exceptions become the status of the
// run_guarded convention (InputError 2, DivergenceError 3, others 1) with their message.
using JobFunction = std::function<int(const Job& job, JobOutcome& outcome)>;
// Runs in the parent when a job has ended.
using JobDone = std::function<void(const Job& job, JobOutcome outcome)>;

// Runs in the parent just before a job starts; false skips the job (e.g. another process
// holds it). The place to take per-job resources, so that only running jobs hold them.
using JobGate = std::function<bool(const Job& job)>;

// The default number of workers: the cores this process may use (sched_getaffinity).
int available_cores();

// Runs the jobs `todo` (indices into `table`, started in that order) on `workers` ≥ 1
// children at a time. Returns 0, or the signal that interrupted it.
int run_job_pool(const JobTable& table, const std::vector<std::size_t>& todo, int workers, const JobFunction& job,
                 const JobDone& done, const JobGate& before_start = {});

// One job running in its child process: the building block of run_job_pool and of the MPI
// scheduler (harness/mpi_sweep.hpp). Destroying it before finish() kills and reaps the child.
class ChildJob {
 public:
  ChildJob(const Job& job, const JobFunction& function);  // forks; the child runs `function`
  ChildJob(ChildJob&&) noexcept;
  ChildJob& operator=(ChildJob&&) noexcept;
  ChildJob(const ChildJob&) = delete;
  ChildJob& operator=(const ChildJob&) = delete;
  ~ChildJob();

  std::size_t job() const { return job_; }
  int pid() const { return pid_; }
  int fd() const { return fd_; }  // readable when the child has sent something or ended
  // Reads what the child has sent so far (blocks only if nothing is there); true once it ended.
  bool read_available();
  // After read_available() returned true: reaps the child, returns its outcome.
  JobOutcome finish();

 private:
  void abandon() noexcept;
  std::size_t job_ = 0;
  int pid_ = -1;
  int fd_ = -1;
  std::string bytes_;
};

// Waits up to `timeout_ms` until a child has output; returns the positions in `children` of
// those that ended (each ready for finish()), in increasing order.
std::vector<std::size_t> wait_for_children(std::vector<ChildJob>& children, int timeout_ms);

// Runs one job in a child process and waits for it.
JobOutcome run_job_in_child(const Job& job, const JobFunction& function);

}  // namespace optdyn::harness
