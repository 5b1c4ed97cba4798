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

// u_i = ∂ℓ_i/∂f at the data labels (kind empirical) or at labels drawn from p_θ (sampled).
Mat label_cotangents(MlpLoss loss, const Mat& f, const Mat& y, FisherKind kind, Rng* rng) {
  Mat u;
  output_loss(loss, f, y, &u, nullptr);
  u *= static_cast<double>(f.cols());  // per-sample gradient: undo the mean's 1/B
  if (kind == FisherKind::empirical) return u;
  if (!rng) throw std::logic_error("Mlp: FisherKind::sampled needs an Rng");
  switch (loss) {
    case MlpLoss::mse:
      for (Index i = 0; i < u.cols(); ++i)
        for (Index r = 0; r < u.rows(); ++r) u(r, i) = -rng->normal();
      return u;
    case MlpLoss::cross_entropy: {
      // p = u + y for one-hot targets is not assumed: recompute p = softmax(f).
      for (Index i = 0; i < f.cols(); ++i) {
        const Vec p = (f.col(i).array() - f.col(i).maxCoeff()).exp().matrix();
        const Vec prob = p / p.sum();
        const double x = rng->uniform();
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
        u(0, i) = s - (rng->uniform() < s ? 1.0 : 0.0);
      }
      return u;
  }
  throw std::logic_error("label_cotangents: unknown loss");
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

// A point and batch with its forward pass, shared by the bound Fisher products.
struct BoundPoint {
  Vec theta;
  Samples samples;
  ForwardPass fp;
};

// `sparse`: the inputs compressed (only for the full batch), or null.
std::shared_ptr<BoundPoint> bind_point(const MlpArchitecture& arch, const MlpLayout& layout, const Mat& inputs,
                                       const Mat& targets, const Vec& theta, Batch batch,
                                       const SparseInput* sparse) {
  auto point = std::make_shared<BoundPoint>();
  point->theta = theta;
  select_samples(inputs, targets, batch, point->samples);
  forward(arch, layout, point->theta, *point->samples.x, point->fp, sparse);
  return point;
}

}  // namespace


FunctionOperator Mlp::fisher(const Vec& theta, Batch batch, FisherKind kind, Rng* rng) const {
  check_point(theta, batch);
  std::shared_ptr<const BoundPoint> point = bind_point(arch_, layout_, data_.inputs, targets_, theta, batch, sparse_input(batch));
  const double inv_b = 1.0 / static_cast<double>(point->samples.count());
  if (kind == FisherKind::true_fisher) {
    // Output Fisher per column, as output_hessian applies it: the categorical Fisher without
    // the target weight w (scale 1/B), Bernoulli s(1 − s)/B, Gaussian I/B.
    auto curvature = std::make_shared<OutputCurvature>();
    output_loss(arch_.loss, point->fp.output, *point->samples.y, nullptr, curvature.get());
    if (arch_.loss == MlpLoss::cross_entropy) curvature->scale = RowVec::Constant(point->samples.count(), inv_b);
    return FunctionOperator(dim(), [this, point, curvature](const Vec& v, Vec& out) {
      TangentPass tp;
      tangent(arch_, layout_, point->theta, v, point->fp, /*keep_rz=*/false, tp);  // J v
      Mat hjv;
      output_hessian(arch_.loss, *curvature, tp.output, hjv);  // (1/B) H J v
      out.resize(dim());
      backward(arch_, layout_, point->theta, point->fp, std::move(hjv), out.data());  // Jᵀ(·)
    });
  }
  auto deltas = std::make_shared<const std::vector<Mat>>(backward_deltas(
      arch_, layout_, point->theta, point->fp,
      label_cotangents(arch_.loss, point->fp.output, *point->samples.y, kind, rng)));
  return FunctionOperator(dim(), [this, point, deltas, inv_b](const Vec& v, Vec& out) {
    const auto& w = arch_.widths;
    const Index layers = layout_.num_layers();
    RowVec s = RowVec::Zero(point->samples.count());  // s_i = g_iᵀ v
    for (Index l = 0; l < layers; ++l) {
      Mat z;
      times_activation(point->fp, l, layout_.weight(v, l), z);
      if (layout_.has_bias()) z.colwise() += layout_.bias(v, l);
      s += (*deltas)[l].cwiseProduct(z).colwise().sum();
    }
    s *= inv_b;
    out.resize(dim());
    for (Index l = 0; l < layers; ++l) {
      const Mat weighted = (*deltas)[l] * s.asDiagonal();
      times_activation_transpose(point->fp, l, weighted,
                                 Eigen::Map<RowMat>(out.data() + layout_.weight_offset(l), w[l + 1], w[l]));
      if (layout_.has_bias()) Eigen::Map<Vec>(out.data() + layout_.bias_offset(l), w[l + 1]) = weighted.rowwise().sum();
    }
  });
}

Mat Mlp::sample_gradients(const Vec& theta, Batch batch) const {
  check_point(theta, batch);
  const auto point = bind_point(arch_, layout_, data_.inputs, targets_, theta, batch, sparse_input(batch));
  const std::vector<Mat> deltas =
      backward_deltas(arch_, layout_, theta, point->fp,
                      label_cotangents(arch_.loss, point->fp.output, *point->samples.y, FisherKind::empirical, nullptr));
  const auto& w = arch_.widths;
  const Index b = point->samples.count();
  Mat out(dim(), b);
  for (Index i = 0; i < b; ++i)
    for (Index l = 0; l < layout_.num_layers(); ++l) {
      Eigen::Map<RowMat>(out.col(i).data() + layout_.weight_offset(l), w[l + 1], w[l]).noalias() =
          deltas[l].col(i) * point->fp.a(l).col(i).transpose();
      if (layout_.has_bias()) out.col(i).segment(layout_.bias_offset(l), w[l + 1]) = deltas[l].col(i);
    }
  return out;
}

std::vector<DenseLayerStatistics> Mlp::dense_layer_statistics(const Vec& theta, Batch batch, FisherKind kind,
                                                              Rng* rng) const {
  check_point(theta, batch);
  const auto point = bind_point(arch_, layout_, data_.inputs, targets_, theta, batch, sparse_input(batch));
  const Mat& f = point->fp.output;
  std::vector<Mat> tops;
  if (kind == FisherKind::true_fisher)
    tops = output_fisher_factors(arch_.loss, f);
  else
    tops.push_back(label_cotangents(arch_.loss, f, *point->samples.y, kind, rng));
  const Index layers = layout_.num_layers(), b = point->samples.count(), m = static_cast<Index>(tops.size());
  std::vector<DenseLayerStatistics> out(layers);
  for (Index l = 0; l < layers; ++l) {
    DenseLayerStatistics& s = out[l];
    s.weight_offset = layout_.weight_offset(l);
    s.bias_offset = layout_.bias_offset(l);
    s.rows = arch_.widths[l + 1];
    s.cols = arch_.widths[l];
    s.inputs = point->fp.a(l);
    s.output_gradients.resize(s.rows, m * b);
  }
  for (Index c = 0; c < m; ++c) {
    const std::vector<Mat> deltas = backward_deltas(arch_, layout_, theta, point->fp, std::move(tops[c]));
    for (Index l = 0; l < layers; ++l) out[l].output_gradients.middleCols(c * b, b) = deltas[l];
  }
  return out;
}

}  // namespace optdyn
