// The MPI block backend and the ranks' common end (mpi_block_backend.hpp).
#include "harness/mpi_block_backend.hpp"

#include <climits>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include "optdyn/core/threads.hpp"

#ifdef OPTDYN_HAVE_MPI
#include <mpi.h>
#endif

namespace optdyn::harness {

RankStopped::RankStopped(int rank, int status)
    : std::runtime_error("rank " + std::to_string(rank) + " stopped (exit status " + std::to_string(status) + ")"),
      rank_(rank) {}

#ifndef OPTDYN_HAVE_MPI

std::shared_ptr<const BlockBackend> mpi_block_backend() {
  throw std::logic_error("mpi_block_backend in a build without MPI");
}
RankOutcome finish_ranks(int status) { return {status, 0}; }

#else

namespace {

// What a rank reports before an exchange; a rank that has ended reports its exit status.
constexpr int kRunning = -2;

// The backend's own communicator, so that its collectives never meet another library's.
MPI_Comm communicator() {
  static const MPI_Comm comm = [] {
    MPI_Comm dup = MPI_COMM_NULL;
    MPI_Comm_dup(MPI_COMM_WORLD, &dup);
    return dup;
  }();
  return comm;
}

int ranks() {
  int size = 1;
  MPI_Comm_size(communicator(), &size);
  return size;
}

// Every rank's report (kRunning, or the exit status of a rank that has ended), in rank order.
std::vector<int> reports(int mine) {
  std::vector<int> all(static_cast<std::size_t>(ranks()));
  MPI_Allgather(&mine, 1, MPI_INT, all.data(), 1, MPI_INT, communicator());
  return all;
}

// Before an exchange: every rank still runs, or RankStopped naming the first that does not.
void require_all_running() {
  if (in_parallel_region()) throw std::logic_error("MpiBlockBackend: an exchange from inside a block task");
  const std::vector<int> all = reports(kRunning);
  for (std::size_t r = 0; r < all.size(); ++r)
    if (all[r] != kRunning) throw RankStopped(static_cast<int>(r), all[r]);
}

class MpiBlockBackend final : public BlockBackend {
 public:
  MpiBlockBackend() {
    MPI_Comm_rank(communicator(), &rank_);
    size_ = ranks();
  }

  std::string name() const override { return "mpi"; }

  bool local(Index block, Index blocks) const override {
    return block >= first(blocks, rank_) && block < first(blocks, rank_ + 1);
  }

  void for_each(Index blocks, const BlockTask& task) const override {
    const Index begin = first(blocks, rank_);
    parallel_for(first(blocks, rank_ + 1) - begin, [&](Index i) { task(begin + i); });
  }

  void sum(Index blocks, Index m, const BlockFill& fill, double* out) const override {
    if (blocks <= 0) {
      std::fill_n(out, m, 0.0);
      return;
    }
    if (m > INT_MAX) throw std::length_error("MpiBlockBackend: a sum of " + std::to_string(m) + " doubles");
    // This rank's partials p_b, b in [begin, end), at (b − begin)·stride of a buffer aligned to
    // kAlignDoubles: each starts aligned as the in-process backend's own buffers do — Eigen's
    // small products peel unaligned heads, and a peeled coefficient is added in another
    // order, so alignment is part of the bits.
    const Index begin = first(blocks, rank_), end = first(blocks, rank_ + 1);
    const Index stride = (m + kAlignDoubles - 1) / kAlignDoubles * kAlignDoubles;
    Vec buffer;  // that of the previous sum, kept (most sums at a point are alike)
    buffer.swap(kept_);
    if (buffer.size() < (end - begin) * stride + kAlignDoubles) buffer.resize((end - begin) * stride + kAlignDoubles);
    double* partials = aligned(buffer.data());
    for_each(blocks, [&](Index b) { fill(b, partials + (b - begin) * stride); });
    require_all_running();
    // The left fold passes from rank to rank in block order: the fold of the blocks below
    // `begin` comes from the nearest lower rank that owns blocks, this rank adds its own, and
    // hands the fold on; the last rank with blocks holds the sum and broadcasts it.
    const int count = static_cast<int>(m);
    if (end > begin) {
      Eigen::Map<Vec> fold(out, m);
      if (const int from = owner_below(blocks, rank_); from >= 0)
        MPI_Recv(out, count, MPI_DOUBLE, from, 0, communicator(), MPI_STATUS_IGNORE);
      else
        fold = Eigen::Map<const Vec>(partials, m);  // p_0 is copied, not added to zero
      for (Index b = begin + (owner_below(blocks, rank_) >= 0 ? 0 : 1); b < end; ++b)
        fold += Eigen::Map<const Vec>(partials + (b - begin) * stride, m);
      if (const int to = owner_above(blocks, rank_); to < size_) MPI_Send(out, count, MPI_DOUBLE, to, 0, communicator());
    }
    MPI_Bcast(out, count, MPI_DOUBLE, owner_below(blocks, size_), communicator());
    if (buffer.size() <= kKeptDoubles) buffer.swap(kept_);
  }

