// Exact zero-skipping products with a sparse input X (sparse_input.hpp).
//
// Both products are Out(h × m) = A(h × k) S(k × m) with S sparse and k the summation index:
//   (a) Z = W X:   A = W (h × d),  S = X  (d × n),  Out = Z (h × n)
//   (b) G = Y Xᵀ:  A = Y (h × n),  S = Xᵀ (n × d),  Out = G (h × d)
// Column j of Out is Out[:, j] = Σ_{t: s(t,j) ≠ 0} s(t,j) A[:, t]: an axpy of a column of A
// for every nonzero. One kernel does both.
//
// Blocking (one core; the numbers are for AVX-512, 8 doubles per packet, Zen 4 with 32 KB
// L1d and 1 MB L2):
//   - Rows of A and Out in blocks of R = 8 packets (64 rows). A row block of Out[:, j]
//     lives in 8 SIMD registers while the nonzeros of one tile column are added in, one
//     broadcast and 8 FMAs per nonzero.
//   - The summation index t in blocks of kBlockBytes / (8·R) (48 for R = 64), so that the
//     R × block panel of A that a tile reads (24 KB) stays in L1: each A load then costs
//     an L1 hit, and the kernel is bound by one load + one FMA per packet, about what
//     a dense GEMM micro-kernel sustains, on half the terms.
//   - Columns of Out in chunks (kChunk), so that the R × chunk part of Out that a row of
//     tiles updates (256 KB) stays in L2 while the tiles loop over the blocks of t.
//   - The A panel is packed contiguously, R rows per t, zero-padded to whole packets (for
//     (a) the whole d × R panel of Wᵀ once per row block; for (b) the block × R panel of Y
//     per tile, which also avoids L1 set conflicts from Y's 8·h-byte column stride).
// The price of a tile is loading and storing R rows of Out per column with a nonzero in it
// (2 × 8 packets), small against the ~block/2 × 8 FMAs of a half-dense column.
//
// Exactness: each Out(r, j) is accumulated over t ascending (blocks ascending, rows
// ascending within a block), one FMA per nonzero, starting from 0 — the dense sum without
// its zero terms, in a fixed order (see the header). Padding rows of the A panel are zero
// and their results are never written.
#include "sparse_input.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "optdyn/core/threads.hpp"

