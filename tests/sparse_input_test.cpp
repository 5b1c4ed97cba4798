// Tests of SparseInput (lib/src/objectives/sparse_input.hpp): the zero-skipping products
// Z = W X and G = Y Xᵀ against Eigen's dense products (an independent GEMM), entrywise
// within 1e-13 of the natural scale (|W||X|)(r, j) resp. (|Y||X|ᵀ)(r, p); exactly equal on
// integer data, where every summation order is exact.
#define BOOST_TEST_MODULE sparse_input
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <stdexcept>
#include <string>

#include "../lib/src/objectives/sparse_input.hpp"
#include "optdyn/core/rng.hpp"

using namespace optdyn;

namespace {

// d × n with each entry 0 with probability `zeros`, else N(0, 1) (or a small nonzero
// integer when `integers`).
Mat random_input(Index d, Index n, double zeros, Rng& rng, bool integers = false) {
  Mat x(d, n);
  for (Index j = 0; j < n; ++j)
    for (Index i = 0; i < d; ++i) {
      if (rng.uniform() < zeros) {
        x(i, j) = 0.0;
      } else {
        x(i, j) = integers ? static_cast<double>(1 + rng.below(9)) * (rng.uniform() < 0.5 ? -1 : 1) : rng.normal();
      }
    }
  return x;
}

Mat random_matrix(Index rows, Index cols, Rng& rng, bool integers = false) {
  Mat a(rows, cols);
  for (Index i = 0; i < a.size(); ++i)
    a.data()[i] = integers ? static_cast<double>(rng.below(19)) - 9.0 : rng.normal();
  return a;
}

// max_{r,j} |got − want| / scale(r, j), with 0/0 = 0 (an exactly zero scale demands an
// exactly zero error).
double scaled_error(const Mat& got, const Mat& want, const Mat& scale) {
  double worst = 0.0;
  for (Index i = 0; i < got.size(); ++i) {
    const double err = std::abs(got.data()[i] - want.data()[i]);
    if (err == 0.0) continue;
    worst = std::max(worst, scale.data()[i] > 0 ? err / scale.data()[i] : INFINITY);
  }
  return worst;
}

// Both products of one (h, d, n, zero fraction) case against the dense ones.
void check_products(Index h, Index d, Index n, double zeros, std::uint64_t seed) {
  BOOST_TEST_CONTEXT("h=" << h << " d=" << d << " n=" << n << " zeros=" << zeros) {
    Rng rng(seed);
    const Mat x = random_input(d, n, zeros, rng);
    const RowMat w = random_matrix(h, d, rng);
    const Mat y = random_matrix(h, n, rng);
    const SparseInput sparse(x);
    BOOST_TEST(sparse.rows() == d);
    BOOST_TEST(sparse.cols() == n);
    BOOST_TEST(sparse.nonzeros() == (x.array() != 0.0).count());

    Mat z;
    sparse.times_left(w, z);
    BOOST_TEST(z.rows() == h);
    BOOST_TEST(z.cols() == n);
    const Mat z_dense = w * x;
    BOOST_TEST(scaled_error(z, z_dense, w.cwiseAbs() * x.cwiseAbs()) <= 1e-13);

    RowMat g(h, d);
    g.setConstant(NAN);  // every entry must be written
    sparse.gradient(y, Eigen::Map<RowMat>(g.data(), h, d));
    const Mat g_dense = y * x.transpose();
    BOOST_TEST(scaled_error(g, g_dense, y.cwiseAbs() * x.cwiseAbs().transpose()) <= 1e-13);

    // Determinism: a second call reproduces every bit.
    Mat z2;
    sparse.times_left(w, z2);
    RowMat g2(h, d);
    sparse.gradient(y, Eigen::Map<RowMat>(g2.data(), h, d));
    BOOST_TEST((z2.array() == z.array()).all());
    BOOST_TEST((g2.array() == g.array()).all());

    // Threads split the output's row blocks, never a sum: 1, 2 and 3 threads give the same bits.
    for (int threads : {1, 2, 3}) {
      Mat zt;
      sparse.times_left(w, zt, threads);
      RowMat gt(h, d);
      sparse.gradient(y, Eigen::Map<RowMat>(gt.data(), h, d), threads);
      BOOST_TEST((zt.array() == z.array()).all(), threads << " threads");
      BOOST_TEST((gt.array() == g.array()).all(), threads << " threads");
    }
  }
}

}  // namespace

