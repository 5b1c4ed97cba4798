#pragma once
// Sums over samples in fixed blocks (doc/design.md, "Sample blocks and threads"): what makes
// full-batch values, gradients, Hessian-vector, Fisher and Gauss–Newton products bit-identical
// for any number of threads (and, through the backend seam below, of processes).
//
//  * The partition. A range of B samples (all n, or the positions of a batch) is cut into
//    blocks of a FIXED size S (the last one shorter): block b is [b·S, min(B, (b+1)·S)). S
//    depends on nothing but the objective (kDefaultBlockSamples unless a test or benchmark
//    changes block_samples() before building it) — never on the thread or process count.
//  * The partials. For every block, one function computes the block's contribution (e.g.
//    (1/B) Σ_{i∈b} ∇ℓ_i) with the same code whichever thread or process runs it.
//  * The reduction. The partials are added left to right in block order,
//    out = ((p_0 + p_1) + p_2) + …, element by element; p_0 is copied, not added to zero.
//    One block (B ≤ S) is therefore exactly the unblocked computation.
//
// The backend (BlockBackend) is the seam for distributed memory: it decides which blocks this
// process computes (`local`), runs their tasks, and combines the partials into the block-order
// sum. The in-process backend (the default) owns every block and runs them on the thread pool
// (threads.hpp). The distributed backend (harness/mpi_block_backend.hpp, the optdyn tool
// under mpirun) gives each rank a contiguous range of blocks, computes only those, and
// exchanges the partials so that every rank adds all of them in block order — the same bits
// as one process (doc/design.md, "The backend seam", states the contract).
#include <algorithm>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "optdyn/core/types.hpp"

namespace optdyn {

// Samples per block unless changed: small problems (n ≤ 1024) are one block, i.e. computed
// exactly as without blocks; n = 10,000 is ten blocks, enough to keep 2–8 threads busy.
inline constexpr Index kDefaultBlockSamples = 1024;

// The block size objectives take when they are built (kDefaultBlockSamples unless set).
Index block_samples();
// std::invalid_argument for size < 1. Objectives built before keep their own size.
void set_block_samples(Index size);

// The fixed partition of [0, n) into blocks of `size` samples, the last one shorter.
struct SampleBlocks {
  Index n = 0;
  Index size = kDefaultBlockSamples;
  Index count() const { return n <= 0 ? 0 : (n + size - 1) / size; }
  Index begin(Index b) const { return b * size; }
  Index length(Index b) const { return std::min(size, n - b * size); }
  // [begin(b)·per_sample for every block, n·per_sample]: where each block's piece of a
  // per-sample array starts (BlockBackend::gather).
  std::vector<Index> offsets(Index per_sample) const {
    std::vector<Index> out;
    for (Index b = 0; b < count(); ++b) out.push_back(begin(b) * per_sample);
    out.push_back(n * per_sample);
    return out;
  }
};

// What a block task receives: the block's index.
using BlockTask = std::function<void(Index block)>;
// What a block partial receives: the block's index and where to write its partial (every
// entry of it: the buffer holds garbage before).
using BlockFill = std::function<void(Index block, double* partial)>;

// The seam between the objectives and where their blocks run.
class BlockBackend {
 public:
  virtual ~BlockBackend() = default;
  // "threads" (in-process) or the distributed backend's name.
  virtual std::string name() const = 0;
  // Whether this process computes block b of `blocks` (in-process: every block).
  virtual bool local(Index block, Index blocks) const = 0;
  // Runs task(b) once for every local block b < blocks, possibly concurrently (tasks of
  // different blocks must touch disjoint state). The exception of the lowest block that threw
  // is rethrown after the running tasks finish.
  virtual void for_each(Index blocks, const BlockTask& task) const = 0;
  // out[0, m) = p_0 + p_1 + … + p_{blocks−1}, added in block order (left to right), where
  // fill(b, buffer) writes p_b for the local blocks. On every process out holds the same bits.
  virtual void sum(Index blocks, Index m, const BlockFill& fill, double* out) const = 0;
  // Pieces that are not summed (J v of a network, per-sample gradients): fill(b, out +
  // offsets[b]) writes block b's piece, [offsets[b], offsets[b+1]) of out, for the local
  // blocks; afterwards every process holds all of out. offsets has blocks + 1 entries. A fill
  // that does nothing shares pieces the local blocks already wrote in place.
  virtual void gather(Index blocks, std::span<const Index> offsets, const BlockFill& fill, double* out) const = 0;
};

// The process's backend (the in-process thread backend unless replaced).
const BlockBackend& block_backend();
// Replaces it (null: back to the in-process backend). Not while blocks are being evaluated.
void set_block_backend(std::shared_ptr<const BlockBackend> backend);

// The in-process backend: every block local, tasks on the thread pool (threads.hpp), the sum
// computed as the partials arrive — at most 2·threads() partials are held at a time.
std::shared_ptr<const BlockBackend> thread_block_backend();

// Shorthands through block_backend().
inline void for_each_block(Index blocks, const BlockTask& task) { block_backend().for_each(blocks, task); }
inline void sum_over_blocks(Index blocks, Index m, const BlockFill& fill, double* out) {
  block_backend().sum(blocks, m, fill, out);
}
// The scalar sum of per-block values in block order.
double sum_over_blocks(Index blocks, const std::function<double(Index block)>& value);

}  // namespace optdyn