namespace optdyn {

namespace {

namespace ei = Eigen::internal;
using Packet = ei::packet_traits<double>::type;  // __m512d with AVX-512, __m256d with AVX, ...
constexpr Index kPacket = ei::packet_traits<double>::size;
constexpr int kMaxPackets = 8;                     // accumulators per row block (≤ 16 registers)
constexpr Index kRowBlock = kMaxPackets * kPacket;  // R
constexpr Index kBlockBytes = 24 * 1024;            // A panel of one tile: fits a 32 KB L1d
constexpr Index kBlock = kBlockBytes / (8 * kRowBlock);  // 48 for AVX-512, 96 for AVX
constexpr Index kChunk = 512;                       // Out columns per chunk
static_assert(kBlock >= 1 && kBlock <= 65536, "local row indices are 16-bit");

using AlignedBuffer = Vec;  // Eigen aligns dynamic storage for its packets

// Tiles of S (k × m) from a dense accessor s(t, j) (t < k, j < m).
template <class Entry>
SparseInput::Tiles make_tiles(Index k, Index m, Index block, Index chunk, Index nonzeros, Entry s) {
  SparseInput::Tiles tiles;
  tiles.rows = k;
  tiles.cols = m;
  tiles.block = block;
  tiles.chunk = chunk;
  tiles.local_row.reserve(static_cast<std::size_t>(nonzeros));
  tiles.value.reserve(static_cast<std::size_t>(nonzeros));
  tiles.tile_begin.push_back(0);
  for (Index c0 = 0; c0 < m; c0 += chunk) {
    const Index c1 = std::min(m, c0 + chunk);
    for (Index t0 = 0; t0 < k; t0 += block) {
      const Index t1 = std::min(k, t0 + block);
      for (Index j = c0; j < c1; ++j) {
        const Index begin = static_cast<Index>(tiles.value.size());
        for (Index t = t0; t < t1; ++t) {
          const double v = s(t, j);
          if (v == 0.0) continue;
          tiles.local_row.push_back(static_cast<std::uint16_t>(t - t0));
          tiles.value.push_back(v);
        }
        const Index end = static_cast<Index>(tiles.value.size());
        if (end > begin) tiles.runs.push_back({j, begin, end});
      }
      tiles.tile_begin.push_back(static_cast<Index>(tiles.runs.size()));
    }
  }
  return tiles;
}

// The kernel. For every run of one tile: Out[rows, column] += Σ_entries value · panel[local_row],
// with the P packets of the row block held in registers. `panel` is the tile's A panel
// (R = P·kPacket doubles per t, aligned); `out` points at the row block's first row of
// column 0, columns `stride` doubles apart.
template <int P>
void tile_products(const SparseInput::Tiles& tiles, Index tile, const double* panel, double* out, Index stride) {
  constexpr Index r = P * kPacket;
  const std::uint16_t* local_row = tiles.local_row.data();
  const double* value = tiles.value.data();
  const auto* run = tiles.runs.data() + tiles.tile_begin[tile];
  const auto* last = tiles.runs.data() + tiles.tile_begin[tile + 1];
  for (; run != last; ++run) {
    double* o = out + run->column * stride;
    Packet acc[P];
#pragma GCC unroll 16
    for (int p = 0; p < P; ++p) acc[p] = ei::ploadu<Packet>(o + p * kPacket);
    for (Index e = run->begin; e < run->end; ++e) {
      const Packet x = ei::pset1<Packet>(value[e]);
      const double* a = panel + local_row[e] * r;
#pragma GCC unroll 16
      for (int p = 0; p < P; ++p) acc[p] = ei::pmadd(x, ei::pload<Packet>(a + p * kPacket), acc[p]);
    }
#pragma GCC unroll 16
    for (int p = 0; p < P; ++p) ei::pstoreu(o + p * kPacket, acc[p]);
  }
}

// One row block of Out = A S: all chunks, each zeroed and then accumulated over the blocks
// of t ascending. panel(b) returns the packed A panel of block b.
template <int P, class Panel>
void row_block_product(const SparseInput::Tiles& tiles, Panel&& panel, double* out, Index stride) {
  constexpr Index r = P * kPacket;
  const Index blocks = tiles.blocks();
  for (Index c = 0; c < tiles.chunks(); ++c) {
    const Index j1 = std::min(tiles.cols, (c + 1) * tiles.chunk);
    for (Index j = c * tiles.chunk; j < j1; ++j) std::fill_n(out + j * stride, r, 0.0);
    for (Index b = 0; b < blocks; ++b) tile_products<P>(tiles, c * blocks + b, panel(b), out, stride);
  }
}

// Calls f(std::integral_constant<int, P>) with P = ⌈rows / kPacket⌉ (1..kMaxPackets): a
// partial last row block gets as few accumulators as it needs.
template <class F>
void with_packets(Index rows, F&& f) {
  switch ((rows + kPacket - 1) / kPacket) {
    case 1: return f(std::integral_constant<int, 1>{});
    case 2: return f(std::integral_constant<int, 2>{});
    case 3: return f(std::integral_constant<int, 3>{});
    case 4: return f(std::integral_constant<int, 4>{});
    case 5: return f(std::integral_constant<int, 5>{});
    case 6: return f(std::integral_constant<int, 6>{});
    case 7: return f(std::integral_constant<int, 7>{});
    default: return f(std::integral_constant<int, kMaxPackets>{});
  }
}

// panel[t·r + i] = A(r0 + i, t0 + t) for i < rows, 0 for rows ≤ i < r; t < count.
template <class Matrix>
void pack_panel(const Matrix& a, Index r0, Index rows, Index t0, Index count, Index r, double* panel) {
  for (Index t = 0; t < count; ++t) {
    double* column = panel + t * r;
    for (Index i = 0; i < rows; ++i) column[i] = a(r0 + i, t0 + t);
    std::fill(column + rows, column + r, 0.0);
  }
}

// Runs f(r0) for every row block r0 = 0, R, 2R, … < h on `threads` threads (0: the process's
// count, threads.hpp; inside a parallel region, e.g. one sample block of a sum, inline). Each
// row block writes only its own rows of the output and computes them exactly as on one
// thread, so the result is bitwise the same for every thread count.
template <class F>
void for_each_row_block(Index h, int threads, F&& f) {
  const Index blocks = (h + kRowBlock - 1) / kRowBlock;
  parallel_for(blocks, [&f](Index b) { f(b * kRowBlock); }, threads);
}

}  // namespace

SparseInput::SparseInput(const Eigen::Ref<const Mat>& x) : rows_(x.rows()), cols_(x.cols()) {
  nonzeros_ = static_cast<Index>((x.array() != 0.0).count());
  by_sample_ = make_tiles(rows_, cols_, kBlock, kChunk, nonzeros_, [&](Index t, Index j) { return x(t, j); });
  by_pixel_ = make_tiles(cols_, rows_, kBlock, kChunk, nonzeros_, [&](Index t, Index j) { return x(j, t); });
}

double SparseInput::zero_fraction() const {
  const Index size = rows_ * cols_;
  return size > 0 ? static_cast<double>(size - nonzeros_) / static_cast<double>(size) : 0.0;
}

// (a) Z = W X. Per row block: pack Wᵀ's d × R panel once, then accumulate straight into Z's
// columns (stride h); a partial last row block goes through a scratch n × R buffer so the
// padding rows never touch Z.
void SparseInput::times_left(const Eigen::Ref<const RowMat>& w, Mat& z, int threads) const {
  if (w.cols() != rows_)
    throw std::invalid_argument("SparseInput::times_left: W has " + std::to_string(w.cols()) +
                                " columns, X has " + std::to_string(rows_) + " rows");
  const Index h = w.rows();
  z.resize(h, cols_);
  for_each_row_block(h, threads, [&](Index r0) {
    AlignedBuffer panel, scratch;
    const Index rows = std::min(kRowBlock, h - r0);
    with_packets(rows, [&](auto packets) {
      constexpr int P = decltype(packets)::value;
      constexpr Index r = P * kPacket;
      panel.resize(rows_ * r);
      pack_panel(w, r0, rows, 0, rows_, r, panel.data());
      auto block_panel = [&](Index b) { return panel.data() + b * kBlock * r; };
      if (rows == r) {
        row_block_product<P>(by_sample_, block_panel, z.data() + r0, h);
      } else {
        scratch.resize(cols_ * r);
        row_block_product<P>(by_sample_, block_panel, scratch.data(), r);
        for (Index j = 0; j < cols_; ++j) z.col(j).segment(r0, rows) = scratch.segment(j * r, rows);
      }
    });
  });
}

// (b) G = Y Xᵀ. Per row block: accumulate Gᵀ's d × R panel in a scratch buffer (G is
// row-major, so its column segments are strided), packing the block × R panel of Y per tile,
// then copy the panel into G's rows.
void SparseInput::gradient(const Eigen::Ref<const Mat>& y, Eigen::Map<RowMat> g, int threads) const {
  if (y.cols() != cols_ || g.rows() != y.rows() || g.cols() != rows_)
    throw std::invalid_argument("SparseInput::gradient: Y is " + std::to_string(y.rows()) + "×" +
                                std::to_string(y.cols()) + ", G is " + std::to_string(g.rows()) + "×" +
                                std::to_string(g.cols()) + ", X is " + std::to_string(rows_) + "×" +
                                std::to_string(cols_));
  const Index h = y.rows();
  for_each_row_block(h, threads, [&](Index r0) {
    AlignedBuffer panel, out;
    const Index rows = std::min(kRowBlock, h - r0);
    with_packets(rows, [&](auto packets) {
      constexpr int P = decltype(packets)::value;
      constexpr Index r = P * kPacket;
      panel.resize(kBlock * r);
      out.resize(rows_ * r);
      auto block_panel = [&](Index b) {
        const Index t0 = b * kBlock;
        pack_panel(y, r0, rows, t0, std::min(kBlock, cols_ - t0), r, panel.data());
        return panel.data();
      };
      row_block_product<P>(by_pixel_, block_panel, out.data(), r);
      for (Index i = 0; i < rows; ++i)
        for (Index p = 0; p < rows_; ++p) g(r0 + i, p) = out[p * r + i];
    });
  });
}

}  // namespace optdyn
