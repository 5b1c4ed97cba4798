#pragma once
// A sweep's jobs over MPI ranks (README, "Sweeps"): the same binary under `mpirun -np P`.
//
// Rank 0 claims the sweep directory, schedules jobs dynamically (the next job goes to the
// next rank that asks), runs jobs itself between answering, writes every job's record and
// merges, exactly as a local sweep does; ranks 1..P−1 run what rank 0 sends them, each job in
// a child process (harness/job_pool.hpp), and send back its outcome. So the merged outputs
// are byte-identical to a local run. Every rank runs one job at a time; jobs write their
// files into DIR/jobs/NNNNNN, so DIR must be on a file system every rank sees (a cluster's
// shared file system; one machine trivially).
//
// Built with MPI when CMake finds it (OpenMPI from Debian: libopenmpi-dev, openmpi-bin); MPI
// is initialised only when the process was started by mpirun (OMPI_COMM_WORLD_SIZE, or
// PMI_SIZE / PMIX_RANK for other launchers), so the single-process tool never pays for it.
// A build without MPI started by mpirun with P > 1 refuses with exit 2 instead of running
// the whole sweep P times.
//
// Interruption under mpirun: mpirun passes SIGINT/SIGTERM to every rank and ends the job;
// finished jobs keep their records, the others run again with --resume.
#include <cstddef>
#include <vector>

#include "harness/job_pool.hpp"
#include "harness/job_table.hpp"

namespace optdyn::harness {

struct MpiWorld {
  int rank = 0;
  int size = 1;
  bool active() const { return size > 1; }
};

// The ranks of this process's MPI job ({0, 1} outside mpirun); initialises MPI on first use.
MpiWorld mpi_world();
// Ends MPI if mpi_world() started it (every rank, before exit).
void mpi_finalize();
// Rank 0 tells the others whether to go on (a sweep refused by rank 0 ends them all), and
// every rank returns the decision.
bool mpi_agree(bool go);
// Ends every rank (rank 0 failed after the workers started waiting for it).
void mpi_abort(int code);

// Rank 0: runs `todo` over every rank, itself included, and calls `done` for each outcome
// (completion order). Returns 0 (interruption is mpirun's business, see above).
int run_mpi_jobs_as_scheduler(const JobTable& table, const std::vector<std::size_t>& todo, const JobFunction& job,
                              const JobDone& done, const JobGate& before_start = {});
// Ranks 1..P−1: run the jobs rank 0 assigns until it says stop.
void run_mpi_jobs_as_worker(const JobTable& table, const JobFunction& job);

}  // namespace optdyn::harness
