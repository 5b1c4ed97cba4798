// The Mlp's Hessian: Pearlmutter's R-operator HVPs, with the direction-independent work bound
// once at a point (MlpCurvature). Notation in mlp.cpp; the shared passes in mlp_passes.hpp.
#include "optdyn/objectives/mlp.hpp"

#include <string>

#include "mlp_passes.hpp"
#include "optdyn/core/error.hpp"

namespace optdyn {

using namespace mlp_detail;

// --- Hessian-vector product --------------------------------------------------------------
// Pearlmutter (1994), "Fast exact multiplication by the Hessian", Neural Computation 6(1):
// apply R{·} = ∂/∂r|_{r=0} (·)(θ + r v) to every line of backprop. Forward: tangent() (mlp.cpp).
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

// Sums over samples go by sample blocks (core/sample_blocks.hpp): each block keeps its own
// forward pass, output curvature, δ's and per-product scratch, and hvp() adds the blocks'
// partial products (each with the 1/B of the whole batch) in block order.

struct MlpCurvature::State {
  struct Block {
    Samples samples;
    ForwardPass fp;
    OutputCurvature out_curv;
    double value = 0.0;
    std::vector<Mat> delta;  // δ_l, l = 2..L (index l); δ_L = ∂F/∂f
    std::vector<Mat> p;      // p_l = W_lᵀ δ_{l+1}, l = 1..L−1
    // Per-product scratch (hvp() is const but not thread-safe on one object).
    mutable TangentPass tp;
    mutable Mat rdelta, q, pbuf;
  };
  const Mlp* mlp = nullptr;
  Vec theta;
  SampleBlocks blocks;
  std::vector<Block> block;
  double value = 0.0;

  // Block b's partial of ∇²F v (without the l2 term): every entry of `out` (length D).
  void block_hvp(Index b, const Vec& v, double* out) const;
};

MlpCurvature::MlpCurvature(const Mlp& mlp, const Vec& theta, Batch batch) : state_(std::make_unique<State>()) {
  mlp.check_point(theta, batch);
  State& s = *state_;
  s.mlp = &mlp;
  s.theta = theta;
  const MlpArchitecture& arch = mlp.arch_;
  const MlpLayout& layout = mlp.layout_;
  s.blocks = mlp.prepare_blocks(batch);
  s.block.resize(static_cast<std::size_t>(s.blocks.count()));
  const double inv_b = 1.0 / static_cast<double>(s.blocks.n);
  const Index layers = layout.num_layers();
  for_each_block(s.blocks.count(), [&](Index b) {
    State::Block& k = s.block[static_cast<std::size_t>(b)];
    select_block(mlp.data_.inputs, mlp.targets_, batch, s.blocks, b, k.samples);
    forward(arch, layout, s.theta, k.samples.x(), k.fp, mlp.sparse_input(batch, b));
    k.delta.resize(layers + 1);
    k.p.resize(layers);
    k.value = output_loss(arch.loss, k.fp.output, k.samples.y(), inv_b, layers > 1 ? &k.delta[layers] : nullptr,
                          &k.out_curv);
    for (Index l = layers - 1; l >= 1; --l) {
      k.p[l].noalias() = layout.weight(s.theta, l).transpose() * k.delta[l + 1];
      if (l >= 2) {
        k.delta[l] = k.p[l];
        activation_backprop(arch.activation, k.fp.act[l], k.delta[l]);
      }
    }
  });
  s.value = sum_over_blocks(s.blocks.count(), [&](Index b) { return s.block[static_cast<std::size_t>(b)].value; });
  if (arch.l2 != 0.0) s.value += 0.5 * arch.l2 * s.theta.squaredNorm();
}

MlpCurvature::~MlpCurvature() = default;
MlpCurvature::MlpCurvature(MlpCurvature&&) noexcept = default;
MlpCurvature& MlpCurvature::operator=(MlpCurvature&&) noexcept = default;

Index MlpCurvature::dim() const { return state_->mlp->dim(); }
const Vec& MlpCurvature::point() const { return state_->theta; }
double MlpCurvature::value() const { return state_->value; }

void MlpCurvature::State::block_hvp(Index b, const Vec& v, double* out) const {
  const Block& k = block[static_cast<std::size_t>(b)];
  const MlpArchitecture& arch = mlp->arch_;
  const MlpLayout& layout = mlp->layout_;
  const Index layers = layout.num_layers();
  const auto& w = arch.widths;
  TangentPass& tp = k.tp;
  tangent(arch, layout, theta, v, k.fp, /*keep_rz=*/true, tp);
  Mat& rdelta = k.rdelta;
  output_hessian(arch.loss, k.out_curv, tp.output, rdelta);
  for (Index l = layers - 1; l >= 0; --l) {
    Eigen::Map<RowMat> hw(out + layout.weight_offset(l), w[l + 1], w[l]);
    times_activation_transpose(k.fp, l, rdelta, hw);
    if (l > 0) hw.noalias() += k.delta[l + 1] * tp.ra[l].transpose();
    if (layout.has_bias()) Eigen::Map<Vec>(out + layout.bias_offset(l), w[l + 1]) = rdelta.rowwise().sum();
    if (l > 0) {
      k.q.noalias() = layout.weight(theta, l).transpose() * rdelta;
      k.q.noalias() += layout.weight(v, l).transpose() * k.delta[l + 1];
      k.pbuf = k.p[l];
      activation_r_backprop(arch.activation, k.fp.act[l], k.pbuf, k.q, tp.rz[l]);  // q → R{δ_l}
      rdelta.swap(k.q);
    }
  }
}

void MlpCurvature::hvp(const Vec& v, Vec& out) const {
  const State& s = *state_;
  const Mlp& mlp = *s.mlp;
  if (v.size() != mlp.dim())
    throw InputError("MlpCurvature::hvp: direction has length " + std::to_string(v.size()) + ", expected " +
                     std::to_string(mlp.dim()));
  out.resize(mlp.dim());
  sum_over_blocks(s.blocks.count(), mlp.dim(), [&](Index b, double* partial) { s.block_hvp(b, v, partial); },
                  out.data());
  if (mlp.arch_.l2 != 0.0) out += mlp.arch_.l2 * v;
}

std::unique_ptr<const PointHessian> Mlp::bind_hessian(const Vec& theta, Batch batch) const {
  return std::make_unique<MlpCurvature>(*this, theta, batch);
}

void Mlp::evaluate_hvp(const Vec& theta, Batch batch, const Vec& v, Vec& out) const {
  MlpCurvature(*this, theta, batch).hvp(v, out);
}

}  // namespace optdyn