// Row counts around the SIMD width (2, 4, 8) and the 8-packet row block (16, 32, 64);
// d and n past the summation blocks (48–384) and the 512-column chunks.
BOOST_AUTO_TEST_CASE(products_match_dense_gemm_for_every_density_and_shape) {
  const Index shapes[][3] = {{1, 1, 1},   {3, 5, 1},    {7, 13, 29},  {17, 200, 1}, {33, 1, 70},
                             {65, 200, 600}, {130, 97, 53}, {9, 600, 130}, {64, 784, 100}};
  std::uint64_t seed = 1;
  for (const double zeros : {0.0, 0.3, 0.5, 0.9, 1.0})
    for (const auto& s : shapes) check_products(s[0], s[1], s[2], zeros, seed++);
}

// Small integers: every partial sum is an exact integer below 2^53, so any summation order
// gives the same double and the sparse products equal the dense ones bit for bit.
BOOST_AUTO_TEST_CASE(integer_products_are_exact) {
  Rng rng(7);
  const Mat x = random_input(150, 700, 0.5, rng, true);
  const RowMat w = random_matrix(70, 150, rng, true);
  const Mat y = random_matrix(70, 700, rng, true);
  const SparseInput sparse(x);
  Mat z;
  sparse.times_left(w, z);
  const Mat z_dense = w * x;
  BOOST_TEST((z.array() == z_dense.array()).all());
  RowMat g(70, 150);
  sparse.gradient(y, Eigen::Map<RowMat>(g.data(), 70, 150));
  const Mat g_dense = y * x.transpose();
  BOOST_TEST((g.array() == g_dense.array()).all());
}

BOOST_AUTO_TEST_CASE(all_zero_input_gives_exact_zeros) {
  Rng rng(3);
  const Mat x = Mat::Zero(20, 30);
  const SparseInput sparse(x);
  BOOST_TEST(sparse.nonzeros() == 0);
  BOOST_TEST(sparse.zero_fraction() == 1.0);
  Mat z = Mat::Constant(2, 2, NAN);  // resized and overwritten
  sparse.times_left(random_matrix(11, 20, rng), z);
  BOOST_TEST(z.rows() == 11);
  BOOST_TEST(z.cols() == 30);
  BOOST_TEST((z.array() == 0.0).all());
  RowMat g = RowMat::Constant(11, 20, NAN);
  sparse.gradient(random_matrix(11, 30, rng), Eigen::Map<RowMat>(g.data(), 11, 20));
  BOOST_TEST((g.array() == 0.0).all());
}

BOOST_AUTO_TEST_CASE(worthwhile_follows_the_zero_fraction_and_row_count) {
  // 10 × 10 with exactly k zeros: fraction k/100 against the 0.3 threshold.
  for (const int k : {0, 29, 30, 50, 100}) {
    Mat x = Mat::Ones(10, 10);
    for (int i = 0; i < k; ++i) x.data()[(37 * i) % 100] = 0.0;  // 37 is coprime to 100
    const SparseInput sparse(x);
    BOOST_TEST(sparse.zero_fraction() == k / 100.0, boost::test_tools::tolerance(1e-15));
    BOOST_TEST(sparse.worthwhile(256) == (k >= 30));
    BOOST_TEST(sparse.worthwhile(16) == (k >= 30));
    BOOST_TEST(!sparse.worthwhile(15));
  }
}

BOOST_AUTO_TEST_CASE(shape_mismatches_throw) {
  const SparseInput sparse(Mat::Ones(4, 6));
  Mat z;
  BOOST_CHECK_THROW(sparse.times_left(RowMat::Ones(3, 5), z), std::invalid_argument);
  RowMat g(3, 4);
  BOOST_CHECK_THROW(sparse.gradient(Mat::Ones(3, 5), Eigen::Map<RowMat>(g.data(), 3, 4)), std::invalid_argument);
  RowMat g_wrong(3, 5);
  BOOST_CHECK_THROW(sparse.gradient(Mat::Ones(3, 6), Eigen::Map<RowMat>(g_wrong.data(), 3, 5)), std::invalid_argument);
}
