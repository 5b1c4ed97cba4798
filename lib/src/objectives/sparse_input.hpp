#pragma once
// Exact products with a sparse input matrix X (d × n, one sample per column), the two
// products that dominate the MLP's first layer:
//   (a) Z = W X      W: h × d (row-major, a block of θ),   Z: h × n column-major
//   (b) G = Y Xᵀ     Y: h × n column-major,                 G: h × d row-major (a block of ∇θ)
// Both skip the zero entries of X, so they do (1 − zero fraction) of the 2·h·d·n flops of
// the dense GEMM. Images such as Fashion-MNIST (pixels/255) are about half zeros; there the
// kernels run ~2× faster than Eigen's GEMM and ~1.6× faster than OpenBLAS dgemm on one
// core (tests/bench/sparse_input_bench.cpp).
//
// Exactness: every entry is the same sum as the dense product, Σ_t a(r,t) s(t,j), minus the
// terms whose factor s(t,j) is exactly zero; those terms are a(r,t)·0 = ±0 for finite
// a(r,t) and do not change a sum. Only the summation order differs from a GEMM (here t
// ascending, one FMA per term), so results agree with Eigen's to rounding (~1e-15
// relative). If some a(r,t) is ±inf or NaN where s(t,j) = 0, the dense product gives NaN
// and this one does not. The order is fixed by the data layout: results are bitwise
// reproducible run to run and for every thread count (threads split the rows of the
// output, never a sum); they may differ between builds for different SIMD widths (the
// blocking depends on the packet size).
//
// Private to the library (lib/src), not an installed header.
#include <cstdint>
#include <vector>

#include "optdyn/core/types.hpp"

namespace optdyn {

// X compressed once, in the two layouts the products need (about 10 bytes per nonzero
// each, plus small per-run headers); the dense X is not kept.
class SparseInput {
 public:
  // When the sparse products pay (measured on Zen 4, AVX-512, one core, against both
  // Eigen's GEMM and OpenBLAS dgemm; random zero patterns, n = 1,000 and 10,000): they
  // match the dense GEMMs at ~10–20 % zeros for h ≥ 32 and win by ≥ 1.1× (OpenBLAS, G)
  // to ≥ 1.3× (Eigen) from 30 % on. With few rows (h < 16: one or two packets per column)
  // the per-nonzero bookkeeping dominates and they lose below ~50 % zeros.
  static constexpr double kMinZeroFraction = 0.3;
  static constexpr Index kMinRows = 16;

  explicit SparseInput(const Eigen::Ref<const Mat>& x);

  Index rows() const { return rows_; }  // d
  Index cols() const { return cols_; }  // n
  Index nonzeros() const { return nonzeros_; }
  double zero_fraction() const;
  // Whether to use the sparse products for W, Y with h rows: h ≥ kMinRows and a zero
  // fraction ≥ kMinZeroFraction.
  bool worthwhile(Index h) const { return h >= kMinRows && zero_fraction() >= kMinZeroFraction; }

  // z = W X (z is resized to w.rows() × n). Throws std::invalid_argument if w.cols() ≠ d.
  // threads: 0 = the process's count (threads.hpp: OPTDYN_THREADS / --threads; inline inside
  // a parallel region such as one sample block of a full-batch sum); blocks of 64 rows are
  // shared out, and the result is bitwise the same for any count.
  void times_left(const Eigen::Ref<const RowMat>& w, Mat& z, int threads = 0) const;
  // g = Y Xᵀ (g must be y.rows() × d). Throws std::invalid_argument on a shape mismatch.
  // threads: as for times_left.
  void gradient(const Eigen::Ref<const Mat>& y, Eigen::Map<RowMat> g, int threads = 0) const;

  // A sparse k × m matrix S cut into tiles for Out(h × m) = A(h × k) S: columns j in
  // chunks of `chunk`, rows t (the summation index) in blocks of `block`. Within tile
  // (chunk c, block b), each column with a nonzero in the block is one Run: its entries
  // (row index local to the block, value) in ascending row order. Tiles are stored chunk
  // by chunk, blocks ascending, so a column's runs come in ascending t.
  struct Tiles {
    struct Run {
      Index column, begin, end;  // entries [begin, end) of local_row / value
    };
    Index rows = 0, cols = 0, block = 1, chunk = 1;
    std::vector<Index> tile_begin;  // runs of tile (c, b) are [tile_begin[s], tile_begin[s+1]), s = c·blocks() + b
    std::vector<Run> runs;
    std::vector<std::uint16_t> local_row;
    std::vector<double> value;
    Index blocks() const { return (rows + block - 1) / block; }
    Index chunks() const { return (cols + chunk - 1) / chunk; }
  };

 private:
  Index rows_ = 0, cols_ = 0, nonzeros_ = 0;
  Tiles by_sample_;  // S = X  (k = d pixels, m = n samples): for (a)
  Tiles by_pixel_;   // S = Xᵀ (k = n samples, m = d pixels): for (b)
};

}  // namespace optdyn