  void gather(Index blocks, std::span<const Index> offsets, const BlockFill& fill, double* out) const override {
    if (static_cast<Index>(offsets.size()) != blocks + 1)
      throw std::invalid_argument("BlockBackend::gather: " + std::to_string(offsets.size()) + " offsets for " +
                                  std::to_string(blocks) + " blocks");
    for_each(blocks, [&](Index b) { fill(b, out + offsets[static_cast<std::size_t>(b)]); });
    exchange(blocks, offsets, out);
  }

 private:
  // 64 bytes: a cache line, and at least Eigen's largest alignment (AVX-512).
  static constexpr Index kAlignDoubles = 8;
  static double* aligned(double* p) {
    const auto address = reinterpret_cast<std::uintptr_t>(p);
    const std::uintptr_t bytes = kAlignDoubles * sizeof(double);
    return reinterpret_cast<double*>((address + bytes - 1) / bytes * bytes);
  }

  // The first block of rank r: ⌊r·B/P⌋ (rank P: B).
  Index first(Index blocks, int r) const { return blocks * r / size_; }
  bool owns_blocks(Index blocks, int r) const { return first(blocks, r + 1) > first(blocks, r); }
  // The nearest rank below r that owns blocks (−1: none), and above r (P: none).
  int owner_below(Index blocks, int r) const {
    for (int q = r - 1; q >= 0; --q)
      if (owns_blocks(blocks, q)) return q;
    return -1;
  }
  int owner_above(Index blocks, int r) const {
    for (int q = r + 1; q < size_; ++q)
      if (owns_blocks(blocks, q)) return q;
    return size_;
  }

  // Completes `data` on every rank: rank r contributes [offsets[first(r)], offsets[first(r+1)]).
  void exchange(Index blocks, std::span<const Index> offsets, double* data) const {
    require_all_running();
    const Index unit = std::accumulate(offsets.begin(), offsets.end(), Index{0},
                                       [](Index g, Index o) { return std::gcd(g, o); });
    if (unit == 0) return;  // nothing to exchange
    std::vector<int> counts(static_cast<std::size_t>(size_)), displacements(counts.size());
    for (int r = 0; r < size_; ++r) {
      const Index begin = offsets[static_cast<std::size_t>(first(blocks, r))] / unit;
      const Index end = offsets[static_cast<std::size_t>(first(blocks, r + 1))] / unit;
      if (end > INT_MAX || unit > INT_MAX)
        throw std::length_error("MpiBlockBackend: an exchange of " + std::to_string(end) + " runs of " +
                                std::to_string(unit) + " doubles exceeds MPI's int counts");
      counts[static_cast<std::size_t>(r)] = static_cast<int>(end - begin);
      displacements[static_cast<std::size_t>(r)] = static_cast<int>(begin);
    }
    MPI_Datatype run = MPI_DATATYPE_NULL;
    MPI_Type_contiguous(static_cast<int>(unit), MPI_DOUBLE, &run);
    MPI_Type_commit(&run);
    MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, data, counts.data(), displacements.data(), run,
                   communicator());
    MPI_Type_free(&run);
  }

  static constexpr Index kKeptDoubles = Index{1} << 24;  // 128 MiB
  mutable Vec kept_;  // sums run on the main thread only (exchange), one at a time
  int rank_ = 0;
  int size_ = 1;
};

}  // namespace

std::shared_ptr<const BlockBackend> mpi_block_backend() { return std::make_shared<MpiBlockBackend>(); }

RankOutcome finish_ranks(int status) {
  for (;;) {
    const std::vector<int> all = reports(status);
    bool running = false;
    for (int s : all) running = running || s == kRunning;
    if (running) continue;  // that rank learns of us in its exchange and ends too
    for (std::size_t r = 0; r < all.size(); ++r)
      if (all[r] != kStoppedByRank) return {all[r], static_cast<int>(r)};
    return {1, 0};  // unreachable: the first rank to end ended by itself
  }
}

#endif

}  // namespace optdyn::harness
