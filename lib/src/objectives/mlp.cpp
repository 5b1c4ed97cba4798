// Multilayer perceptron objective: the architecture (targets prepared for the loss), the
// batched passes every view shares (forward, forward R pass, output loss, backpropagation;
// declared in mlp_passes.hpp), and the value and gradient. The views live beside it, one
// concept per file: mlp_curvature.cpp (Pearlmutter's R-operator HVPs, bound at a point),
// mlp_least_squares.cpp (residuals, J·v, Jᵀ·u), mlp_fisher.cpp (Fisher products, per-sample
// gradients, K-FAC statistics), mlp_entry.cpp (the spec entry); mlp_layout.cpp the layout.
//
// Notation and conventions
//   Layers l = 0..L−1 map width n_l to n_{l+1}; θ holds W_l (n_{l+1} × n_l, row-major) and b_l
//   in PyTorch's parameters_to_vector order (mlp_layout.cpp). A batch of B samples is
//   processed at once as matrices with one sample per COLUMN:
//     a_0 = X (d × B),  z_{l+1} = W_l a_l + b_l 1ᵀ,  a_{l+1} = σ(z_{l+1}) (hidden layers),
//     f = z_L (the output layer is linear).
//   F(θ) = (1/B) Σ_i L(f_i, y_i) + (l2/2)‖θ‖²  (MEAN over the batch; empty batch = all n).
//   Losses per sample (y = column of the prepared targets):
//     mse  L = ½‖f − y‖²                          ∂L/∂f = f − y           ∂²L/∂f² = I
//     ce   L = −Σ_k y_k log softmax(f)_k          ∂L/∂f = w p − y         ∂²L/∂f² = w (diag p − p pᵀ)
//          with p = softmax(f), w = Σ_k y_k (= 1 for one-hot y: PyTorch's CrossEntropyLoss,
//          class-index or probability targets, mean reduction)
//     bce  L = log(1 + e^f) − y f  (one output)   ∂L/∂f = s − y           ∂²L/∂f² = s(1 − s)
//          with s = logistic(f), y ∈ {0, 1} (PyTorch's BCEWithLogitsLoss, mean reduction)
//   The batch is cut into sample blocks of samples_per_block() (core/sample_blocks.hpp,
//   doc/design.md "Sample blocks and threads"): every pass below runs on one block's columns,
//   every sum over samples is the blocks' partials (each with the whole batch's 1/B) added in
//   block order, so results are bit-identical for any thread count; a batch of one block is
//   the unblocked computation. Every product is one Eigen GEMM over a block; per-sample loops
//   appear only in the probabilistic view (drawing labels, explicit per-sample gradients).
//   The data are used in place for the full batch; a minibatch gathers its columns once. With
//   the full batch, the first layer's products with X (W_0 X, V_0 X, δ_1 Xᵀ: most of the
//   flops) skip the zeros of X when it has enough of them (Mlp::sparse_input(), one
//   compressed input per block, sparse_input.hpp).
#include "optdyn/objectives/mlp.hpp"

#include <cmath>
#include <mutex>
#include <stdexcept>
#include <string>

#include "mlp_passes.hpp"
#include "optdyn/core/error.hpp"
#include "optdyn/core/sample_blocks.hpp"
#include "sparse_input.hpp"

