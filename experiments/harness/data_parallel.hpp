#pragma once
// A command as one rank of a data-parallel job (README, "Ranks"): `mpirun -np P optdyn
// spectrum|run|flow|eval|compare …`. Every rank parses the same command line, loads the same
// data and runs the same command; the sums over samples go through the MPI block backend
// (harness/mpi_block_backend.hpp), which gives each rank its share of the sample blocks and
// leaves on every rank the bits of one process. So every rank takes the same decisions, and:
//
//  * files and standard output: rank 0 alone writes them. The other ranks discard their
//    files (harness/output_file.hpp, discard_outputs) and their standard output goes to
//    /dev/null;
//  * standard error: rank 0's is printed as it comes. The others' is kept aside and printed
//    only when that rank's own failure ended the job while rank 0 was merely stopped by it
//    (rank 0 then printed nothing). So an error is one line, printed once;
//  * exit status: every rank exits with the status of the lowest rank that ended by itself
//    (finish_ranks): rank 0's unless rank 0 was stopped by another rank's failure.
//
// Outside a launcher, or with one rank, the command just runs. A build without MPI started by
// mpirun with P > 1 refuses with exit 2 (harness/mpi_jobs.hpp), printed by rank 0 only.
#include <functional>

namespace optdyn::harness {

// Runs `command` (a whole front-end command, already wrapped in run_guarded) as above and
// returns the agreed exit status.
int run_data_parallel(const std::function<int()>& command);

// The number of ranks the running command is spread over (1 outside run_data_parallel).
int data_parallel_ranks();

}  // namespace optdyn::harness
