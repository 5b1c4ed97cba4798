#pragma once
// Private to lib/src/objectives: the batched passes of the Mlp that its views share. mlp.cpp
// defines them (with the notation: one sample per column, means over the batch) and uses
// them for the value and gradient; mlp_curvature.cpp (R-operator HVPs), mlp_least_squares.cpp
// (J v, Jᵀ u) and mlp_fisher.cpp (Fisher products, K-FAC statistics) build on them.
#include <vector>

#include "optdyn/objectives/mlp.hpp"
#include "sparse_input.hpp"

namespace optdyn::mlp_detail {

using RowVec = Eigen::RowVectorXd;

// The samples of one evaluation: the data themselves (full batch) or gathered columns.
struct Samples {
  const Mat* x = nullptr;
  const Mat* y = nullptr;
  Mat x_gathered, y_gathered;
  Index count() const { return x->cols(); }
};

// s.x, s.y = the data (empty batch, no copy) or the batch's columns gathered into s.
void select_samples(const Mat& inputs, const Mat& targets, Batch batch, Samples& s);

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
void times_activation(const ForwardPass& fp, Index l, const Eigen::Map<const RowMat>& m, Mat& out);
// out = D a_lᵀ (a weight-shaped gradient block from a signal D with one column per sample).
void times_activation_transpose(const ForwardPass& fp, Index l, const Mat& d, Eigen::Map<RowMat> out);
// The forward pass of inputs x. `sparse`: x compressed (only when x is the full data set), or null.
void forward(const MlpArchitecture& arch, const MlpLayout& layout, const Vec& theta, const Mat& x,
             ForwardPass& fp, const SparseInput* sparse = nullptr);

// The forward R pass (tangent) in direction v: R{z_l}, R{a_l} of the hidden layers and R{f} = J v.
struct TangentPass {
  std::vector<Mat> rz, ra;  // index l = 1..L−1
  Mat output;               // R{f}
};
// keep_rz: also keep R{z_l} of the hidden layers (the backward R pass needs it for σ'').
void tangent(const MlpArchitecture& arch, const MlpLayout& layout, const Vec& theta, const Vec& v,
             const ForwardPass& fp, bool keep_rz, TangentPass& tp);

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
double output_loss(MlpLoss loss, const Mat& f, const Mat& y, Mat* grad, OutputCurvature* curv);
// R{G} = (1/B) ∂²L/∂f² R{f}, column by column, from the OutputCurvature of output_loss.
void output_hessian(MlpLoss loss, const OutputCurvature& c, const Mat& rf, Mat& rgrad);
// Backpropagation of δ_L = delta into every block of grad (length layout.size()); also Jᵀu
// when δ_L is a reshaped cotangent u.
void backward(const MlpArchitecture& arch, const MlpLayout& layout, const Vec& theta,
              const ForwardPass& fp, Mat delta, double* grad);

}  // namespace optdyn::mlp_detail