namespace optdyn {

namespace mlp_detail {

void select_block(const Mat& inputs, const Mat& targets, Batch batch, const SampleBlocks& blocks, Index b,
                  Samples& s) {
  const Index begin = blocks.begin(b), length = blocks.length(b);
  s.d = inputs.rows();
  s.k = targets.rows();
  s.cols = length;
  if (batch.empty()) {
    s.x_data = inputs.data() + begin * s.d;
    s.y_data = targets.data() + begin * s.k;
    return;
  }
  s.x_gathered.resize(s.d, length);
  s.y_gathered.resize(s.k, length);
  for (Index j = 0; j < length; ++j) {
    s.x_gathered.col(j) = inputs.col(batch[begin + j]);
    s.y_gathered.col(j) = targets.col(batch[begin + j]);
  }
  s.x_data = s.x_gathered.data();
  s.y_data = s.y_gathered.data();
}

// out = M a_l for a weight-shaped M (W_l or V_l): through the compressed input for l = 0.
void times_activation(const ForwardPass& fp, Index l, const Eigen::Map<const RowMat>& m, Mat& out) {
  if (l == 0 && fp.sparse)
    fp.sparse->times_left(m, out);  // threads: row blocks when not inside a sample block's task
  else
    out.noalias() = m * fp.a(l);
}

// out = D a_lᵀ (a weight-shaped gradient block from a signal D with one column per sample).
void times_activation_transpose(const ForwardPass& fp, Index l, const Mat& d, Eigen::Map<RowMat> out) {
  if (l == 0 && fp.sparse)
    fp.sparse->gradient(d, out);
  else
    out.noalias() = d * fp.a(l).transpose();
}

// z_{l+1} = W_l a_l + b_l 1ᵀ;  a_{l+1} = σ(z_{l+1}) for hidden layers; f = z_L.
// `sparse`: x compressed, or null.
void forward(const MlpArchitecture& arch, const MlpLayout& layout, const Vec& theta, const MatView& x,
             ForwardPass& fp, const SparseInput* sparse) {
  const Index layers = layout.num_layers();
  fp.input = x.data();
  fp.input_rows = x.rows();
  fp.input_cols = x.cols();
  fp.sparse = sparse;
  fp.act.resize(layers);
  for (Index l = 0; l < layers; ++l) {
    Mat& z = (l + 1 < layers) ? fp.act[l + 1] : fp.output;
    times_activation(fp, l, layout.weight(theta, l), z);
    if (layout.has_bias()) z.colwise() += layout.bias(theta, l);
    if (l + 1 < layers) activation_apply(arch.activation, z);
  }
}

// Forward R pass (Pearlmutter 1994, §4 "R{·} of the forward pass"; R{g} = ∂/∂r g(θ + r v) at
// r = 0, with v split like θ into V_l, c_l):
//   R{a_0} = 0,  R{z_{l+1}} = W_l R{a_l} + V_l a_l + c_l 1ᵀ,  R{a_l} = σ'(z_l) ⊙ R{z_l},
//   R{f} = R{z_L}.
// This is forward-mode differentiation: R{f} = J_f v, the Jacobian-vector product.
// keep_rz: also keep R{z_l} of the hidden layers (the backward R pass needs it for σ'').
void tangent(const MlpArchitecture& arch, const MlpLayout& layout, const Vec& theta, const Vec& v,
             const ForwardPass& fp, bool keep_rz, TangentPass& tp) {
  const Index layers = layout.num_layers();
  tp.rz.resize(layers);
  tp.ra.resize(layers);
  for (Index l = 0; l < layers; ++l) {
    const bool hidden = l + 1 < layers;
    Mat& rz = hidden ? tp.rz[l + 1] : tp.output;
    times_activation(fp, l, layout.weight(v, l), rz);
    if (l > 0) rz.noalias() += layout.weight(theta, l) * tp.ra[l];
    if (layout.has_bias()) rz.colwise() += layout.bias(v, l);
    if (hidden) {
      if (keep_rz)
        tp.ra[l + 1] = rz;
      else
        tp.ra[l + 1].swap(rz);
      activation_forward_tangent(arch.activation, fp.act[l + 1], tp.ra[l + 1]);
    }
  }
}

// inv_b · Σ_columns L: the block's share of the mean over B = 1/inv_b samples. Optionally
// G = ∂/∂f of that (k × cols, includes inv_b) and the OutputCurvature that output_hessian()
// applies.
double output_loss(MlpLoss loss, const Mat& f, const MatView& y, double inv_b, Mat* grad, OutputCurvature* curv) {
  if (curv) curv->inv_b = inv_b;
  switch (loss) {
    case MlpLoss::mse: {
      Mat diff = f - y;
      const double value = 0.5 * diff.squaredNorm() * inv_b;
      if (grad) {
        diff *= inv_b;
        grad->swap(diff);
      }
      return value;
    }
    case MlpLoss::cross_entropy: {
      // log-sum-exp with the column maximum subtracted: lse = m + log Σ_k e^{f_k − m}.
      const RowVec m = f.colwise().maxCoeff();
      Mat p = (f.rowwise() - m).array().exp().matrix();
      const RowVec s = p.colwise().sum();
      const RowVec w = y.colwise().sum();  // Σ_k y_k (1 for one-hot targets)
      const double value =
          ((m.array() + s.array().log()) * w.array()).sum() - y.cwiseProduct(f).sum();
      p.array().rowwise() /= s.array();  // p = softmax(f)
      if (grad) *grad = (p * w.asDiagonal() - y) * inv_b;
      if (curv) {
        curv->scale = w * inv_b;
        curv->p.swap(p);
      }
      return value * inv_b;
    }
    case MlpLoss::binary_cross_entropy: {
      // log(1 + e^f) = max(f, 0) + log1p(e^{−|f|}); logistic(f) = 1/(1 + e^{−f}).
      const double value =
          (f.array().max(0.0) + (-f.array().abs()).exp().log1p() - y.array() * f.array()).sum();
      const Mat s = (1.0 + (-f.array()).exp()).inverse().matrix();
      if (curv) curv->p = (s.array() * (1.0 - s.array()) * inv_b).matrix();
      if (grad) *grad = (s - y) * inv_b;
      return value * inv_b;
    }
  }
  throw std::logic_error("output_loss: unknown loss");
}

// R{G} = inv_b ∂²L/∂f² R{f}, column by column, from the OutputCurvature of output_loss:
//   mse  ∂²L/∂f² = I;   ce  w (diag p − p pᵀ);   bce  s(1 − s).
void output_hessian(MlpLoss loss, const OutputCurvature& c, const Mat& rf, Mat& rgrad) {
  switch (loss) {
    case MlpLoss::mse:
      rgrad = rf * c.inv_b;
      return;
    case MlpLoss::cross_entropy: {
      // (diag p − p pᵀ) R{f} = p ⊙ R{f} − p (pᵀ R{f}), per column, times w / B.
      rgrad = c.p.cwiseProduct(rf);
      const RowVec ptr = rgrad.colwise().sum();
      rgrad -= c.p * ptr.asDiagonal();
      rgrad = rgrad * c.scale.asDiagonal();
      return;
    }
    case MlpLoss::binary_cross_entropy:
      rgrad = c.p.cwiseProduct(rf);
      return;
  }
  throw std::logic_error("output_hessian: unknown loss");
}

// Backpropagation (Rumelhart, Hinton & Williams 1986), batched: with δ_L = ∂F/∂f,
//   ∂F/∂W_l = δ_{l+1} a_lᵀ,   ∂F/∂b_l = δ_{l+1} 1,   δ_l = σ'(z_l) ⊙ (W_lᵀ δ_{l+1}).
// Writes every block of `grad` (length layout.size()); `delta` is consumed. Also computes
// Jᵀu when δ_L is a reshaped cotangent u.
void backward(const MlpArchitecture& arch, const MlpLayout& layout, const Vec& theta,
              const ForwardPass& fp, Mat delta, double* grad) {
  const auto& w = layout.widths();
  Mat prev;
  for (Index l = layout.num_layers() - 1; l >= 0; --l) {
    times_activation_transpose(fp, l, delta, Eigen::Map<RowMat>(grad + layout.weight_offset(l), w[l + 1], w[l]));
    if (layout.has_bias()) Eigen::Map<Vec>(grad + layout.bias_offset(l), w[l + 1]) = delta.rowwise().sum();
    if (l > 0) {
      prev.noalias() = layout.weight(theta, l).transpose() * delta;
      activation_backprop(arch.activation, fp.act[l], prev);
      delta.swap(prev);
    }
  }
}

}  // namespace mlp_detail

using namespace mlp_detail;

// --- construction ----------------------------------------------------------------------

MlpLoss parse_mlp_loss(std::string_view text, std::string_view key) {
  if (text == "mse") return MlpLoss::mse;
  if (text == "ce") return MlpLoss::cross_entropy;
  if (text == "bce") return MlpLoss::binary_cross_entropy;
  throw InputError("key '" + std::string(key) + "': unknown loss '" + std::string(text) +
                   "' (known: mse, ce, bce)");
}

std::string_view mlp_loss_name(MlpLoss loss) {
  switch (loss) {
    case MlpLoss::mse: return "mse";
    case MlpLoss::cross_entropy: return "ce";
    case MlpLoss::binary_cross_entropy: return "bce";
  }
  return "?";
}

Mlp::Mlp(MlpArchitecture architecture, Dataset data, std::string spec)
    : arch_(std::move(architecture)),
      layout_(arch_.widths, arch_.bias),
      data_(std::move(data)),
      spec_(std::move(spec)),
      sparse_(std::make_shared<LazySparseInput>()),
      block_size_(block_samples()) {
  const Index d = arch_.widths.front(), k = arch_.widths.back(), n = data_.size();
  if (!(arch_.l2 >= 0.0) || !std::isfinite(arch_.l2)) throw InputError("key 'l2': must be finite and ≥ 0");
  if (n < 1) throw InputError("key 'n': the data set is empty");
  if (data_.input_dim() != d)
    throw InputError("key 'widths': input width " + std::to_string(d) + " but the data have " +
                     std::to_string(data_.input_dim()) + " input features");
  if (!data_.labels.empty() && static_cast<Index>(data_.labels.size()) != n)
    throw InputError("data: " + std::to_string(data_.labels.size()) + " labels for " + std::to_string(n) +
                     " samples");
  switch (arch_.loss) {
    case MlpLoss::mse:
    case MlpLoss::cross_entropy:
      if (data_.targets.rows() == k && data_.targets.cols() == n) {
        targets_ = data_.targets;
      } else if (arch_.loss == MlpLoss::cross_entropy && !data_.labels.empty()) {
        targets_ = Mat::Zero(k, n);
        for (Index i = 0; i < n; ++i) {
          const int c = data_.labels[i];
          if (c < 0 || c >= k)
            throw InputError("key 'widths': label " + std::to_string(c) + " needs more than " +
                             std::to_string(k) + " outputs");
          targets_(c, i) = 1.0;
        }
      } else {
        throw InputError("key 'widths': output width " + std::to_string(k) + " but the data have " +
                         std::to_string(data_.targets.rows()) + " target rows");
      }
      if (arch_.loss == MlpLoss::cross_entropy && (targets_.array() < 0.0).any())
        throw InputError("key 'loss': ce needs class targets (one-hot or probabilities), e.g. targets=labels");
      break;
    case MlpLoss::binary_cross_entropy:
      if (k != 1) throw InputError("key 'loss': bce needs exactly one output (widths ending in 1)");
      if (data_.targets.rows() == 1 && data_.targets.cols() == n) {
        targets_ = data_.targets;
      } else if (!data_.labels.empty()) {
        targets_.resize(1, n);
        for (Index i = 0; i < n; ++i) {
          const int c = data_.labels[i];
          if (c != 0 && c != 1)
            throw InputError("key 'loss': bce needs labels 0/1, got label " + std::to_string(c));
          targets_(0, i) = c;
        }
      } else {
        throw InputError("key 'loss': bce needs 0/1 labels or a single target row");
      }
      if (((targets_.array() < 0.0) || (targets_.array() > 1.0)).any())
        throw InputError("key 'loss': bce targets must lie in [0, 1]");
      break;
  }
}

// Built once, on the first full-batch evaluation, and only when it pays: the zero fraction
// and the first hidden width decide (SparseInput's measured break-even), counted first so
// that dense data never pay for the compression. One SparseInput per sample block of the
// full batch (the blocks' columns of X), built in parallel, for the blocks this process
// computes (BlockBackend::local).
struct Mlp::LazySparseInput {
  std::once_flag once;
  std::vector<std::unique_ptr<SparseInput>> blocks;
};

SampleBlocks Mlp::sample_blocks(Batch batch) const {
  return {batch.empty() ? data_.size() : static_cast<Index>(batch.size()), block_size_};
}

const SparseInput* Mlp::sparse_input(Batch batch, Index block) const {
  if (!batch.empty() || !arch_.sparse_input) return nullptr;
  std::call_once(sparse_->once, [this] {
    const Mat& x = data_.inputs;
    const double zeros = static_cast<double>((x.array() == 0.0).count()) / static_cast<double>(x.size());
    if (zeros < SparseInput::kMinZeroFraction || arch_.widths[1] < SparseInput::kMinRows) return;
    const SampleBlocks blocks = sample_blocks({});
    sparse_->blocks.resize(static_cast<std::size_t>(blocks.count()));
    for_each_block(blocks.count(), [&](Index b) {
      sparse_->blocks[static_cast<std::size_t>(b)] =
          std::make_unique<SparseInput>(x.middleCols(blocks.begin(b), blocks.length(b)));
    });
  });
  return sparse_->blocks.empty() ? nullptr : sparse_->blocks[static_cast<std::size_t>(block)].get();
}

const LeastSquaresAccess* Mlp::least_squares() const {
  if (arch_.loss == MlpLoss::mse && arch_.l2 == 0.0) return this;
  return nullptr;
}

Mat Mlp::predict(const Vec& theta, const Mat& inputs) const {
  if (theta.size() != dim())
    throw InputError("Mlp::predict: parameter vector has length " + std::to_string(theta.size()) +
                     ", expected " + std::to_string(dim()));
  if (inputs.rows() != arch_.widths.front())
    throw InputError("Mlp::predict: inputs have " + std::to_string(inputs.rows()) + " rows, expected " +
                     std::to_string(arch_.widths.front()));
  ForwardPass fp;
  forward(arch_, layout_, theta, MatView(inputs.data(), inputs.rows(), inputs.cols()), fp);
  return std::move(fp.output);
}

// --- value and gradient --------------------------------------------------------------------

// F = data term + (l2/2)‖θ‖², ∇F = its gradient + l2 θ.
double Mlp::evaluate(const Vec& theta, Batch batch, Vec* gradient) const {
  double value = data_term(theta, batch, gradient);
  if (arch_.l2 != 0.0) value += 0.5 * arch_.l2 * theta.squaredNorm();
  if (gradient && arch_.l2 != 0.0) *gradient += arch_.l2 * theta;  // ∇(l2/2)‖θ‖² = l2 θ
  return value;
}

double Mlp::data_loss(const Vec& theta, Mat* outputs) const {
  check_point(theta, {});
  count_value({});
  return data_term(theta, {}, nullptr, outputs);
}

// Per block b (core/sample_blocks.hpp) the partials ∇ of (1/B) Σ_{i∈b} ℓ_i and (1/B) Σ_{i∈b} ℓ_i
// (B the samples of the batch), each added in block order; each block's outputs into its
// columns of `outputs` when asked.
double Mlp::data_term(const Vec& theta, Batch batch, Vec* gradient, Mat* outputs) const {
  const SampleBlocks blocks = prepare_blocks(batch);
  const double inv_b = 1.0 / static_cast<double>(blocks.n);
  std::vector<double> values(static_cast<std::size_t>(blocks.count()));
  if (outputs) outputs->resize(arch_.widths.back(), blocks.n);
  auto block = [&](Index b, double* partial_gradient) {
    Samples s;
    select_block(data_.inputs, targets_, batch, blocks, b, s);
    ForwardPass fp;
    forward(arch_, layout_, theta, s.x(), fp, sparse_input(batch, b));
    Mat g;
    values[static_cast<std::size_t>(b)] = output_loss(arch_.loss, fp.output, s.y(), inv_b, gradient ? &g : nullptr, nullptr);
    if (outputs) outputs->middleCols(blocks.begin(b), blocks.length(b)) = fp.output;
    if (gradient) backward(arch_, layout_, theta, fp, std::move(g), partial_gradient);
  };
  if (gradient) {
    gradient->resize(dim());
    sum_over_blocks(blocks.count(), dim(), block, gradient->data());
  } else {
    for_each_block(blocks.count(), [&](Index b) { block(b, nullptr); });
  }
  // Every process holds all outputs (its blocks wrote theirs in place; the rest are shared).
  if (outputs) block_backend().gather(blocks.count(), blocks.offsets(outputs->rows()), [](Index, double*) {}, outputs->data());
  return sum_over_blocks(blocks.count(), [&](Index b) { return values[static_cast<std::size_t>(b)]; });
}

SampleBlocks Mlp::prepare_blocks(Batch batch) const {
  sparse_input(batch, 0);  // builds the compressed blocks first, in parallel (not inside a block task)
  return sample_blocks(batch);
}

void Mlp::check_point(const Vec& theta, Batch batch) const {
  if (theta.size() != dim())
    throw InputError("objective '" + spec_ + "': parameter vector has length " + std::to_string(theta.size()) +
                     ", expected " + std::to_string(dim()));
  for (Index i : batch)
    if (i < 0 || i >= num_samples())
      throw InputError("objective '" + spec_ + "': sample index " + std::to_string(i) + " outside [0, " +
                       std::to_string(num_samples()) + ")");
}

}  // namespace optdyn
