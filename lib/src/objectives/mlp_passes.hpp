#pragma once
// Private to lib/src/objectives: the batched passes of the Mlp that its views share. mlp.cpp
// defines them (with the notation: one sample per column, means over the batch) and uses
// them for the value and gradient; mlp_curvature.cpp (R-operator HVPs), mlp_least_squares.cpp
// (J v, Jᵀ u) and mlp_fisher.cpp (Fisher products, K-FAC statistics) build on them.
#include <vector>

#include "optdyn/objectives/mlp.hpp"
#include "optdyn/core/sample_blocks.hpp"
#include "sparse_input.hpp"

namespace optdyn::mlp_detail {

using RowVec = Eigen::RowVectorXd;
// A read-only view of columns: the data's own (a block of the full batch, no copy) or a
// gathered copy's. Column-major, so a range of columns is contiguous.
using MatView = Eigen::Map<const Mat>;

// The samples of one block of an evaluation (core/sample_blocks.hpp): columns
// [begin, begin + length) of the data (full batch: a view, no copy) or those positions of the
// batch gathered into x_gathered / y_gathered. Holds pointers into the data or into itself.
struct Samples {
  Mat x_gathered, y_gathered;
  const double* x_data = nullptr;
  const double* y_data = nullptr;
  Index d = 0, k = 0, cols = 0;
  MatView x() const { return MatView(x_data, d, cols); }
  MatView y() const { return MatView(y_data, k, cols); }
  Index count() const { return cols; }
};

// Block b of `blocks` over the data (empty batch) or over the batch's positions, into s.
void select_block(const Mat& inputs, const Mat& targets, Batch batch, const SampleBlocks& blocks, Index b,
                  Samples& s);

// Activations of one forward pass. a(0) is the input (not copied); act[l] = a_l for the
// hidden layers l = 1..L−1; output = f = z_L.
struct ForwardPass {
  const double* input = nullptr;  // d × cols, column-major (a Samples' x())
  Index input_rows = 0, input_cols = 0;
  const SparseInput* sparse = nullptr;  // the same columns compressed, or null (dense products)
  std::vector<Mat> act;
  Mat output;
  MatView a(Index l) const {
    return l == 0 ? MatView(input, input_rows, input_cols) : MatView(act[l].data(), act[l].rows(), act[l].cols());
  }
};

// out = M a_l for a weight-shaped M (W_l or V_l): through the compressed input for l = 0.
void times_activation(const ForwardPass& fp, Index l, const Eigen::Map<const RowMat>& m, Mat& out);
// out = D a_lᵀ (a weight-shaped gradient block from a signal D with one column per sample).
void times_activation_transpose(const ForwardPass& fp, Index l, const Mat& d, Eigen::Map<RowMat> out);
// The forward pass of inputs x (which must outlive fp). `sparse`: x compressed, or null.
void forward(const MlpArchitecture& arch, const MlpLayout& layout, const Vec& theta, const MatView& x,
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

// inv_b · Σ_columns L(f_i, y_i): the block's share of a mean over B = 1/inv_b samples (the
// columns of f are some of them). Optionally G = ∂/∂f of that (k × cols, includes inv_b) and
// the OutputCurvature that output_hessian() applies.
double output_loss(MlpLoss loss, const Mat& f, const MatView& y, double inv_b, Mat* grad, OutputCurvature* curv);
// R{G} = inv_b ∂²L/∂f² R{f}, column by column, from the OutputCurvature of output_loss.
void output_hessian(MlpLoss loss, const OutputCurvature& c, const Mat& rf, Mat& rgrad);
// Backpropagation of δ_L = delta into every block of grad (length layout.size()); also Jᵀu
// when δ_L is a reshaped cotangent u.
void backward(const MlpArchitecture& arch, const MlpLayout& layout, const Vec& theta,
              const ForwardPass& fp, Mat delta, double* grad);

}  // namespace optdyn::mlp_detail
