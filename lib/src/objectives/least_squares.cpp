#include "optdyn/objectives/least_squares.hpp"

#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "optdyn/core/budget.hpp"
#include "optdyn/core/error.hpp"
#include "optdyn/core/text.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/core/sample_blocks.hpp"
#include "optdyn/objectives/quadratic.hpp"
#include "optdyn/objectives/registry.hpp"

namespace optdyn {
namespace {
// kappa: the largest dimension, and the largest n·dim² (about a minute of QR).
constexpr Index kMaxKappaDim = 4000;
constexpr double kMaxKappaFlops = 1e11;

// The rows of A (and entries of b) selected by a non-empty batch.
Mat rows_of(const Mat& a, Batch batch) {
  Mat out(static_cast<Index>(batch.size()), a.cols());
  for (Index k = 0; k < out.rows(); ++k) out.row(k) = a.row(batch[k]);
  return out;
}
Vec entries_of(const Vec& b, Batch batch) {
  Vec out(static_cast<Index>(batch.size()));
  for (Index k = 0; k < out.size(); ++k) out[k] = b[batch[k]];
  return out;
}
}  // namespace

LeastSquares::LeastSquares(Mat a, Vec b, Vec theta_true, std::string spec)
    : a_(std::move(a)),
      b_(std::move(b)),
      theta_true_(std::move(theta_true)),
      spec_(std::move(spec)),
      block_size_(block_samples()) {
  if (b_.size() != a_.rows())
    throw InputError("objective '" + spec_ + "': b has " + std::to_string(b_.size()) +
                     " entries, A has " + std::to_string(a_.rows()) + " rows");
}

Vec LeastSquares::solution() const { return a_.completeOrthogonalDecomposition().solve(b_); }

// By sample blocks (core/sample_blocks.hpp): the rows of A (all n, or the batch's rows
// gathered) in blocks of samples_per_block(); every sum over rows is the blocks' partials
// added in block order, every per-row quantity block by block.
SampleBlocks LeastSquares::sample_blocks(Batch batch) const {
  return {batch.empty() ? a_.rows() : static_cast<Index>(batch.size()), block_size_};
}

// F_B = (1/2|B|) ‖A_B θ − b_B‖², ∇F_B = A_Bᵀ(A_B θ − b_B)/|B|: per block the partials
// A_bᵀ r_b / |B| and ½‖r_b‖² / |B|.
double LeastSquares::evaluate(const Vec& theta, Batch batch, Vec* gradient) const {
  const SampleBlocks blocks = sample_blocks(batch);
  const double m = static_cast<double>(blocks.n);
  std::vector<double> values(static_cast<std::size_t>(blocks.count()));
  auto block = [&](Index blk, double* partial_gradient) {
    const Index begin = blocks.begin(blk), length = blocks.length(blk);
    Vec r;
    if (batch.empty()) {
      const auto ab = a_.middleRows(begin, length);
      r = ab * theta - b_.segment(begin, length);
      if (gradient) Eigen::Map<Vec>(partial_gradient, dim()) = ab.transpose() * r / m;
    } else {
      const Mat ab = rows_of(a_, batch.subspan(begin, length));
      r = ab * theta - entries_of(b_, batch.subspan(begin, length));
      if (gradient) Eigen::Map<Vec>(partial_gradient, dim()) = ab.transpose() * r / m;
    }
    values[static_cast<std::size_t>(blk)] = 0.5 * r.squaredNorm() / m;
  };
  if (gradient) {
    gradient->resize(dim());
    sum_over_blocks(blocks.count(), dim(), block, gradient->data());
  } else {
    for_each_block(blocks.count(), [&](Index blk) { block(blk, nullptr); });
  }
  return sum_over_blocks(blocks.count(), [&](Index blk) { return values[static_cast<std::size_t>(blk)]; });
}

// ∇²F_B v = A_Bᵀ A_B v / |B|.
void LeastSquares::evaluate_hvp(const Vec&, Batch batch, const Vec& v, Vec& out) const {
  const SampleBlocks blocks = sample_blocks(batch);
  const double m = static_cast<double>(blocks.n);
  out.resize(dim());
  sum_over_blocks(blocks.count(), dim(), [&](Index blk, double* partial) {
    const Index begin = blocks.begin(blk), length = blocks.length(blk);
    if (batch.empty()) {
      const auto ab = a_.middleRows(begin, length);
      Eigen::Map<Vec>(partial, dim()) = ab.transpose() * (ab * v) / m;
    } else {
      const Mat ab = rows_of(a_, batch.subspan(begin, length));
      Eigen::Map<Vec>(partial, dim()) = ab.transpose() * (ab * v) / m;
    }
  }, out.data());
}

Mat LeastSquares::evaluate_hessian(const Vec&) const {
  const SampleBlocks blocks = sample_blocks({});
  const Index d = dim();
  Mat h(d, d);
  sum_over_blocks(blocks.count(), d * d, [&](Index blk, double* partial) {
    const auto ab = a_.middleRows(blocks.begin(blk), blocks.length(blk));
    Eigen::Map<Mat>(partial, d, d) = ab.transpose() * ab / static_cast<double>(a_.rows());
  }, h.data());
  return 0.5 * (h + h.transpose());
}

Vec LeastSquares::residuals(const Vec& theta) const {
  if (theta.size() != dim()) throw InputError("objective '" + spec_ + "': θ has the wrong length");
  const SampleBlocks blocks = sample_blocks({});
  const double root_n = std::sqrt(static_cast<double>(a_.rows()));
  Vec out(a_.rows());
  block_backend().gather(blocks.count(), blocks.offsets(1), [&](Index blk, double* piece) {
    const Index begin = blocks.begin(blk), length = blocks.length(blk);
    Eigen::Map<Vec>(piece, length) = (a_.middleRows(begin, length) * theta - b_.segment(begin, length)) / root_n;
  }, out.data());
  return out;
}

Vec LeastSquares::jacobian_vector(const Vec&, const Vec& v) const {
  if (v.size() != dim()) throw InputError("objective '" + spec_ + "': v has the wrong length");
  const SampleBlocks blocks = sample_blocks({});
  const double root_n = std::sqrt(static_cast<double>(a_.rows()));
  Vec out(a_.rows());
  block_backend().gather(blocks.count(), blocks.offsets(1), [&](Index blk, double* piece) {
    const Index begin = blocks.begin(blk), length = blocks.length(blk);
    Eigen::Map<Vec>(piece, length) = a_.middleRows(begin, length) * v / root_n;
  }, out.data());
  return out;
}

Vec LeastSquares::jacobian_transpose_vector(const Vec&, const Vec& u) const {
  if (u.size() != a_.rows()) throw InputError("objective '" + spec_ + "': u has the wrong length");
  const SampleBlocks blocks = sample_blocks({});
  const double root_n = std::sqrt(static_cast<double>(a_.rows()));
  Vec out(dim());
  sum_over_blocks(blocks.count(), dim(), [&](Index blk, double* partial) {
    const Index begin = blocks.begin(blk), length = blocks.length(blk);
    Eigen::Map<Vec>(partial, dim()) = a_.middleRows(begin, length).transpose() * u.segment(begin, length) / root_n;
  }, out.data());
  return out;
}

namespace {

std::unique_ptr<LeastSquares> build_least_squares(const LeastSquaresParams& p, std::string spec) {
  const Index n = p.n, d = p.dim;
  const double noise = p.noise;
  const std::uint64_t seed = p.seed;
  const std::string prefix = "objective 'least_squares': ";
  const double nd = static_cast<double>(n) * static_cast<double>(d);
  check_doubles(nd, prefix, "n", "the matrix A (n x dim = " + std::to_string(n) + " x " + std::to_string(d) + ")");
  Mat a;
  Rng rng_a = Rng::derived(seed, 1);
  if (p.kappa) {
    const double kappa = *p.kappa;
    if (n < d)
      throw InputError("objective 'least_squares': key 'kappa': needs n >= dim (n = " +
                       std::to_string(n) + ", dim = " + std::to_string(d) + ")");
    // The construction below (thin QR of an n × dim Gaussian, a dim × dim Haar
    // matrix) costs O(n·dim²) time and four n × dim matrices.
    if (d > kMaxKappaDim)
      throw InputError("objective 'least_squares': key 'dim': " + std::to_string(d) +
                       " is too large with kappa (at most " + std::to_string(kMaxKappaDim) +
                       ": prescribing the spectrum costs O(n·dim²))");
    check_doubles(4.0 * nd, prefix, "n", "prescribing kappa (four n x dim matrices)");
    if (nd * static_cast<double>(d) > kMaxKappaFlops)
      throw InputError("objective 'least_squares': key 'kappa': prescribing the spectrum costs n·dim² = " +
                       format_number(nd * static_cast<double>(d), 3) + " operations, more than " +
                       format_number(kMaxKappaFlops, 3) + " (reduce n or dim)");
    // U: n×d with orthonormal columns (thin QR of a Gaussian, signs fixed); V: Haar.
    const Mat g = rng_a.normal_matrix(n, d);
    Eigen::HouseholderQR<Mat> qr(g);
    Mat u = qr.householderQ() * Mat::Identity(n, d);
    for (Index j = 0; j < d; ++j)
      if (qr.matrixQR()(j, j) < 0) u.col(j) = -u.col(j);
    const Mat v = haar_orthogonal(d, rng_a);
    Vec s(d);
    for (Index j = 0; j < d; ++j)
      s[j] = d == 1 ? 1.0 : std::pow(kappa, -0.5 * static_cast<double>(j) / static_cast<double>(d - 1));
    a = std::sqrt(static_cast<double>(n)) * u * s.asDiagonal() * v.transpose();
  } else {
    a = rng_a.normal_matrix(n, d);
  }
  Rng rng_theta = Rng::derived(seed, 2);
  Vec theta_true = rng_theta.normal_vector(d);
  Rng rng_noise = Rng::derived(seed, 3);
  Vec b = a * theta_true;
  if (noise > 0) b += noise * rng_noise.normal_vector(n);
  return std::make_unique<LeastSquares>(std::move(a), std::move(b), std::move(theta_true), std::move(spec));
}

}  // namespace

const ParamTable<LeastSquaresParams>& LeastSquaresParams::table() {
  using P = LeastSquaresParams;
  constexpr double max = std::numeric_limits<double>::max();
  static const auto t =
      ParamTable<P>("objective", "least_squares",
                    "F = (1/2n)‖Aθ − b‖², A n×dim Gaussian (or prescribed condition number), b = Aθ_true + "
                    "noise·ξ; finite sum over rows")
          .integer("n", &P::n, 1, 100000000, "number of rows (samples)")
          .integer("dim", &P::dim, 1, 100000, "number of parameters")
          .real("kappa", &P::kappa, Range::closed(1.0, max),
                "if set: condition number of the Hessian AᵀA/n (needs n >= dim)")
          .real("noise", &P::noise, Range::closed(0.0, max), "standard deviation of the label noise ξ")
          .seed("seed", &P::seed, "seed of A, θ_true and ξ");
  return t;
}

std::unique_ptr<LeastSquares> make_least_squares(const LeastSquaresParams& params) {
  return make_typed_objective(params, build_least_squares);
}

RegistryEntry<ObjectivePtr> least_squares_entry() {
  return typed_objective_entry<LeastSquaresParams>(build_least_squares);
}

}  // namespace optdyn
