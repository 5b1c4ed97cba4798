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

std::unique_ptr<const PointHessian> Mlp::bind_hessian(const Vec& theta, Batch batch) const {
  return std::make_unique<MlpCurvature>(*this, theta, batch);
}

void Mlp::evaluate_hvp(const Vec& theta, Batch batch, const Vec& v, Vec& out) const {
  MlpCurvature(*this, theta, batch).hvp(v, out);
}

}  // namespace optdyn
