// The Mlp's probabilistic view: Fisher-vector products, per-sample gradients and the per-layer
// statistics of K-FAC. Notation in mlp.cpp; the shared passes in mlp_passes.hpp.
#include "optdyn/objectives/mlp.hpp"

#include <cmath>
#include <memory>
#include <stdexcept>

#include "mlp_passes.hpp"
#include "optdyn/core/rng.hpp"

namespace optdyn {

using namespace mlp_detail;

// --- probabilistic view: Fisher products, per-sample gradients, K-FAC statistics ---------
// ℓ_i = −log p(y_i | f(x_i)) per sample (mlp.hpp: Gaussian N(f, I), categorical softmax(f),
// Bernoulli logistic(f)); its output gradient u_i = ∂ℓ_i/∂f_i and output Fisher H_i:
//   mse  u = f − y    H = I                 sampled label ŷ = f + ξ, ξ ∼ N(0, I): u = −ξ
//   ce   u = w p − y  H = diag p − p pᵀ     ŷ ∼ Categorical(p): u = p − e_ŷ
//   bce  u = s − y    H = s(1 − s)          ŷ ∼ Bernoulli(s): u = s − ŷ
// (w = Σ_k y_k = 1 for one-hot targets; H is the categorical Fisher whatever w is, and equals
// ∂²ℓ/∂f² for one-hot targets.) Per-sample parameter gradients follow by backpropagation:
// g_i = (δ_{l+1,i} a_{l,i}ᵀ, δ_{l+1,i})_l with δ_L = u (the batched backward pass, without
// the 1/B of the mean).
//   true Fisher    F v = (1/B) Σ_i J_iᵀ H_i J_i v: J v by the forward R pass (tangent), H_i
//                  per column, Jᵀ by backpropagation (Martens 2014, §9.2; Schraudolph 2002's
//                  Gauss–Newton product).
//   emp./sampled   F v = (1/B) Σ_i g_i (g_iᵀ v) with s_i = g_iᵀ v = Σ_l δ_{l+1,i}ᵀ (V_l a_{l,i} + c_l)
//                  and F v = (1/B) ((δ_{l+1} diag s) a_lᵀ, δ_{l+1} s)_l: two GEMMs per layer.

namespace {

// δ_{l+1} = ∂ℓ/∂z_{l+1} for every layer l (deltas[l], n_{l+1} × B) from δ_L = top.
std::vector<Mat> backward_deltas(const MlpArchitecture& arch, const MlpLayout& layout, const Vec& theta,
                                 const ForwardPass& fp, Mat top) {
  const Index layers = layout.num_layers();
  std::vector<Mat> deltas(layers);
  deltas[layers - 1] = std::move(top);
  for (Index l = layers - 1; l >= 1; --l) {
    deltas[l - 1].noalias() = layout.weight(theta, l).transpose() * deltas[l];
    activation_backprop(arch.activation, fp.act[l], deltas[l - 1]);
  }
  return deltas;
}

// u_i = ∂ℓ_i/∂f at the data labels y_i (the empirical Fisher's per-sample output gradients),
// for the columns of one block of an evaluation over `total` samples.
Mat data_cotangents(MlpLoss loss, const Mat& f, const MatView& y, Index total) {
  Mat u;
  output_loss(loss, f, y, 1.0 / static_cast<double>(total), &u, nullptr);
  u *= static_cast<double>(total);  // per-sample gradient: undo the mean's 1/B
  return u;
}

// u_i = ∂ℓ_i/∂f at a label ŷ_i drawn from p_θ(· | x_i) (table above), column after column from
// one Rng stream: for the columns of all samples in sample order, the stream of one pass.
Mat sampled_cotangents(MlpLoss loss, const Mat& f, Rng& rng) {
  Mat u(f.rows(), f.cols());
  switch (loss) {
    case MlpLoss::mse:
      for (Index i = 0; i < u.cols(); ++i)
        for (Index r = 0; r < u.rows(); ++r) u(r, i) = -rng.normal();
      return u;
    case MlpLoss::cross_entropy: {
      // p = u + y for one-hot targets is not assumed: recompute p = softmax(f).
      for (Index i = 0; i < f.cols(); ++i) {
        const Vec p = (f.col(i).array() - f.col(i).maxCoeff()).exp().matrix();
        const Vec prob = p / p.sum();
        const double x = rng.uniform();
        Index c = 0;
        double cumulative = prob[0];
        while (x >= cumulative && c + 1 < prob.size()) cumulative += prob[++c];
        u.col(i) = prob;
        u(c, i) -= 1.0;
      }
      return u;
    }
    case MlpLoss::binary_cross_entropy:
      for (Index i = 0; i < f.cols(); ++i) {
        const double s = 1.0 / (1.0 + std::exp(-f(0, i)));
        u(0, i) = s - (rng.uniform() < s ? 1.0 : 0.0);
      }
      return u;
  }
  throw std::logic_error("sampled_cotangents: unknown loss");
}

// Columns s_c (k × B each) with Σ_c s_c s_cᵀ = H per sample: the exact expectation over y of
// u uᵀ. mse: e_c; ce: √p_c (e_c − p) (Σ_c p_c (e_c − p)(e_c − p)ᵀ = diag p − p pᵀ);
// bce: √(s(1 − s)).
std::vector<Mat> output_fisher_factors(MlpLoss loss, const Mat& f) {
  const Index k = f.rows(), b = f.cols();
  std::vector<Mat> factors;
  switch (loss) {
    case MlpLoss::mse:
      for (Index c = 0; c < k; ++c) {
        factors.push_back(Mat::Zero(k, b));
        factors.back().row(c).setOnes();
      }
      return factors;
    case MlpLoss::cross_entropy: {
      const RowVec m = f.colwise().maxCoeff();
      Mat p = (f.rowwise() - m).array().exp().matrix();
      p.array().rowwise() /= p.colwise().sum().array();
      for (Index c = 0; c < k; ++c) {
        Mat s = -p;
        s.row(c).array() += 1.0;
        s = s * p.row(c).cwiseSqrt().asDiagonal();
        factors.push_back(std::move(s));
      }
      return factors;
    }
    case MlpLoss::binary_cross_entropy: {
      const Mat s = (1.0 + (-f.array()).exp()).inverse().matrix();
      factors.push_back((s.array() * (1.0 - s.array())).sqrt().matrix());
      return factors;
    }
  }
  throw std::logic_error("output_fisher_factors: unknown loss");
}

// A point and batch with the forward pass of every block (core/sample_blocks.hpp), shared by
// the bound Fisher products.
struct BoundPoint {
  Vec theta;
  SampleBlocks blocks;
  struct Block {
    Samples samples;
    ForwardPass fp;
  };
  std::vector<Block> block;
  Block& operator[](Index b) { return block[static_cast<std::size_t>(b)]; }
  const Block& operator[](Index b) const { return block[static_cast<std::size_t>(b)]; }
};

// The forward pass of every block of an evaluation over `batch` at θ (in parallel);
// sparse(b) is block b's compressed input or null.
template <class Sparse>
std::shared_ptr<BoundPoint> bind_point(const MlpArchitecture& arch, const MlpLayout& layout, const Mat& inputs,
                                       const Mat& targets, const Vec& theta, Batch batch, const SampleBlocks& blocks,
                                       Sparse&& sparse) {
  auto point = std::make_shared<BoundPoint>();
  point->theta = theta;
  point->blocks = blocks;
  point->block.resize(static_cast<std::size_t>(blocks.count()));
  for_each_block(blocks.count(), [&](Index b) {
    BoundPoint::Block& k = (*point)[b];
    select_block(inputs, targets, batch, blocks, b, k.samples);
    forward(arch, layout, point->theta, k.samples.x(), k.fp, sparse(b));
  });
  return point;
}

// The sampled labels' cotangents of all B samples of a bound point (k × B, sample order).
// The labels are drawn in sample order from one stream (FisherKind::sampled), so the draw
// needs every block's outputs f: they are gathered first (BlockBackend::gather — a copy in
// one process, an exchange of k doubles per sample over ranks) and every process draws all
// B labels. The stream, and so every bit, is that of one pass over the samples for any
// thread or rank count, and rng advances alike on every process.
Mat draw_sampled_cotangents(const MlpArchitecture& arch, const BoundPoint& point, Rng* rng) {
  if (!rng) throw std::logic_error("Mlp: FisherKind::sampled needs an Rng");
  const SampleBlocks& blocks = point.blocks;
  const Index k = arch.widths.back();  // outputs per sample (this process may hold no block's)
  Mat f(k, blocks.n);
  block_backend().gather(blocks.count(), blocks.offsets(k), [&](Index b, double* piece) {
    Eigen::Map<Mat>(piece, k, blocks.length(b)) = point[b].fp.output;
  }, f.data());
  return sampled_cotangents(arch.loss, f, *rng);
}

// After each process wrote the columns of its own blocks into [first, first + B) of m (one
// column per sample), every process holds all of them (BlockBackend::gather of pieces that
// are already in place; in one process, nothing to do).
void share_block_columns(const SampleBlocks& blocks, Mat& m, Index first) {
  block_backend().gather(blocks.count(), blocks.offsets(m.rows()), [](Index, double*) {},
                         m.data() + first * m.rows());
}

}  // namespace

FunctionOperator Mlp::fisher(const Vec& theta, Batch batch, FisherKind kind, Rng* rng) const {
  check_point(theta, batch);
  const SampleBlocks blocks = prepare_blocks(batch);
  std::shared_ptr<const BoundPoint> point = bind_point(arch_, layout_, data_.inputs, targets_, theta, batch, blocks,
                                                       [&](Index b) { return sparse_input(batch, b); });
  const double inv_b = 1.0 / static_cast<double>(blocks.n);
  const Index count = blocks.count();
  if (kind == FisherKind::true_fisher) {
    // Output Fisher per column, as output_hessian applies it: the categorical Fisher without
    // the target weight w (scale 1/B), Bernoulli s(1 − s)/B, Gaussian I/B.
    auto curvature = std::make_shared<std::vector<OutputCurvature>>(static_cast<std::size_t>(count));
    for_each_block(count, [&](Index b) {
      OutputCurvature& c = (*curvature)[static_cast<std::size_t>(b)];
      const BoundPoint::Block& k = (*point)[b];
      output_loss(arch_.loss, k.fp.output, k.samples.y(), inv_b, nullptr, &c);
      if (arch_.loss == MlpLoss::cross_entropy) c.scale = RowVec::Constant(k.samples.count(), inv_b);
    });
    return FunctionOperator(dim(), [this, point, curvature](const Vec& v, Vec& out) {
      out.resize(dim());
      sum_over_blocks(point->blocks.count(), dim(), [&](Index b, double* partial) {
        const BoundPoint::Block& k = (*point)[b];
        TangentPass tp;
        tangent(arch_, layout_, point->theta, v, k.fp, /*keep_rz=*/false, tp);  // J v
        Mat hjv;
        output_hessian(arch_.loss, (*curvature)[static_cast<std::size_t>(b)], tp.output, hjv);  // (1/B) H J v
        backward(arch_, layout_, point->theta, k.fp, std::move(hjv), partial);  // Jᵀ(·)
      }, out.data());
    });
  }
  // Sampled labels are drawn for all samples, in sample order (one Rng stream); the rest of
  // each block's δ's in parallel.
  const Mat drawn = kind == FisherKind::sampled ? draw_sampled_cotangents(arch_, *point, rng) : Mat();
  auto deltas = std::make_shared<std::vector<std::vector<Mat>>>(static_cast<std::size_t>(count));
  for_each_block(count, [&](Index b) {
    const BoundPoint::Block& k = (*point)[b];
    Mat top = kind == FisherKind::sampled ? Mat(drawn.middleCols(blocks.begin(b), blocks.length(b)))
                                          : data_cotangents(arch_.loss, k.fp.output, k.samples.y(), blocks.n);
    (*deltas)[static_cast<std::size_t>(b)] = backward_deltas(arch_, layout_, point->theta, k.fp, std::move(top));
  });
  return FunctionOperator(dim(), [this, point, deltas, inv_b](const Vec& v, Vec& out) {
    const auto& w = arch_.widths;
    const Index layers = layout_.num_layers();
    out.resize(dim());
    sum_over_blocks(point->blocks.count(), dim(), [&](Index b, double* partial) {
      const BoundPoint::Block& k = (*point)[b];
      const std::vector<Mat>& delta = (*deltas)[static_cast<std::size_t>(b)];
      RowVec s = RowVec::Zero(k.samples.count());  // s_i = g_iᵀ v
      for (Index l = 0; l < layers; ++l) {
        Mat z;
        times_activation(k.fp, l, layout_.weight(v, l), z);
        if (layout_.has_bias()) z.colwise() += layout_.bias(v, l);
        s += delta[l].cwiseProduct(z).colwise().sum();
      }
      s *= inv_b;
      for (Index l = 0; l < layers; ++l) {
        const Mat weighted = delta[l] * s.asDiagonal();
        times_activation_transpose(k.fp, l, weighted,
                                   Eigen::Map<RowMat>(partial + layout_.weight_offset(l), w[l + 1], w[l]));
        if (layout_.has_bias()) Eigen::Map<Vec>(partial + layout_.bias_offset(l), w[l + 1]) = weighted.rowwise().sum();
      }
    }, out.data());
  });
}

Mat Mlp::sample_gradients(const Vec& theta, Batch batch) const {
  check_point(theta, batch);
  const SampleBlocks blocks = prepare_blocks(batch);
  const auto point = bind_point(arch_, layout_, data_.inputs, targets_, theta, batch, blocks,
                                [&](Index b) { return sparse_input(batch, b); });
  const auto& w = arch_.widths;
  const Index d = dim();
  Mat out(d, blocks.n);
  const std::vector<Index> offsets = blocks.offsets(d);
  block_backend().gather(blocks.count(), offsets, [&](Index b, double* piece) {
    const BoundPoint::Block& k = (*point)[b];
    const std::vector<Mat> deltas =
        backward_deltas(arch_, layout_, theta, k.fp, data_cotangents(arch_.loss, k.fp.output, k.samples.y(), blocks.n));
    for (Index i = 0; i < k.samples.count(); ++i) {
      double* column = piece + i * d;
      for (Index l = 0; l < layout_.num_layers(); ++l) {
        Eigen::Map<RowMat>(column + layout_.weight_offset(l), w[l + 1], w[l]).noalias() =
            deltas[l].col(i) * k.fp.a(l).col(i).transpose();
        if (layout_.has_bias()) Eigen::Map<Vec>(column + layout_.bias_offset(l), w[l + 1]) = deltas[l].col(i);
      }
    }
  }, out.data());
  return out;
}

std::vector<DenseLayerStatistics> Mlp::dense_layer_statistics(const Vec& theta, Batch batch, FisherKind kind,
                                                              Rng* rng) const {
  check_point(theta, batch);
  const SampleBlocks blocks = prepare_blocks(batch);
  const auto point = bind_point(arch_, layout_, data_.inputs, targets_, theta, batch, blocks,
                                [&](Index b) { return sparse_input(batch, b); });
  const Index layers = layout_.num_layers(), b_total = blocks.n, count = blocks.count();
  // Columns of the output gradients per sample: the output Fisher's factors (true_fisher) or one label.
  const Index m = kind != FisherKind::true_fisher || arch_.loss == MlpLoss::binary_cross_entropy ? 1 : arch_.widths.back();
  std::vector<DenseLayerStatistics> out(layers);
  for (Index l = 0; l < layers; ++l) {
    DenseLayerStatistics& s = out[l];
    s.weight_offset = layout_.weight_offset(l);
    s.bias_offset = layout_.bias_offset(l);
    s.rows = arch_.widths[l + 1];
    s.cols = arch_.widths[l];
    s.inputs.resize(s.cols, b_total);
    s.output_gradients.resize(s.rows, m * b_total);
  }
  // Sampled labels: for all samples, in sample order, one stream.
  const Mat drawn = kind == FisherKind::sampled ? draw_sampled_cotangents(arch_, *point, rng) : Mat();
  // Blocks write disjoint columns (no sums: the statistics are per sample).
  for_each_block(count, [&](Index b) {
    const BoundPoint::Block& k = (*point)[b];
    const Index begin = blocks.begin(b), length = blocks.length(b);
    std::vector<Mat> tops;
    if (kind == FisherKind::true_fisher)
      tops = output_fisher_factors(arch_.loss, k.fp.output);
    else if (kind == FisherKind::sampled)
      tops.push_back(drawn.middleCols(begin, length));
    else
      tops.push_back(data_cotangents(arch_.loss, k.fp.output, k.samples.y(), b_total));
    for (Index l = 0; l < layers; ++l) out[l].inputs.middleCols(begin, length) = k.fp.a(l);
    for (Index c = 0; c < m; ++c) {
      const std::vector<Mat> deltas = backward_deltas(arch_, layout_, theta, k.fp, std::move(tops[c]));
      for (Index l = 0; l < layers; ++l) out[l].output_gradients.middleCols(c * b_total + begin, length) = deltas[l];
    }
  });
  // Each process wrote its own blocks' columns: exchange them (K-FAC multiplies all of them).
  for (DenseLayerStatistics& s : out) {
    share_block_columns(blocks, s.inputs, 0);
    for (Index c = 0; c < m; ++c) share_block_columns(blocks, s.output_gradients, c * b_total);
  }
  return out;
}

}  // namespace optdyn
