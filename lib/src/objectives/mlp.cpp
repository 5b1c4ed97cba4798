// Multilayer perceptron objective: value, gradient by backpropagation, exact Hessian-vector
// product by Pearlmutter's R-operator, and the least-squares view (residuals, J·v, Jᵀ·u).
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
//   Every product below is one Eigen GEMM over the whole batch; per-sample loops appear only
//   in the probabilistic view (drawing labels, explicit per-sample gradients). The data are
//   used in place for the full batch; a minibatch gathers its columns once. With the full
//   batch, the first layer's products with X (W_0 X, V_0 X, δ_1 Xᵀ: most of the flops) skip
//   the zeros of X when it has enough of them (Mlp::sparse_input(), sparse_input.hpp).
#include "optdyn/objectives/mlp.hpp"

#include <cmath>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <string>

#include "optdyn/core/error.hpp"
#include "optdyn/core/rng.hpp"
#include "optdyn/objectives/network_budget.hpp"
#include "sparse_input.hpp"

namespace optdyn {

namespace {

using RowVec = Eigen::RowVectorXd;

// The samples of one evaluation: the data themselves (full batch) or gathered columns.
struct Samples {
  const Mat* x = nullptr;
  const Mat* y = nullptr;
  Mat x_gathered, y_gathered;
  Index count() const { return x->cols(); }
};

void select_samples(const Mat& inputs, const Mat& targets, Batch batch, Samples& s) {
  if (batch.empty()) {
    s.x = &inputs;
    s.y = &targets;
    return;
  }
  const Index b = static_cast<Index>(batch.size());
  s.x_gathered.resize(inputs.rows(), b);
  s.y_gathered.resize(targets.rows(), b);
  for (Index j = 0; j < b; ++j) {
    s.x_gathered.col(j) = inputs.col(batch[j]);
    s.y_gathered.col(j) = targets.col(batch[j]);
  }
  s.x = &s.x_gathered;
  s.y = &s.y_gathered;
}

// Activations of one forward pass. a(0) is the input (not copied); act[l] = a_l for the
// hidden layers l = 1..L−1; output = f = z_L.
struct ForwardPass {
  const Mat* input = nullptr;
  const SparseInput* sparse = nullptr;  // the same X compressed, or null (dense products)
  std::vector<Mat> act;
  Mat output;
  const Mat& a(Index l) const { return l == 0 ? *input : act[l]; }
};

// out = M a_l for a weight-shaped M (W_l or V_l): through the compressed input for l = 0.
void times_activation(const ForwardPass& fp, Index l, const Eigen::Map<const RowMat>& m, Mat& out) {
  if (l == 0 && fp.sparse)
    fp.sparse->times_left(m, out);
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
// `sparse`: X compressed (only when x is the full data set), or null.
void forward(const MlpArchitecture& arch, const MlpLayout& layout, const Vec& theta, const Mat& x,
             ForwardPass& fp, const SparseInput* sparse = nullptr) {
  const Index layers = layout.num_layers();
  fp.input = &x;
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
struct TangentPass {
  std::vector<Mat> rz, ra;  // index l = 1..L−1
  Mat output;               // R{f}
};

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

// What the output loss's Hessian ∂²F/∂f² needs, computed once per point (it does not depend
// on the direction): ce the softmax p and the per-column factor w/B; bce the per-entry
// factor s(1 − s)/B; mse only 1/B.
struct OutputCurvature {
  Mat p;           // ce: softmax(f);  bce: s(1 − s)/B
  RowVec scale;    // ce: w / B
  double inv_b = 0.0;
};

// Mean loss over the B columns of f. Optionally G = ∂F/∂f (k × B, includes the 1/B of the
// mean) and the OutputCurvature that output_hessian() applies.
double output_loss(MlpLoss loss, const Mat& f, const Mat& y, Mat* grad, OutputCurvature* curv) {
  const double inv_b = 1.0 / static_cast<double>(f.cols());
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

// R{G} = (1/B) ∂²L/∂f² R{f}, column by column, from the OutputCurvature of output_loss:
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

}  // namespace

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
      sparse_(std::make_shared<LazySparseInput>()) {
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
// that dense data never pay for the compression.
struct Mlp::LazySparseInput {
  std::once_flag once;
  std::unique_ptr<SparseInput> input;
};

const SparseInput* Mlp::sparse_input(Batch batch) const {
  if (!batch.empty() || !arch_.sparse_input) return nullptr;
  std::call_once(sparse_->once, [this] {
    const Mat& x = data_.inputs;
    const double zeros = static_cast<double>((x.array() == 0.0).count()) / static_cast<double>(x.size());
    if (zeros >= SparseInput::kMinZeroFraction && arch_.widths[1] >= SparseInput::kMinRows)
      sparse_->input = std::make_unique<SparseInput>(x);
  });
  return sparse_->input.get();
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
  forward(arch_, layout_, theta, inputs, fp);
  return std::move(fp.output);
}

// --- value and gradient --------------------------------------------------------------------

double Mlp::evaluate(const Vec& theta, Batch batch, Vec* gradient) const {
  Samples s;
  select_samples(data_.inputs, targets_, batch, s);
  ForwardPass fp;
  forward(arch_, layout_, theta, *s.x, fp, sparse_input(batch));
  Mat g;
  double value = output_loss(arch_.loss, fp.output, *s.y, gradient ? &g : nullptr, nullptr);
  if (arch_.l2 != 0.0) value += 0.5 * arch_.l2 * theta.squaredNorm();
  if (gradient) {
    gradient->resize(dim());
    backward(arch_, layout_, theta, fp, std::move(g), gradient->data());
    if (arch_.l2 != 0.0) *gradient += arch_.l2 * theta;  // ∇(l2/2)‖θ‖² = l2 θ
  }
  return value;
}

// --- Hessian-vector product --------------------------------------------------------------
// Pearlmutter (1994), "Fast exact multiplication by the Hessian", Neural Computation 6(1):
// apply R{·} = ∂/∂r|_{r=0} (·)(θ + r v) to every line of backprop. Forward: tangent() above.
// Backward, from the top (δ_L = ∂F/∂f, R{δ_L} = (1/B) ∂²L/∂f² R{f}, see output_hessian):
//   R{∂F/∂W_l} = R{δ_{l+1}} a_lᵀ + δ_{l+1} R{a_l}ᵀ          (second term vanishes for l = 0)
//   R{∂F/∂b_l} = R{δ_{l+1}} 1
//   R{δ_l}     = σ'(z_l) ⊙ (W_lᵀ R{δ_{l+1}} + V_lᵀ δ_{l+1}) + σ''(z_l) ⊙ (W_lᵀ δ_{l+1}) ⊙ R{z_l}
// and H v = (R{∂F/∂W_l}, R{∂F/∂b_l})_l + l2 v.
// Split by what depends on v: the forward pass a_l, the output curvature, δ_{l+1} and
// p_l = W_lᵀ δ_{l+1} (l ≥ 1) depend on θ only and are computed once (MlpCurvature's
// constructor); the tangent pass and the R{δ} recursion are the per-direction work (hvp()).
// The gradient itself is never formed; δ is propagated only as far as the R{δ} recursion
// needs it (δ_2..δ_L, p_1..p_{L−1}; nothing for a single layer).

struct MlpCurvature::State {
  const Mlp* mlp = nullptr;
  Vec theta;
  Samples samples;
  ForwardPass fp;
  OutputCurvature out_curv;
  double value = 0.0;
  std::vector<Mat> delta;  // δ_l, l = 2..L (index l); δ_L = ∂F/∂f
  std::vector<Mat> p;      // p_l = W_lᵀ δ_{l+1}, l = 1..L−1
  // Per-product scratch (hvp() is const but not thread-safe on one object).
  mutable TangentPass tp;
  mutable Mat rdelta, q, pbuf;
  mutable std::uint64_t products = 0;
};

MlpCurvature::MlpCurvature(const Mlp& mlp, const Vec& theta, Batch batch) : state_(std::make_unique<State>()) {
  mlp.check_point(theta, batch);
  State& s = *state_;
  s.mlp = &mlp;
  s.theta = theta;
  const MlpArchitecture& arch = mlp.arch_;
  const MlpLayout& layout = mlp.layout_;
  select_samples(mlp.data_.inputs, mlp.targets_, batch, s.samples);
  forward(arch, layout, s.theta, *s.samples.x, s.fp, mlp.sparse_input(batch));
  const Index layers = layout.num_layers();
  s.delta.resize(layers + 1);
  s.p.resize(layers);
  s.value = output_loss(arch.loss, s.fp.output, *s.samples.y, layers > 1 ? &s.delta[layers] : nullptr, &s.out_curv);
  if (arch.l2 != 0.0) s.value += 0.5 * arch.l2 * s.theta.squaredNorm();
  for (Index l = layers - 1; l >= 1; --l) {
    s.p[l].noalias() = layout.weight(s.theta, l).transpose() * s.delta[l + 1];
    if (l >= 2) {
      s.delta[l] = s.p[l];
      activation_backprop(arch.activation, s.fp.act[l], s.delta[l]);
    }
  }
}

MlpCurvature::~MlpCurvature() = default;
MlpCurvature::MlpCurvature(MlpCurvature&&) noexcept = default;
MlpCurvature& MlpCurvature::operator=(MlpCurvature&&) noexcept = default;

Index MlpCurvature::dim() const { return state_->mlp->dim(); }
const Vec& MlpCurvature::point() const { return state_->theta; }
double MlpCurvature::value() const { return state_->value; }
std::uint64_t MlpCurvature::products() const { return state_->products; }

void MlpCurvature::hvp(const Vec& v, Vec& out) const {
  const State& s = *state_;
  const Mlp& mlp = *s.mlp;
  if (v.size() != mlp.dim())
    throw InputError("MlpCurvature::hvp: direction has length " + std::to_string(v.size()) + ", expected " +
                     std::to_string(mlp.dim()));
  const MlpArchitecture& arch = mlp.arch_;
  const MlpLayout& layout = mlp.layout_;
  const Index layers = layout.num_layers();
  const auto& w = arch.widths;
  ++s.products;
  TangentPass& tp = s.tp;
  tangent(arch, layout, s.theta, v, s.fp, /*keep_rz=*/true, tp);
  Mat& rdelta = s.rdelta;
  output_hessian(arch.loss, s.out_curv, tp.output, rdelta);

  out.resize(mlp.dim());
  for (Index l = layers - 1; l >= 0; --l) {
    Eigen::Map<RowMat> hw(out.data() + layout.weight_offset(l), w[l + 1], w[l]);
    times_activation_transpose(s.fp, l, rdelta, hw);
    if (l > 0) hw.noalias() += s.delta[l + 1] * tp.ra[l].transpose();
    if (layout.has_bias()) Eigen::Map<Vec>(out.data() + layout.bias_offset(l), w[l + 1]) = rdelta.rowwise().sum();
    if (l > 0) {
      s.q.noalias() = layout.weight(s.theta, l).transpose() * rdelta;
      s.q.noalias() += layout.weight(v, l).transpose() * s.delta[l + 1];
      s.pbuf = s.p[l];
      activation_r_backprop(arch.activation, s.fp.act[l], s.pbuf, s.q, tp.rz[l]);  // q → R{δ_l}
      rdelta.swap(s.q);
    }
  }
  if (arch.l2 != 0.0) out += arch.l2 * v;
}

MlpCurvature Mlp::bind(const Vec& theta, Batch batch) const { return MlpCurvature(*this, theta, batch); }

void Mlp::evaluate_hvp(const Vec& theta, Batch batch, const Vec& v, Vec& out) const {
  MlpCurvature(*this, theta, batch).hvp(v, out);
}

// --- least-squares view ------------------------------------------------------------------
// r = vec((f(X) − Y)/√n) (column-major k × n, i.e. sample-major), F = ½‖r‖² exactly when
// loss = mse and l2 = 0. J v = vec(R{f})/√n (forward R pass); Jᵀ u = backprop of
// δ_L = reshape(u)/√n (the same backward() as the gradient).

Index Mlp::num_residuals() const { return arch_.widths.back() * data_.size(); }

Vec Mlp::residuals(const Vec& theta) const {
  Mat r = predict(theta, data_.inputs) - targets_;
  r /= std::sqrt(static_cast<double>(data_.size()));
  return Eigen::Map<const Vec>(r.data(), r.size());
}

Vec Mlp::jacobian_vector(const Vec& theta, const Vec& v) const {
  if (theta.size() != dim() || v.size() != dim())
    throw InputError("Mlp::jacobian_vector: vectors must have length " + std::to_string(dim()));
  ForwardPass fp;
  forward(arch_, layout_, theta, data_.inputs, fp, sparse_input({}));
  TangentPass tp;
  tangent(arch_, layout_, theta, v, fp, /*keep_rz=*/false, tp);
  tp.output /= std::sqrt(static_cast<double>(data_.size()));
  return Eigen::Map<const Vec>(tp.output.data(), tp.output.size());
}

Vec Mlp::jacobian_transpose_vector(const Vec& theta, const Vec& u) const {
  if (theta.size() != dim())
    throw InputError("Mlp::jacobian_transpose_vector: parameter vector must have length " + std::to_string(dim()));
  if (u.size() != num_residuals())
    throw InputError("Mlp::jacobian_transpose_vector: cotangent must have length " +
                     std::to_string(num_residuals()));
  ForwardPass fp;
  forward(arch_, layout_, theta, data_.inputs, fp, sparse_input({}));
  Mat delta = Eigen::Map<const Mat>(u.data(), arch_.widths.back(), data_.size()) /
              std::sqrt(static_cast<double>(data_.size()));
  Vec out(dim());
  backward(arch_, layout_, theta, fp, std::move(delta), out.data());
  return out;
}

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

void Mlp::check_point(const Vec& theta, Batch batch) const {
  if (theta.size() != dim())
    throw InputError("objective '" + spec_ + "': parameter vector has length " + std::to_string(theta.size()) +
                     ", expected " + std::to_string(dim()));
  for (Index i : batch)
    if (i < 0 || i >= num_samples())
      throw InputError("objective '" + spec_ + "': sample index " + std::to_string(i) + " outside [0, " +
                       std::to_string(num_samples()) + ")");
}

ProbabilisticAccess::Product Mlp::fisher(const Vec& theta, Batch batch, FisherKind kind, Rng* rng) const {
  check_point(theta, batch);
  std::shared_ptr<const BoundPoint> point = bind_point(arch_, layout_, data_.inputs, targets_, theta, batch, sparse_input(batch));
  const double inv_b = 1.0 / static_cast<double>(point->samples.count());
  if (kind == FisherKind::true_fisher) {
    // Output Fisher per column, as output_hessian applies it: the categorical Fisher without
    // the target weight w (scale 1/B), Bernoulli s(1 − s)/B, Gaussian I/B.
    auto curvature = std::make_shared<OutputCurvature>();
    output_loss(arch_.loss, point->fp.output, *point->samples.y, nullptr, curvature.get());
    if (arch_.loss == MlpLoss::cross_entropy) curvature->scale = RowVec::Constant(point->samples.count(), inv_b);
    return [this, point, curvature](const Vec& v, Vec& out) {
      TangentPass tp;
      tangent(arch_, layout_, point->theta, v, point->fp, /*keep_rz=*/false, tp);  // J v
      Mat hjv;
      output_hessian(arch_.loss, *curvature, tp.output, hjv);  // (1/B) H J v
      out.resize(dim());
      backward(arch_, layout_, point->theta, point->fp, std::move(hjv), out.data());  // Jᵀ(·)
    };
  }
  auto deltas = std::make_shared<const std::vector<Mat>>(backward_deltas(
      arch_, layout_, point->theta, point->fp,
      label_cotangents(arch_.loss, point->fp.output, *point->samples.y, kind, rng)));
  return [this, point, deltas, inv_b](const Vec& v, Vec& out) {
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
  };
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

// --- spec entries --------------------------------------------------------------------------

std::vector<ParamInfo> with_data_params(std::vector<ParamInfo> own,
                                        const std::vector<std::pair<std::string, std::string>>& data_defaults) {
  std::vector<ParamInfo> data = dataset_params();
  for (const auto& [key, value] : data_defaults) {
    bool found = false;
    for (auto& p : data)
      if (p.key == key) {
        p.default_value = value;
        found = true;
      }
    if (!found) throw std::logic_error("with_data_params: no data key '" + key + "'");
  }
  own.insert(own.end(), data.begin(), data.end());
  return own;
}

Dataset make_mlp_dataset(const Spec& spec, const std::vector<Index>& widths, MlpLoss loss) {
  const Index out = loss == MlpLoss::binary_cross_entropy ? 2 : widths.back();
  return make_dataset(spec, widths.front(), out);
}

ObjectivePtr make_mlp(const Spec& spec, MlpArchitecture arch) {
  // Parameters and the activations kept for backprop must fit the budget (network_budget.hpp);
  // the data matrix itself is checked by make_dataset before it is allocated.
  check_network_size(arch.widths, 1, arch.bias, "objective '" + spec.name() + "': ");
  Dataset data = make_mlp_dataset(spec, arch.widths, arch.loss);
  check_network_size(arch.widths, data.size(), arch.bias, "objective '" + spec.name() + "': ");
  return std::make_unique<Mlp>(std::move(arch), std::move(data), spec.canonical());
}

RegistryEntry<ObjectivePtr> mlp_entry() {
  RegistryEntry<ObjectivePtr> e;
  e.name = "mlp";
  e.help = "multilayer perceptron, PyTorch nn.Sequential layout; backprop gradient, R-operator HVP";
  e.params = with_data_params(
      {
          {"widths", "784-32-10", "layer widths input-hidden...-output, '-' separated"},
          {"act", "tanh", "hidden activation: tanh|relu|softplus|linear (output layer is linear)"},
          {"loss", "ce", "mse (½‖f−y‖² per sample) | ce (softmax cross-entropy) | bce (1 output, logistic)"},
          {"bias", "true", "biases in every layer"},
          {"l2", "0", "adds (l2/2)‖θ‖² to the mean loss"},
          {"input_products", "auto",
           "auto: the first layer's full-batch products skip the zeros of X when X is >= 30% zeros and the first "
           "hidden width >= 16 (exact, another summation order) | dense: always GEMMs"},
      },
      {{"data", "fashion-mnist"}, {"n", "1000"}});
  e.make = [](const Spec& spec) -> ObjectivePtr {
    MlpArchitecture arch;
    for (long w : spec.integer_list("widths", '-', 1, 1L << 20)) arch.widths.push_back(w);
    if (arch.widths.size() < 2) throw InputError("key 'widths': need at least an input and an output width");
    arch.activation = parse_activation(spec.text("act"), "act");
    arch.loss = parse_mlp_loss(spec.text("loss"), "loss");
    arch.bias = spec.boolean("bias");
    arch.l2 = spec.real("l2", 0.0, std::numeric_limits<double>::max());
    arch.sparse_input = spec.choice("input_products", {"auto", "dense"}) == "auto";
    return make_mlp(spec, std::move(arch));
  };
  return e;
}

}  // namespace optdyn
