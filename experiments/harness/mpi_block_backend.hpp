#pragma once
// Sample blocks over MPI ranks (doc/design.md, "The backend seam"): the BlockBackend of a
// data-parallel command (harness/data_parallel.hpp: the optdyn tool under mpirun). Every rank
// runs the same command on the same data; the blocks of every sum over samples are shared out
// among the ranks, and the exchanges leave on every rank the bits one process computes.
//
//  * Ownership. Of the B blocks of an evaluation, rank r of P computes the contiguous range
//    [first(r), first(r + 1)) with first(r) = ⌊r·B/P⌋: the sizes differ by at most one, and
//    with B < P some ranks own none. Inside a rank the blocks run on its thread pool
//    (core/threads.hpp), so ranks compose with threads.
//  * sum. Each rank writes its own blocks' partials p_b (m doubles each) into slots aligned
//    as the in-process backend's buffers are (alignment is part of Eigen's bits). The left
//    fold out = ((p_0 + p_1) + p_2) + … then passes from rank to rank in block order: a rank
//    receives the fold of the blocks below its range from the nearest lower rank that owns
//    blocks (the first such rank copies its p_first instead), adds its own partials element by
//    element, left to right, and sends the fold on (MPI_Send/MPI_Recv of m doubles); the last
//    rank with blocks broadcasts the sum (MPI_Bcast). Every addition is the one the in-process
//    backend makes, in its order, so the bits are the same for any P. Never
//    MPI_Allreduce(MPI_SUM), whose grouping depends on P and the MPI library. Traffic: m doubles
//    per hop and one broadcast of m, whatever B; memory: the rank's own partials.
//  * gather. Each rank writes its blocks' pieces in place; one MPI_Allgatherv of the ranks'
//    ranges [offsets[first(r)], offsets[first(r + 1)]) completes the array on every rank.
//    The unit of the exchange is a run of g doubles, g the gcd of the offsets, so MPI's int
//    counts limit the number of runs, not of doubles.
//  * Stopping together. Before each exchange every rank reports that it is still running
//    (MPI_Allgather of one int). A rank whose command has ended — finished or failed, maybe
//    alone: rank 0's output, a block that threw — reports its exit status instead
//    (finish_ranks), and a running rank that sees it throws RankStopped, which unwinds its
//    command to finish_ranks too. So no rank waits forever in an exchange, and all ranks
//    leave with one exit status. Exchanges happen on the calling (main) thread only.
//
// MPI must be initialised first (harness/mpi_jobs.hpp, mpi_world()). A build without MPI
// has the declarations; calling them is a logic error there (mpi_world() is never active).
#include <memory>
#include <stdexcept>

#include "optdyn/core/sample_blocks.hpp"

namespace optdyn::harness {

// The backend over the ranks of MPI_COMM_WORLD (on a communicator of its own).
std::shared_ptr<const BlockBackend> mpi_block_backend();

// Thrown on a running rank when another rank's command has ended (see above).
class RankStopped : public std::runtime_error {
 public:
  RankStopped(int rank, int status);
  int rank() const { return rank_; }

 private:
  int rank_;
};

// The exit status a command reports to finish_ranks after RankStopped: it did not end by itself.
inline constexpr int kStoppedByRank = -1;

// The job's end, as every rank sees it.
struct RankOutcome {
  int status = 0;    // the exit status of the lowest rank that ended by itself
  int reporter = 0;  // that rank
};

// Called by every rank once its command has returned `status` (kStoppedByRank after
// RankStopped): reports it until every rank has, and returns the same outcome on every rank.
RankOutcome finish_ranks(int status);

}  // namespace optdyn::harness
